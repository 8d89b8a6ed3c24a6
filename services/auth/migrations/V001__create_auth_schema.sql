-- Edited after release (ADR 0010): the outbox table this file created moved, with the same definition,
-- to libs/bus/migrations/V1000__create_outbox.sql (CREATE TABLE IF NOT EXISTS), so a database migrated
-- with the earlier text keeps its schema.
-- replaces checksum f9673cbcfcef54dc2d24674d9fd9cf4200c722bec423c3ff5afd3f902777b231
-- Roles are fixed by the API (1 customer, 2 provider, 3 admin) and seeded here.
CREATE TABLE roles (
  id INT NOT NULL PRIMARY KEY,
  role_name VARCHAR(50) NOT NULL UNIQUE,
  description VARCHAR(255) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO roles (id, role_name, description) VALUES
  (1, 'customer', 'Publishes service orders, pays and reviews'),
  (2, 'provider', 'Accepts and delivers service orders'),
  (3, 'admin', 'Reviews orders and manages users');

-- token_version is bumped on a role change or deletion: access tokens carrying an older version die at once.
CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(100) NOT NULL,
  email VARCHAR(255) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  role_id INT NOT NULL,
  token_version BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE KEY users_username (username),
  UNIQUE KEY users_email (email),
  KEY users_role_created (role_id, created_at),
  KEY users_created (created_at),
  CONSTRAINT users_role_fk FOREIGN KEY (role_id) REFERENCES roles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refresh tokens are stored as SHA-256 hashes, rotated on use; reuse of a rotated token revokes its family.
CREATE TABLE refresh_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  family_id CHAR(36) NOT NULL,
  token_hash CHAR(64) NOT NULL,
  expires_at DATETIME NOT NULL,
  revoked_at DATETIME NULL,
  created_at DATETIME NOT NULL,
  UNIQUE KEY refresh_tokens_hash (token_hash),
  KEY refresh_tokens_family (family_id),
  KEY refresh_tokens_user (user_id),
  CONSTRAINT refresh_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Logged-out access tokens until they would have expired (the durable copy of Redis auth:jti:*).
CREATE TABLE revoked_access_tokens (
  jti VARCHAR(64) NOT NULL PRIMARY KEY,
  expires_at DATETIME NOT NULL,
  KEY revoked_access_tokens_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

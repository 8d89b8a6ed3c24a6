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

CREATE TABLE outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id CHAR(36) NOT NULL,
  exchange_name VARCHAR(64) NOT NULL,
  routing_key VARCHAR(128) NOT NULL,
  body LONGTEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  published_at DATETIME(3) NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NULL,
  UNIQUE KEY outbox_event_id (event_id),
  KEY outbox_unpublished (published_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

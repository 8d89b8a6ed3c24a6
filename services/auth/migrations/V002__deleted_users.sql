-- Accounts deleted in the last hour: the durable copy of their Redis auth:tv:* "deleted" markers, so that
-- auth can write those markers again when Redis lost them (restart without persistence, an outage during
-- the delete). Rows older than an access token's life are purged by auth.
CREATE TABLE deleted_users (
  user_id BIGINT NOT NULL PRIMARY KEY,
  deleted_at DATETIME NOT NULL,
  KEY deleted_users_at (deleted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

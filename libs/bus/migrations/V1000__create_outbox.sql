-- The outbox of every MySQL service (libs/bus/migrations: embedded into each service's migrations by
-- mp_sql_migrations, versions 1000 and up are reserved for it; ADR 0010). The services created before this
-- file have the same table in their V001, so this is a no-op there.
CREATE TABLE IF NOT EXISTS outbox (
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

-- Edited after release (ADR 0010): the outbox table this file created moved, with the same definition,
-- to libs/bus/migrations/V1000__create_outbox.sql (CREATE TABLE IF NOT EXISTS), so a database migrated
-- with the earlier text keeps its schema.
-- replaces checksum c85981691b4f9cb94ad76ad234f22287e80a9f816767c1a4cf9aee43ddf39532
-- Orders and their lifecycle. `version` is bumped by every write: each state change is one conditional
-- UPDATE ... WHERE id = ? AND status = ? AND version = ?, so concurrent accepts/cancels have exactly one winner.
CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  provider_id BIGINT NULL,
  title VARCHAR(255) NOT NULL,
  description TEXT NULL,
  service_type ENUM('cleaning_repair','it_technology','education_training','life_health','design_consulting','other') NOT NULL,
  status ENUM('pending_review','pending','accepted','in_progress','completed','reviewed','cancelled') NOT NULL DEFAULT 'pending_review',
  price DECIMAL(10,2) NOT NULL,
  location ENUM('NORTH','SOUTH','EAST','WEST','MID') NOT NULL,
  address VARCHAR(255) NULL,
  service_start_time DATETIME NULL,
  service_end_time DATETIME NULL,
  payment_status ENUM('unpaid','paid','refunded') NOT NULL DEFAULT 'unpaid',
  has_review TINYINT(1) NOT NULL DEFAULT 0,
  reject_reason VARCHAR(1000) NULL,
  version BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  -- One index per list query (see docs in services/order/README.md "Indexes"):
  KEY orders_customer_created (customer_id, created_at),          -- customer active list and history
  KEY orders_provider_updated (provider_id, updated_at),          -- provider history
  KEY orders_status_created (status, created_at),                 -- admin list by status, pending review, available
  KEY orders_status_location_created (status, location, created_at),
  KEY orders_status_type_created (status, service_type, created_at),
  KEY orders_status_price (status, price),                        -- available with a price range
  KEY orders_created (created_at)                                 -- admin list of everything
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Events this service consumed (payment.completed, refund.processed, review.created): the change and the
-- event id commit together, so a redelivered event changes nothing.
CREATE TABLE processed_events (
  event_id VARCHAR(64) NOT NULL PRIMARY KEY,
  routing_key VARCHAR(128) NOT NULL,
  processed_at DATETIME NOT NULL,
  KEY processed_events_at (processed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

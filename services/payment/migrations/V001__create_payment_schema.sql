-- Edited after release (ADR 0010): the outbox table this file created moved, with the same definition,
-- to libs/bus/migrations/V1000__create_outbox.sql (CREATE TABLE IF NOT EXISTS), so a database migrated
-- with the earlier text keeps its schema.
-- replaces checksum d55627f758d9cea0f29f5d7eac0c5649fbaa95f5ac407e2633c1d481379365a4
-- Payments, refunds, the ledger and idempotency keys of the payment service.
-- Money is DECIMAL(10,2) (integer cents in memory); times are UTC DATETIME at second precision.

-- One row per charge. The simulated processor approves at once, so rows are written `completed`;
-- `pending`/`failed` are kept for a real processor. charged_order_id is the order while the charge is live
-- (anything but failed): its unique key allows at most one live payment per order, whatever the concurrency.
CREATE TABLE payments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  provider_id BIGINT NULL,
  amount DECIMAL(10,2) NOT NULL,
  payment_method ENUM('simulated') NOT NULL DEFAULT 'simulated',
  status ENUM('pending','completed','failed','refunded') NOT NULL,
  transaction_id CHAR(36) NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  charged_order_id BIGINT GENERATED ALWAYS AS (IF(status = 'failed', NULL, order_id)) STORED,
  UNIQUE KEY payments_one_charge_per_order (charged_order_id),
  UNIQUE KEY payments_transaction_id (transaction_id),
  KEY payments_order (order_id),
  KEY payments_customer_created (customer_id, created_at)          -- the customer's history
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refund requests (always the full amount). open_order_id is the order while the request is pending: its
-- unique key allows one open refund per order; decided ones (completed, rejected) no longer count.
CREATE TABLE refunds (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  payment_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  provider_id BIGINT NULL,
  amount DECIMAL(10,2) NOT NULL,
  status ENUM('pending','completed','rejected') NOT NULL DEFAULT 'pending',
  reason TEXT NOT NULL,
  decision_reason TEXT NULL,
  decided_by BIGINT NULL,
  decided_at DATETIME NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  open_order_id BIGINT GENERATED ALWAYS AS (IF(status = 'pending', order_id, NULL)) STORED,
  UNIQUE KEY refunds_one_open_per_order (open_order_id),
  KEY refunds_payment_created (payment_id, created_at),            -- refunds of the listed payments
  KEY refunds_status_created (status, created_at),                 -- admin list by status
  KEY refunds_created (created_at)                                 -- admin list of everything
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The audit ledger: one row per money movement (a payment, a completed refund), never updated or deleted.
-- reference_id is the payment id for a payment and the refund id for a refund.
CREATE TABLE transactions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  transaction_type ENUM('payment','refund') NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  reference_id BIGINT NOT NULL,
  payment_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  description TEXT NULL,
  created_at DATETIME NOT NULL,
  UNIQUE KEY transactions_one_per_reference (transaction_type, reference_id),
  KEY transactions_user_created (user_id, created_at),
  KEY transactions_payment (payment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency-Key of POST /customer/payments/pay, per customer (keys are case-sensitive ASCII): the first
-- successful answer, written in the payment's transaction and returned again for a repeated key.
CREATE TABLE idempotency_keys (
  customer_id BIGINT NOT NULL,
  idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  order_id BIGINT NOT NULL,
  payment_id BIGINT NOT NULL,
  response_status SMALLINT NOT NULL,
  response_body MEDIUMTEXT NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (customer_id, idempotency_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

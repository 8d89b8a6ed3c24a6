#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "libs/bus/event.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/sql/connection.hpp"
#include "libs/sql/pool.hpp"

// The transactional outbox of the MySQL services (library mp_bus_sql, so that libs/bus itself and the
// MongoDB services do not link the MariaDB client).
namespace mp::bus {

// The outbox table; put it in the service's own V001 migration. Valid on MariaDB 10.11 and MySQL 8.
// next_attempt_at delays a row the broker could not route (no queue bound yet), so that it does not hold
// up the rows behind it.
inline constexpr std::string_view kOutboxTableSql = R"sql(CREATE TABLE IF NOT EXISTS outbox (
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
)sql";

// Writes the event into the outbox. Call it inside the transaction that makes the state change, so that
// both commit or neither does; then call OutboxRelay::Notify() after the commit.
void Enqueue(sql::Connection& connection, const Event& event);
inline void Enqueue(sql::PooledConnection& connection, const Event& event) {
  Enqueue(connection.get(), event);
}

// The `outbox` table of kOutboxTableSql: takes a batch with SELECT ... FOR UPDATE SKIP LOCKED (so
// replicas never publish the same row at once) and marks only confirmed rows published, in the same
// transaction. A row no queue is bound for yet is retried later (2 s, 4 s, ... 5 min) without holding up
// the rows behind it.
class SqlOutbox : public OutboxSource {
 public:
  explicit SqlOutbox(sql::Pool& pool) : pool_(pool) {}
  OutboxBatch PublishBatch(ConfirmPublisher& publisher, std::size_t limit) override;
  OutboxGauges Measure() override;
  void Purge(std::chrono::hours retention) override;

 private:
  sql::Pool& pool_;
};

}  // namespace mp::bus

#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <thread>

#include "libs/bus/event.hpp"
#include "libs/bus/options.hpp"
#include "libs/bus/publisher.hpp"
#include "libs/sql/connection.hpp"
#include "libs/sql/pool.hpp"

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

struct RelayOptions {
  std::size_t batch_size = 100;
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::hours retention{24 * 7};  // published rows older than this are deleted
};

// Publishes committed outbox rows to RabbitMQ on its own thread: takes a batch with SELECT ... FOR UPDATE
// SKIP LOCKED (so replicas never publish the same row at once), publishes with confirms, and marks only
// confirmed rows published in the same transaction. When the broker or the database is down it logs once
// per outage, keeps the rows, and retries with exponential backoff; it never throws into the service.
// Delivery is at least once: a crash between the broker's confirm and the commit publishes a row again,
// so consumers deduplicate by event_id.
class OutboxRelay {
 public:
  OutboxRelay(sql::Pool& pool, AmqpOptions amqp, RelayOptions options = {});
  ~OutboxRelay();  // Stop()
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void Start();
  // Publishes what it can until nothing is left or the deadline passes, then joins the thread.
  void Stop(std::chrono::milliseconds flush_deadline = std::chrono::seconds(5));
  // Wakes the relay now instead of at the next poll; call after committing an Enqueue.
  void Notify();

  // Gauges for /metrics, refreshed by the relay at most once per second.
  std::int64_t backlog() const { return backlog_.load(); }  // unpublished rows
  double oldest_age_seconds() const { return oldest_age_seconds_.load(); }
  std::uint64_t published_total() const { return published_total_.load(); }

 private:
  struct BatchResult {
    std::size_t taken = 0;
    bool broker_failed = false;
  };

  void Run();
  BatchResult PublishBatch();
  void RefreshGauges();
  void Purge();

  sql::Pool& pool_;
  ConfirmPublisher publisher_;
  const RelayOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point flush_deadline_;
  std::thread thread_;

  std::chrono::steady_clock::time_point gauges_at_{};
  std::chrono::steady_clock::time_point purged_at_{};
  std::atomic<std::int64_t> backlog_{0};
  std::atomic<double> oldest_age_seconds_{0};
  std::atomic<std::uint64_t> published_total_{0};
};

}  // namespace mp::bus

#include "libs/bus/outbox.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "libs/core/log.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/transaction.hpp"

namespace mp::bus {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kInsert =
    "INSERT INTO outbox (event_id, exchange_name, routing_key, body, created_at, attempts) "
    "VALUES (?, ?, ?, ?, NOW(3), 0)";
// Read committed: no gap locks, so the relay never blocks the services' INSERTs into the outbox.
constexpr std::string_view kReadCommitted = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
constexpr std::string_view kSelectBatch =
    "SELECT id, event_id, exchange_name, routing_key, body, attempts FROM outbox "
    "WHERE published_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= NOW(3)) "
    "ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
constexpr std::string_view kMarkPublished =
    "UPDATE outbox SET published_at = NOW(3), attempts = attempts + 1 WHERE id = ?";
constexpr std::string_view kMarkFailed = "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?";
constexpr std::string_view kMarkUnroutable =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? SECOND) "
    "WHERE id = ?";
constexpr std::string_view kBacklog = "SELECT COUNT(*), MIN(id) FROM outbox WHERE published_at IS NULL";
constexpr std::string_view kAge =
    "SELECT TIMESTAMPDIFF(MICROSECOND, created_at, NOW(3)) FROM outbox WHERE id = ?";
constexpr std::string_view kPurge =
    "DELETE FROM outbox WHERE published_at < DATE_SUB(NOW(3), INTERVAL ? HOUR) ORDER BY published_at LIMIT "
    "1000";

constexpr std::chrono::seconds kGaugeInterval{1};
constexpr std::chrono::minutes kPurgeInterval{10};

// 2 s, 4 s, ... up to 5 min between attempts of a row no queue wants yet.
std::int64_t UnroutableDelaySeconds(std::int64_t attempts) {
  return std::min<std::int64_t>(300, std::int64_t{1} << std::clamp<std::int64_t>(attempts + 1, 1, 9));
}

}  // namespace

void Enqueue(sql::Connection& connection, const Event& event) {
  connection.Execute(kInsert, {event.event_id, event.exchange, event.routing_key, event.body.dump()});
}

OutboxRelay::OutboxRelay(std::unique_ptr<OutboxSource> source, AmqpOptions amqp, RelayOptions options)
    : source_(std::move(source)), publisher_(std::move(amqp)), options_(options) {}

OutboxRelay::OutboxRelay(sql::Pool& pool, AmqpOptions amqp, RelayOptions options)
    : OutboxRelay(std::make_unique<SqlOutbox>(pool), std::move(amqp), options) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop(std::chrono::milliseconds flush_deadline) {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    notified_ = true;
    flush_deadline_ = SteadyClock::now() + flush_deadline;
  }
  wake_.notify_all();
  thread_.join();
}

void OutboxRelay::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_all();
}

void OutboxRelay::Run() {
  std::chrono::milliseconds backoff = options_.min_backoff;
  std::chrono::milliseconds idle_wait = options_.poll_interval;
  bool failing = false;
  for (;;) {
    bool stopping = false;
    SteadyClock::time_point deadline;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
      deadline = flush_deadline_;
      notified_ = false;
    }
    if (stopping && SteadyClock::now() >= deadline) break;

    OutboxBatch result;
    std::string error;
    try {
      result = source_->PublishBatch(publisher_, options_.batch_size);
      published_total_ += result.published;
      if (result.broker_failed) error = "the broker did not confirm every message";
    } catch (const std::exception& e) {
      error = e.what();
    }
    const bool failed = !error.empty();
    if (failed && !failing) {
      log::Warn("outbox relay cannot publish; events stay in the outbox and are retried", {{"error", error}});
    } else if (!failed && failing) {
      log::Info("outbox relay is publishing again");
    }
    failing = failed;
    RefreshGauges();
    Purge();

    std::chrono::milliseconds wait = options_.poll_interval;
    if (failed) {
      wait = backoff;
      backoff = std::min(backoff * 2, options_.max_backoff);
    } else {
      backoff = options_.min_backoff;
      if (result.taken == options_.batch_size) continue;  // more are waiting
      if (stopping) break;                                // flushed
      if (result.taken == 0) {
        wait = idle_wait;
        idle_wait = std::max(options_.poll_interval, std::min(idle_wait * 2, options_.idle_poll_interval));
      } else {
        idle_wait = options_.poll_interval;
      }
    }
    std::unique_lock lock(mutex_);
    if (stopping)
      wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now()));
    wake_.wait_for(lock, wait, [this] { return notified_; });
  }
  RefreshGauges();
}

OutboxBatch SqlOutbox::PublishBatch(ConfirmPublisher& publisher, std::size_t limit) {
  OutboxBatch result;
  auto connection = pool_.Acquire();
  connection->Execute(kReadCommitted);
  sql::Transaction tx(connection);
  auto rows = connection->Query(kSelectBatch, {static_cast<std::int64_t>(limit)});
  result.taken = rows.size();
  if (rows.empty()) {
    tx.Commit();
    return result;
  }
  std::vector<OutgoingMessage> messages;
  messages.reserve(rows.size());
  for (const sql::Row& row : rows) {
    messages.push_back(OutgoingMessage{.exchange = row.String(2),
                                       .routing_key = row.String(3),
                                       .message_id = row.String(1),
                                       .type = row.String(3),
                                       .body = row.String(4)});
  }
  // Throws when the broker is unreachable; the rollback then leaves every row as it was.
  std::vector<PublishOutcome> outcomes = publisher.Publish(messages);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::int64_t id = rows[i].Int(0);
    switch (outcomes[i]) {
      case PublishOutcome::kConfirmed:
        connection->Execute(kMarkPublished, {id});
        ++result.published;
        break;
      case PublishOutcome::kReturned: {
        if (rows[i].Int(5) + 1 >= kMaxUnroutableAttempts) {
          log::Warn("event dropped: no queue has been bound for it in all its attempts",
                    {{"event_id", messages[i].message_id},
                     {"exchange", messages[i].exchange},
                     {"routing_key", messages[i].routing_key}});
          connection->Execute(kMarkPublished, {id});
          break;
        }
        std::int64_t delay = UnroutableDelaySeconds(rows[i].Int(5));
        log::Warn("event not routed to any queue; kept in the outbox and retried",
                  {{"event_id", messages[i].message_id},
                   {"exchange", messages[i].exchange},
                   {"routing_key", messages[i].routing_key},
                   {"retry_in_s", delay}});
        connection->Execute(kMarkUnroutable, {delay, id});
        break;
      }
      case PublishOutcome::kNacked:
      case PublishOutcome::kUnconfirmed:
        connection->Execute(kMarkFailed, {id});
        result.broker_failed = true;
        break;
    }
  }
  tx.Commit();
  return result;
}

OutboxGauges SqlOutbox::Measure() {
  OutboxGauges gauges;
  auto connection = pool_.Acquire();
  auto rows = connection->Query(kBacklog);
  gauges.backlog = rows.at(0).Int(0);
  if (auto oldest = rows.at(0).OptInt(1)) {
    auto ages = connection->Query(kAge, {*oldest});
    if (!ages.empty()) gauges.oldest_age_seconds = static_cast<double>(ages[0].OptInt(0).value_or(0)) / 1e6;
  }
  return gauges;
}

void SqlOutbox::Purge(std::chrono::hours retention) {
  pool_.Acquire()->Execute(kPurge, {static_cast<std::int64_t>(retention.count())});
}

void OutboxRelay::RefreshGauges() {
  auto now = SteadyClock::now();
  if (now - gauges_at_ < kGaugeInterval) return;
  gauges_at_ = now;
  try {
    OutboxGauges gauges = source_->Measure();
    backlog_ = gauges.backlog;
    oldest_age_seconds_ = gauges.oldest_age_seconds;
  } catch (const std::exception&) {
    // The gauges keep their last values while the database is away; PublishBatch already logged it.
  }
}

void OutboxRelay::Purge() {
  auto now = SteadyClock::now();
  if (purged_at_ != SteadyClock::time_point{} && now - purged_at_ < kPurgeInterval) return;
  purged_at_ = now;
  try {
    source_->Purge(options_.retention);
  } catch (const std::exception& e) {
    log::Debug("outbox purge failed", {{"error", e.what()}});
  }
}

}  // namespace mp::bus

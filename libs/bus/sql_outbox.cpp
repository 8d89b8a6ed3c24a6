#include "libs/bus/sql_outbox.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "libs/core/log.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/transaction.hpp"

namespace mp::bus {
namespace {

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

// 2 s, 4 s, ... up to 5 min between attempts of a row no queue wants yet.
std::int64_t UnroutableDelaySeconds(std::int64_t attempts) {
  return std::min<std::int64_t>(300, std::int64_t{1} << std::clamp<std::int64_t>(attempts + 1, 1, 9));
}

}  // namespace

void Enqueue(sql::Connection& connection, const Event& event) {
  connection.Execute(kInsert, {event.event_id, event.exchange, event.routing_key, event.body.dump()});
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

}  // namespace mp::bus

#include "libs/bus/sql_outbox.hpp"

#include <algorithm>
#include <string>
#include <vector>

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
    "WHERE published_at IS NULL AND dropped_at IS NULL "
    "AND (next_attempt_at IS NULL OR next_attempt_at <= NOW(3)) "
    "ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
constexpr std::string_view kMarkPublished =
    "UPDATE outbox SET published_at = NOW(3), attempts = attempts + 1 WHERE id = ?";
constexpr std::string_view kMarkDropped =
    "UPDATE outbox SET dropped_at = NOW(3), drop_reason = ?, attempts = attempts + 1 WHERE id = ?";
constexpr std::string_view kMarkRefused =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? SECOND) "
    "WHERE id = ?";
constexpr std::string_view kBacklog =
    "SELECT COUNT(*), MIN(id) FROM outbox WHERE published_at IS NULL AND dropped_at IS NULL";
constexpr std::string_view kAge =
    "SELECT TIMESTAMPDIFF(MICROSECOND, created_at, NOW(3)) FROM outbox WHERE id = ?";
constexpr std::string_view kPurgePublished =
    "DELETE FROM outbox WHERE published_at < DATE_SUB(NOW(3), INTERVAL ? HOUR) ORDER BY published_at LIMIT "
    "1000";
constexpr std::string_view kPurgeDropped =
    "DELETE FROM outbox WHERE dropped_at < DATE_SUB(NOW(3), INTERVAL ? HOUR) ORDER BY dropped_at LIMIT 1000";

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
    const Settlement settled = result.Settle(messages[i], outcomes[i], rows[i].Int(5));
    switch (settled.kind) {
      case Settlement::Kind::kPublished: connection->Execute(kMarkPublished, {id}); break;
      case Settlement::Kind::kDropped:
        connection->Execute(kMarkDropped, {std::string(Name(settled.reason)), id});
        break;
      case Settlement::Kind::kRetryLater:
        connection->Execute(kMarkRefused, {static_cast<std::int64_t>(settled.retry_in.count()), id});
        break;
      case Settlement::Kind::kKeep: break;
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
  auto connection = pool_.Acquire();
  connection->Execute(kPurgePublished, {static_cast<std::int64_t>(retention.count())});
  connection->Execute(kPurgeDropped, {static_cast<std::int64_t>(retention.count())});
}

std::vector<std::string> MissingOutboxMigrations(const std::vector<sql::Migration>& migrations) {
  std::vector<std::string> missing;
  for (const sql::Migration& shared : OutboxMigrations()) {
    if (std::none_of(migrations.begin(), migrations.end(), [&](const sql::Migration& m) {
          return m.version == shared.version && m.sql == shared.sql;
        })) {
      missing.push_back(shared.name);
    }
  }
  return missing;
}

}  // namespace mp::bus

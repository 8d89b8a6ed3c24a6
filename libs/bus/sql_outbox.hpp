#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/sql/connection.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/pool.hpp"

// The transactional outbox of the MySQL services (library mp_bus_sql, so that libs/bus itself and the
// MongoDB services do not link the MariaDB client).
namespace mp::bus {

// The outbox table's migrations (libs/bus/migrations, versions 1000 and up), the one copy of its schema:
// every MySQL service embeds them into its own migrations (mp_sql_migrations(... ${MP_OUTBOX_MIGRATIONS})).
// Valid on MariaDB 10.11 and MySQL 8.
const std::vector<sql::Migration>& OutboxMigrations();
// The names of the OutboxMigrations() missing from `migrations` (same version and SQL); empty when none is.
std::vector<std::string> MissingOutboxMigrations(const std::vector<sql::Migration>& migrations);

// Writes the event into the outbox. Call it inside the transaction that makes the state change, so that
// both commit or neither does; then call OutboxRelay::Notify() after the commit.
void Enqueue(sql::Connection& connection, const Event& event);
inline void Enqueue(sql::PooledConnection& connection, const Event& event) {
  Enqueue(connection.get(), event);
}

// The `outbox` table of OutboxMigrations(): takes a batch of pending rows with SELECT ... FOR UPDATE SKIP
// LOCKED (so replicas never publish the same row at once) and records each one's end in the same
// transaction: published (confirmed), dropped with its reason (no_subscriber at once, broker_refused after
// kMaxRefusals), or, when refused, tried again later without holding up the rows behind it.
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

#include "libs/service/mysql_store.hpp"

#include <iostream>
#include <stdexcept>

#include "libs/bus/sql_outbox.hpp"
#include "libs/sql/error.hpp"

namespace mp::service {

MySql::MySql(std::string default_database, std::vector<sql::Migration> migrations)
    : default_database_(std::move(default_database)), migrations_(std::move(migrations)) {}

sql::Pool& MySql::pool() {
  if (!pool_) throw std::logic_error("the MySQL pool is opened when the service starts");
  return *pool_;
}

void MySql::ReadSettings(config::Env& env) { options_ = sql::FromEnv(env, default_database_); }

void MySql::Open() { pool_ = std::make_unique<sql::Pool>(options_); }

void MySql::Prepare() { sql::Migrate(pool(), migrations_); }

cli::Command MySql::MaintenanceCommand() const { return {"migrate", "Apply database migrations and exit"}; }

void MySql::Maintain() { std::cout << "migrations applied\n"; }  // Prepare() applied them

void MySql::Wire(http::App& app) {
  app.AddErrorTranslator(sql::ToApiError);
  app.metrics().AddGauge("db_pool_in_use", "MariaDB connections in use.",
                         [this] { return double(pool_->in_use()); });
  app.metrics().AddGauge("db_pool_size", "MariaDB connections open.",
                         [this] { return double(pool_->size()); });
}

boost::asio::awaitable<http::ReadyCheck> MySql::Check(http::App& app) {
  bool ok = co_await app.blocking().Run([this] { return pool_->Ping(); });
  co_return http::ReadyCheck{"mysql", ok, ok ? "ok" : "unreachable", true};
}

std::unique_ptr<bus::OutboxSource> MySql::Outbox() { return std::make_unique<bus::SqlOutbox>(*pool_); }

}  // namespace mp::service

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "libs/service/main.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/options.hpp"
#include "libs/sql/pool.hpp"

// A service whose state is in MySQL: MP_MYSQL_* settings, a connection pool, migrations applied at start
// (and by `migrate`), the outbox table, db_pool_* gauges, "mysql" in /ready, outages answered with 503.
namespace mp::service {

class MySql : public Store {
 public:
  MySql(std::string default_database, std::vector<sql::Migration> migrations);

  // The pool, once the service runs (valid inside the wiring function and the extra commands).
  sql::Pool& pool();

  void ReadSettings(config::Env& env) override;
  void Open() override;
  void Prepare() override;  // the migrations
  cli::Command MaintenanceCommand() const override;
  void Maintain() override;
  void Wire(http::App& app) override;
  boost::asio::awaitable<http::ReadyCheck> Check(http::App& app) override;
  std::unique_ptr<bus::OutboxSource> Outbox() override;

 private:
  std::string default_database_;
  std::vector<sql::Migration> migrations_;
  sql::Options options_;
  std::unique_ptr<sql::Pool> pool_;
};

}  // namespace mp::service

#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libs/mongo/database.hpp"
#include "libs/mongo/options.hpp"
#include "libs/service/main.hpp"

// A service whose state is in MongoDB: MP_MONGO_* settings, a client pool, `ensure-indexes`, the outbox
// embedded in the documents of `outbox_collections` (docs/adr/0006), mongo_* gauges, "mongodb" in /ready,
// outages answered with 503. The indexes are made by the consumer's `prepare` step while serving (the
// store may still be starting), and by `ensure-indexes`.
namespace mp::service {

class MongoDb : public Store {
 public:
  MongoDb(std::string default_database, std::vector<std::string> outbox_collections,
          std::function<void(mongo::Database&)> ensure_indexes);

  mongo::Database& database();
  // The service's indexes (the consumer's `prepare` step: its idempotency relies on unique indexes).
  void EnsureIndexes() { ensure_indexes_(database()); }

  void ReadSettings(config::Env& env) override;
  void Open() override;
  cli::Command MaintenanceCommand() const override;
  void Maintain() override;
  void Wire(http::App& app) override;
  boost::asio::awaitable<http::ReadyCheck> Check(http::App& app) override;
  std::unique_ptr<bus::OutboxSource> Outbox() override;
  bus::RelayOptions RelayOptions() const override;

 private:
  std::string default_database_;
  std::vector<std::string> outbox_collections_;
  std::function<void(mongo::Database&)> ensure_indexes_;
  std::string app_name_;
  mongo::Options options_;
  std::unique_ptr<mongo::Database> database_;
};

}  // namespace mp::service

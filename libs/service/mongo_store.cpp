#include "libs/service/mongo_store.hpp"

#include <iostream>
#include <stdexcept>

#include "libs/mongo/error.hpp"
#include "libs/mongo/outbox.hpp"

namespace mp::service {

MongoDb::MongoDb(std::string default_database, std::vector<std::string> outbox_collections,
                 std::function<void(mongo::Database&)> ensure_indexes)
    : default_database_(std::move(default_database)),
      outbox_collections_(std::move(outbox_collections)),
      ensure_indexes_(std::move(ensure_indexes)) {}

mongo::Database& MongoDb::database() {
  if (!database_) throw std::logic_error("the MongoDB client pool is opened when the service starts");
  return *database_;
}

void MongoDb::ReadSettings(config::Env& env) {
  // The application name MongoDB logs: the service's binary, "mp-user" for user_db.
  std::string app_name = "mp-" + default_database_.substr(0, default_database_.find('_'));
  options_ = mongo::FromEnv(env, default_database_, app_name);
}

void MongoDb::Open() { database_ = std::make_unique<mongo::Database>(options_); }

cli::Command MongoDb::MaintenanceCommand() const {
  return {"ensure-indexes", "Create the MongoDB indexes and exit"};
}

void MongoDb::Maintain() {
  ensure_indexes_(*database_);
  std::cout << "indexes ensured\n";
}

void MongoDb::Wire(http::App& app) {
  app.AddErrorTranslator(mongo::ToApiError);
  app.metrics().AddGauge("mongo_clients_in_use", "MongoDB clients taken from the pool.",
                         [this] { return double(database_->clients_in_use()); });
  app.metrics().AddGauge("mongo_pool_size", "MongoDB clients this replica may take (MP_MONGO_POOL_SIZE).",
                         [this] { return double(database_->options().max_pool_size); });
}

boost::asio::awaitable<http::ReadyCheck> MongoDb::Check(http::App& app) {
  bool ok = co_await app.blocking().Run([this] { return database_->Ping(); });
  co_return http::ReadyCheck{"mongodb", ok, ok ? "ok" : "unreachable", true};
}

std::unique_ptr<bus::OutboxSource> MongoDb::Outbox() {
  return std::make_unique<mongo::EmbeddedOutbox>(*database_, outbox_collections_);
}

bus::RelayOptions MongoDb::RelayOptions() const { return mongo::EmbeddedOutbox::NotifiedRelayOptions(); }

}  // namespace mp::service

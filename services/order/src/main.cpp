// mp-order: service orders and their lifecycle.
//   mp-order [serve]    run the HTTP service and the event consumer (applies migrations first)
//   mp-order migrate    apply database migrations and exit
#include <cstdlib>
#include <iostream>


#include "libs/bus/consumer.hpp"
#include "libs/bus/options.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/bus/topology.hpp"
#include "libs/cache/redis.hpp"
#include "libs/core/cli.hpp"
#include "libs/core/config.hpp"
#include "libs/core/log.hpp"
#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/local_secret.hpp"
#include "libs/service/wiring.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/pool.hpp"
#include "services/order/src/api/order_api.hpp"
#include "services/order/src/events/order_events.hpp"
#include "services/order/src/store/migrations.hpp"
#include "services/order/src/store/order_store.hpp"

namespace {

using namespace mp;

struct Settings {
  http::AppOptions app;
  sql::Options db;
  cache::RedisOptions redis;
  bus::AmqpOptions amqp;
  std::string jwt_secret;
};

Settings ReadSettings() {
  config::Env env;
  Settings s;
  s.app = http::AppOptions::FromEnv(env, "order", 8003);
  s.db = sql::FromEnv(env, "order_db");
  s.redis = cache::FromEnv(env);
  s.amqp = bus::FromEnv(env);
  s.jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  env.Validate();
  return s;
}

int Serve(Settings settings) {
  sql::Pool pool(settings.db);
  sql::Migrate(pool, order::store::Migrations());
  try {
    bus::DeclareTopology(settings.amqp);
  } catch (const std::exception& ex) {
    // The relay and the consumer declare what they need again once the broker is back.
    log::Warn("rabbitmq not reachable at start; events wait in the outbox", {{"error", ex.what()}});
  }

  http::App app(settings.app);
  cache::Redis redis(app.io(), settings.redis);
  security::JwtCodec jwt(settings.jwt_secret);
  identity::Authenticator authn(jwt, &redis);
  bus::OutboxRelay relay(pool, settings.amqp);
  order::store::OrderStore orders(pool);
  order::api::OrderApi api(app, orders, authn, relay);
  api.Register();
  bus::Consumer consumer(settings.amqp, order::events::IncomingQueue(),
                         [&](const bus::Event& event) {
                           order::events::HandleIncoming(orders, event);
                           relay.Notify();  // the change it made may have events of its own
                         });

  app.AddErrorTranslator(sql::ToApiError);
  app.metrics().AddGauge("db_pool_in_use", "MariaDB connections in use.",
                         [&] { return double(pool.in_use()); });
  app.metrics().AddGauge("db_pool_size", "MariaDB connections open.", [&] { return double(pool.size()); });
  service::AddRedisGauge(app.metrics(), redis);
  service::AddOutboxGauges(app.metrics(), relay);
  service::AddConsumerGauges(app.metrics(), consumer);
  app.SetReadiness([&]() -> boost::asio::awaitable<std::vector<http::ReadyCheck>> {
    bool db = co_await app.blocking().Run([&] { return pool.Ping(); });
    http::ReadyCheck cache = co_await service::RedisCheck(redis);
    co_return std::vector<http::ReadyCheck>{{"mysql", db, db ? "ok" : "unreachable", true},
                                            std::move(cache),
                                            service::ConsumerCheck(consumer),
                                            service::OutboxCheck(relay)};
  });
  app.OnShutdown([&] {
    consumer.Stop();
    relay.Stop();
  });
  relay.Start();
  consumer.Start();
  return app.Run();
}

}  // namespace

int main(int argc, char** argv) {
  auto cli = cli::Parse("mp-order: service orders of Service Marketplace",
                        {{"serve", "Run the HTTP service and the event consumer (default)"}, {"migrate", "Apply database migrations and exit"}}, argc, argv);
  if (cli.exit_code) return *cli.exit_code;

  try {
    Settings settings = ReadSettings();
    if (cli.command == "migrate") {
      sql::Pool pool(settings.db);
      sql::Migrate(pool, order::store::Migrations());
      std::cout << "migrations applied\n";
      return 0;
    }
    return Serve(std::move(settings));
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-order: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}

// mp-payment: simulated payments of completed orders, refunds, and the money ledger.
//   mp-payment [serve]    run the HTTP service and the outbox relay (applies migrations first)
//   mp-payment migrate    apply database migrations and exit
#include <chrono>
#include <cstdlib>
#include <iostream>


#include "libs/bus/options.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/bus/topology.hpp"
#include "libs/cache/redis.hpp"
#include "libs/core/cli.hpp"
#include "libs/core/config.hpp"
#include "libs/core/log.hpp"
#include "libs/http/app.hpp"
#include "libs/http/client.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/local_secret.hpp"
#include "libs/service/wiring.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/pool.hpp"
#include "services/payment/src/api/payment_api.hpp"
#include "services/payment/src/clients/order_client.hpp"
#include "services/payment/src/store/migrations.hpp"
#include "services/payment/src/store/payment_store.hpp"

namespace {

using namespace mp;

struct Settings {
  http::AppOptions app;
  sql::Options db;
  cache::RedisOptions redis;
  bus::AmqpOptions amqp;
  std::string jwt_secret;
  service::UpstreamSettings order;
};

Settings ReadSettings() {
  config::Env env;
  Settings s;
  s.app = http::AppOptions::FromEnv(env, "payment", 8004);
  s.db = sql::FromEnv(env, "payment_db");
  s.redis = cache::FromEnv(env);
  s.amqp = bus::FromEnv(env);
  s.jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  s.order = service::ReadUpstream(env, "order", "http://127.0.0.1:8003", 3000);
  env.Validate();
  return s;
}

int Serve(Settings settings) {
  sql::Pool pool(settings.db);
  sql::Migrate(pool, payment::store::Migrations());
  try {
    bus::DeclareTopology(settings.amqp);
  } catch (const std::exception& ex) {
    // The relay declares what it needs again once the broker is back.
    log::Warn("rabbitmq not reachable at start; events wait in the outbox", {{"error", ex.what()}});
  }

  http::App app(settings.app);
  cache::Redis redis(app.io(), settings.redis);
  security::JwtCodec jwt(settings.jwt_secret);
  identity::Authenticator authn(jwt, &redis);
  bus::OutboxRelay relay(pool, settings.amqp);
  http::HttpClient client(app.io().get_executor(), settings.order.client);
  payment::clients::OrderClient orders(client, settings.order.upstream);
  payment::store::PaymentStore payments(pool);
  payment::api::PaymentApi api(app, payments, orders, authn, relay);
  api.Register();

  app.AddErrorTranslator(sql::ToApiError);
  app.metrics().AddGauge("db_pool_in_use", "MariaDB connections in use.",
                         [&] { return double(pool.in_use()); });
  app.metrics().AddGauge("db_pool_size", "MariaDB connections open.", [&] { return double(pool.size()); });
  service::AddRedisGauge(app.metrics(), redis);
  app.metrics().AddGauge("order_client_idle_connections", "Idle keep-alive connections to the order service.",
                         [&] { return double(client.idle_connections()); });
  service::AddOutboxGauges(app.metrics(), relay);
  app.SetReadiness([&]() -> boost::asio::awaitable<std::vector<http::ReadyCheck>> {
    bool db = co_await app.blocking().Run([&] { return pool.Ping(); });
    // The order service is not a readiness condition: while it is down, pay answers 503 on its own and
    // refunds and lists keep working.
    http::ReadyCheck cache = co_await service::RedisCheck(redis);
    co_return std::vector<http::ReadyCheck>{
        {"mysql", db, db ? "ok" : "unreachable", true}, std::move(cache), service::OutboxCheck(relay)};
  });
  app.OnShutdown([&] { relay.Stop(); });
  relay.Start();
  return app.Run();
}

}  // namespace

int main(int argc, char** argv) {
  auto cli = cli::Parse("mp-payment: payments and refunds of Service Marketplace",
                        {{"serve", "Run the HTTP service and the outbox relay (default)"}, {"migrate", "Apply database migrations and exit"}}, argc, argv);
  if (cli.exit_code) return *cli.exit_code;

  try {
    Settings settings = ReadSettings();
    if (cli.command == "migrate") {
      sql::Pool pool(settings.db);
      sql::Migrate(pool, payment::store::Migrations());
      std::cout << "migrations applied\n";
      return 0;
    }
    return Serve(std::move(settings));
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-payment: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}

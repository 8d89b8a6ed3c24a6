// mp-user: customers' and providers' profiles, the provider search, and the admin's user management.
//   mp-user [serve]         run the HTTP service, the event consumer and the outbox relay
//   mp-user ensure-indexes  create the MongoDB indexes and exit
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "libs/bus/consumer.hpp"
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
#include "libs/mongo/database.hpp"
#include "libs/mongo/error.hpp"
#include "libs/mongo/options.hpp"
#include "libs/mongo/outbox.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/local_secret.hpp"
#include "libs/service/wiring.hpp"
#include "services/user/src/api/user_api.hpp"
#include "services/user/src/clients/auth_client.hpp"
#include "services/user/src/events/profile_events.hpp"
#include "services/user/src/store/profile_store.hpp"

namespace {

using namespace mp;
namespace asio = boost::asio;

struct Settings {
  http::AppOptions app;
  mongo::Options mongo;
  cache::RedisOptions redis;
  bus::AmqpOptions amqp;
  std::string jwt_secret;
  service::UpstreamSettings auth;
};

Settings ReadSettings() {
  config::Env env;
  Settings s;
  s.app = http::AppOptions::FromEnv(env, "user", 8002);
  s.mongo = mongo::FromEnv(env, "user_db", "mp-user");
  s.redis = cache::FromEnv(env);
  s.amqp = bus::FromEnv(env);
  s.jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  s.auth = service::ReadUpstream(env, "auth", "http://127.0.0.1:8000", 5000);
  env.Validate();
  return s;
}

int Serve(Settings settings) {
  mongo::Database database(settings.mongo);
  user::store::ProfileStore profiles(database);
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
  http::HttpClient client(app.io().get_executor(), settings.auth.client);
  user::clients::AuthClient users(client, settings.auth.upstream);
  // Every write below calls relay.Notify().
  bus::OutboxRelay relay(std::make_unique<mongo::EmbeddedOutbox>(database, user::store::OutboxCollections()),
                         settings.amqp, mongo::EmbeddedOutbox::NotifiedRelayOptions());
  user::api::UserApi api(app, profiles, users, authn, [&relay] { relay.Notify(); });
  api.Register();
  app.AddErrorTranslator(mongo::ToApiError);

  user::events::EventHandler handler(profiles, [&relay] { relay.Notify(); });
  bus::Consumer consumer(settings.amqp, user::events::IncomingQueue(),
                         [&](const bus::Event& event) { handler.Handle(event); });
  std::atomic<bool> consuming{false};

  auto& metrics = app.metrics();
  metrics.AddGauge("mongo_clients_in_use", "MongoDB clients taken from the pool.",
                   [&] { return double(database.clients_in_use()); });
  metrics.AddGauge("mongo_pool_size", "MongoDB clients this replica may take (MP_MONGO_POOL_SIZE).",
                   [&] { return double(database.options().max_pool_size); });
  service::AddRedisGauge(metrics, redis);
  service::AddOutboxGauges(metrics, relay);
  service::AddConsumerGauges(metrics, consumer);
  metrics.AddGauge("profiles_created_from_events_total",
                   "Profiles created by user.registered/updated or ratings.",
                   [&] { return double(handler.profiles_created()); });
  metrics.AddGauge("profiles_deleted_from_events_total", "Profiles removed by user.deleted.",
                   [&] { return double(handler.profiles_deleted()); });
  metrics.AddGauge("ratings_applied_total", "rating.updated events applied to a provider profile.",
                   [&] { return double(handler.ratings_applied()); });

  app.SetReadiness([&]() -> asio::awaitable<std::vector<http::ReadyCheck>> {
    bool mongo_ok = co_await app.blocking().Run([&] { return database.Ping(); });
    http::ReadyCheck cache = co_await service::RedisCheck(redis);
    co_return std::vector<http::ReadyCheck>{{"mongodb", mongo_ok, mongo_ok ? "ok" : "unreachable", true},
                                            std::move(cache),
                                            service::ConsumerCheck(consumer, consuming.load()),
                                            service::OutboxCheck(relay)};
  });

  // The unique indexes make user.registered idempotent, so events are consumed only once they exist.
  asio::co_spawn(
      app.io(),
      service::StartConsumerWhenPrepared(
          app, [&] { profiles.EnsureIndexes(); }, consumer, consuming, user::events::IncomingQueue().queue),
      asio::detached);
  app.OnShutdown([&] {
    consumer.Stop();
    relay.Stop();
  });
  relay.Start();
  return app.Run();
}

}  // namespace

int main(int argc, char** argv) {
  auto cli = cli::Parse("mp-user: profiles and user management of Service Marketplace",
                        {{"serve", "Run the HTTP service, the event consumer and the outbox relay (default)"},
                         {"ensure-indexes", "Create the MongoDB indexes and exit"}},
                        argc, argv);
  if (cli.exit_code) return *cli.exit_code;

  try {
    Settings settings = ReadSettings();
    if (cli.command == "ensure-indexes") {
      mongo::Database database(settings.mongo);
      user::store::ProfileStore(database).EnsureIndexes();
      std::cout << "indexes ensured\n";
      return 0;
    }
    return Serve(std::move(settings));
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-user: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}

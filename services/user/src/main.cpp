// mp-user: customers' and providers' profiles, the provider search, and the admin's user management.
//   mp-user [serve]         run the HTTP service, the event consumer and the outbox relay
//   mp-user ensure-indexes  create the MongoDB indexes and exit
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "libs/bus/consumer.hpp"
#include "libs/bus/options.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/bus/topology.hpp"
#include "libs/cache/redis.hpp"
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
#include "services/user/src/api/user_api.hpp"
#include "services/user/src/events/profile_events.hpp"
#include "services/user/src/store/auth_users.hpp"
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
  http::Upstream auth;
  http::ClientOptions auth_client;
};

Settings ReadSettings() {
  config::Env env;
  Settings s;
  s.app = http::AppOptions::FromEnv(env, "user", 8002);
  s.mongo = mongo::FromEnv(env, "user_db", "mp-user");
  s.redis = cache::FromEnv(env);
  s.amqp = bus::FromEnv(env);
  s.jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  std::string auth_url = env.String("MP_AUTH_URL", "http://127.0.0.1:8000");
  try {
    s.auth = http::Upstream::Parse("auth", auth_url);
  } catch (const std::invalid_argument& error) {
    env.Problem("MP_AUTH_URL='" + auth_url + "': " + error.what());
  }
  s.auth_client.request_timeout = std::chrono::milliseconds(env.Int("MP_AUTH_TIMEOUT_MS", 5000, 100, 60'000));
  s.auth_client.connect_timeout =
      std::chrono::milliseconds(env.Int("MP_AUTH_CONNECT_TIMEOUT_MS", 1000, 50, 60'000));
  env.Validate();
  return s;
}

// The unique indexes make user.registered idempotent, so events are consumed only once they exist.
// MongoDB may still be starting: try every 2 s until it answers.
asio::awaitable<void> ConsumeOnceIndexed(http::App& app, user::store::ProfileStore& profiles,
                                         bus::Consumer& consumer, std::atomic<bool>& consuming) {
  asio::steady_timer timer(app.io());
  for (bool logged = false;;) {
    try {
      co_await app.blocking().Run([&] { profiles.EnsureIndexes(); });
      break;
    } catch (const std::exception& ex) {
      if (!logged)
        log::Warn("cannot create the profile indexes yet; events wait in the queue", {{"error", ex.what()}});
      logged = true;
    }
    timer.expires_after(std::chrono::seconds(2));
    co_await timer.async_wait(asio::use_awaitable);
  }
  consumer.Start();
  consuming = true;
  log::Info("consuming events", {{"queue", user::events::IncomingQueue().queue}});
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
  http::HttpClient client(app.io().get_executor(), settings.auth_client);
  user::store::AuthUsers users(client, settings.auth);
  bus::OutboxRelay relay(std::make_unique<mongo::EmbeddedOutbox>(database, user::store::OutboxCollections()),
                         settings.amqp);
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
  metrics.AddGauge("redis_connections", "Redis connections open.",
                   [&] { return double(redis.open_connections()); });
  metrics.AddGauge("outbox_backlog", "Events not yet confirmed by RabbitMQ.",
                   [&] { return double(relay.backlog()); });
  metrics.AddGauge("outbox_oldest_age_seconds", "Age of the oldest unpublished event.",
                   [&] { return relay.oldest_age_seconds(); });
  metrics.AddGauge("outbox_published_total", "Events confirmed by RabbitMQ.",
                   [&] { return double(relay.published_total()); });
  metrics.AddGauge("consumer_connected", "1 while the event consumer is connected to RabbitMQ.",
                   [&] { return consumer.connected() ? 1.0 : 0.0; });
  metrics.AddGauge("consumer_handled_total", "Events handled and acknowledged.",
                   [&] { return double(consumer.handled_total()); });
  metrics.AddGauge("consumer_failed_total", "Event handler failures (each attempt).",
                   [&] { return double(consumer.failed_total()); });
  metrics.AddGauge("consumer_dead_lettered_total", "Events sent to the dead-letter queue.",
                   [&] { return double(consumer.dead_lettered_total()); });
  metrics.AddGauge("profiles_created_from_events_total",
                   "Profiles created by user.registered/updated or ratings.",
                   [&] { return double(handler.profiles_created()); });
  metrics.AddGauge("profiles_deleted_from_events_total", "Profiles removed by user.deleted.",
                   [&] { return double(handler.profiles_deleted()); });
  metrics.AddGauge("ratings_applied_total", "rating.updated events applied to a provider profile.",
                   [&] { return double(handler.ratings_applied()); });

  app.SetReadiness([&]() -> asio::awaitable<std::vector<http::ReadyCheck>> {
    bool mongo_ok = co_await app.blocking().Run([&] { return database.Ping(); });
    bool cache_ok = false;
    try {
      cache_ok = co_await redis.Ping();
    } catch (const std::exception&) {
      cache_ok = false;
    }
    std::string consumer_state = !consuming.load()      ? "not started (waiting for the indexes)"
                                 : consumer.connected() ? "connected"
                                                        : "reconnecting to rabbitmq";
    co_return std::vector<http::ReadyCheck>{
        {"mongodb", mongo_ok, mongo_ok ? "ok" : "unreachable", true},
        {"redis", cache_ok, cache_ok ? "ok" : "unreachable", false},
        {"consumer", consuming.load() && consumer.connected(), consumer_state, false},
        {"outbox", true, std::to_string(relay.backlog()) + " pending", false}};
  });

  asio::co_spawn(app.io(), ConsumeOnceIndexed(app, profiles, consumer, consuming), asio::detached);
  app.OnShutdown([&] {
    consumer.Stop();
    relay.Stop();
  });
  relay.Start();
  return app.Run();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"mp-user: profiles and user management of Service Marketplace"};
  cli.require_subcommand(0, 1);
  auto* serve =
      cli.add_subcommand("serve", "Run the HTTP service, the event consumer and the outbox relay (default)");
  auto* ensure_indexes = cli.add_subcommand("ensure-indexes", "Create the MongoDB indexes and exit");
  CLI11_PARSE(cli, argc, argv);
  (void)serve;

  try {
    Settings settings = ReadSettings();
    if (*ensure_indexes) {
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

// mp-review: reviews of finished orders and the providers' ratings.
//   mp-review [serve]         run the HTTP service, the outbox relay and the ratings consumer
//   mp-review ensure-indexes  create the MongoDB indexes and exit
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
#include "services/review/src/api/review_api.hpp"
#include "services/review/src/events/review_events.hpp"
#include "services/review/src/store/order_directory.hpp"
#include "services/review/src/store/review_store.hpp"

namespace {

using namespace mp;
namespace asio = boost::asio;

struct Settings {
  http::AppOptions app;
  mongo::Options mongo;
  cache::RedisOptions redis;
  bus::AmqpOptions amqp;
  std::string jwt_secret;
  http::Upstream order;
  http::ClientOptions order_client;
};

Settings ReadSettings() {
  config::Env env;
  Settings s;
  s.app = http::AppOptions::FromEnv(env, "review", 8005);
  s.mongo = mongo::FromEnv(env, "review_db", "mp-review");
  s.redis = cache::FromEnv(env);
  s.amqp = bus::FromEnv(env);
  s.jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  std::string order_url = env.String("MP_ORDER_URL", "http://127.0.0.1:8003");
  try {
    s.order = http::Upstream::Parse("order", order_url);
  } catch (const std::invalid_argument& error) {
    env.Problem("MP_ORDER_URL='" + order_url + "': " + error.what());
  }
  s.order_client.request_timeout =
      std::chrono::milliseconds(env.Int("MP_ORDER_TIMEOUT_MS", 3000, 100, 60'000));
  s.order_client.connect_timeout =
      std::chrono::milliseconds(env.Int("MP_ORDER_CONNECT_TIMEOUT_MS", 1000, 50, 60'000));
  env.Validate();
  return s;
}

// Ratings are consumed once the indexes exist (the snapshot scheme does not need them to be correct, but
// MongoDB's plans do). MongoDB may still be starting: try every 2 s until it answers.
asio::awaitable<void> ConsumeOnceIndexed(http::App& app, review::store::ReviewStore& reviews,
                                         bus::Consumer& consumer, std::atomic<bool>& consuming) {
  asio::steady_timer timer(app.io());
  for (bool logged = false;;) {
    try {
      co_await app.blocking().Run([&] { reviews.EnsureIndexes(); });
      break;
    } catch (const std::exception& ex) {
      if (!logged)
        log::Warn("cannot create the review indexes yet; events wait in the queue", {{"error", ex.what()}});
      logged = true;
    }
    timer.expires_after(std::chrono::seconds(2));
    co_await timer.async_wait(asio::use_awaitable);
  }
  consumer.Start();
  consuming = true;
  log::Info("consuming events", {{"queue", review::events::RatingsQueue().queue}});
}

int Serve(Settings settings) {
  mongo::Database database(settings.mongo);
  review::store::ReviewStore reviews(database);
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
  http::HttpClient client(app.io().get_executor(), settings.order_client);
  review::store::OrderDirectory orders(client, settings.order);
  bus::OutboxRelay relay(
      std::make_unique<mongo::EmbeddedOutbox>(database, review::store::OutboxCollections()), settings.amqp);
  review::api::ReviewApi api(app, reviews, orders, authn, relay);
  api.Register();
  app.AddErrorTranslator(mongo::ToApiError);

  review::events::RatingsHandler handler(reviews, [&] { relay.Notify(); });
  bus::Consumer consumer(settings.amqp, review::events::RatingsQueue(),
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
  metrics.AddGauge("consumer_connected", "1 while the ratings consumer is connected to RabbitMQ.",
                   [&] { return consumer.connected() ? 1.0 : 0.0; });
  metrics.AddGauge("consumer_handled_total", "Events handled and acknowledged.",
                   [&] { return double(consumer.handled_total()); });
  metrics.AddGauge("consumer_failed_total", "Event handler failures (each attempt).",
                   [&] { return double(consumer.failed_total()); });
  metrics.AddGauge("consumer_dead_lettered_total", "Events sent to the dead-letter queue.",
                   [&] { return double(consumer.dead_lettered_total()); });
  metrics.AddGauge("ratings_written_total", "Rating snapshots stored (each with its rating.updated).",
                   [&] { return double(handler.ratings_written()); });
  metrics.AddGauge("ratings_unchanged_total",
                   "review.created events whose review the rating already counted.",
                   [&] { return double(handler.ratings_unchanged()); });

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

  asio::co_spawn(app.io(), ConsumeOnceIndexed(app, reviews, consumer, consuming), asio::detached);
  app.OnShutdown([&] {
    consumer.Stop();
    relay.Stop();
  });
  relay.Start();
  return app.Run();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"mp-review: reviews and ratings of Service Marketplace"};
  cli.require_subcommand(0, 1);
  auto* serve = cli.add_subcommand(
      "serve", "Run the HTTP service, the outbox relay and the ratings consumer (default)");
  auto* ensure_indexes = cli.add_subcommand("ensure-indexes", "Create the MongoDB indexes and exit");
  CLI11_PARSE(cli, argc, argv);
  (void)serve;

  try {
    Settings settings = ReadSettings();
    if (*ensure_indexes) {
      mongo::Database database(settings.mongo);
      review::store::ReviewStore(database).EnsureIndexes();
      std::cout << "indexes ensured\n";
      return 0;
    }
    return Serve(std::move(settings));
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-review: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}

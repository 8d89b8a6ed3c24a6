// mp-review: reviews of finished orders and the providers' ratings.
//   mp-review [serve]         run the HTTP service, the outbox relay and the ratings consumer
//   mp-review ensure-indexes  create the MongoDB indexes and exit
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

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
#include "services/review/src/api/review_api.hpp"
#include "services/review/src/clients/order_client.hpp"
#include "services/review/src/events/review_events.hpp"
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
  service::UpstreamSettings order;
};

Settings ReadSettings() {
  config::Env env;
  Settings s;
  s.app = http::AppOptions::FromEnv(env, "review", 8005);
  s.mongo = mongo::FromEnv(env, "review_db", "mp-review");
  s.redis = cache::FromEnv(env);
  s.amqp = bus::FromEnv(env);
  s.jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  s.order = service::ReadUpstream(env, "order", "http://127.0.0.1:8003", 3000);
  env.Validate();
  return s;
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
  http::HttpClient client(app.io().get_executor(), settings.order.client);
  review::clients::OrderClient orders(client, settings.order.upstream);
  // Every write below calls relay.Notify().
  bus::OutboxRelay relay(std::make_unique<mongo::EmbeddedOutbox>(database, review::store::OutboxCollections()),
                         settings.amqp, mongo::EmbeddedOutbox::NotifiedRelayOptions());
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
  metrics.AddGauge("mongo_pool_size", "MongoDB clients this replica may take (MP_MONGO_POOL_SIZE).",
                   [&] { return double(database.options().max_pool_size); });
  service::AddRedisGauge(metrics, redis);
  service::AddOutboxGauges(metrics, relay);
  service::AddConsumerGauges(metrics, consumer);
  metrics.AddGauge("ratings_written_total", "Rating snapshots stored (each with its rating.updated).",
                   [&] { return double(handler.ratings_written()); });
  metrics.AddGauge("ratings_unchanged_total",
                   "review.created events whose review the rating already counted.",
                   [&] { return double(handler.ratings_unchanged()); });

  app.SetReadiness([&]() -> asio::awaitable<std::vector<http::ReadyCheck>> {
    bool mongo_ok = co_await app.blocking().Run([&] { return database.Ping(); });
    http::ReadyCheck cache = co_await service::RedisCheck(redis);
    co_return std::vector<http::ReadyCheck>{{"mongodb", mongo_ok, mongo_ok ? "ok" : "unreachable", true},
                                            std::move(cache),
                                            service::ConsumerCheck(consumer, consuming.load()),
                                            service::OutboxCheck(relay)};
  });

  // Ratings are consumed once the indexes exist (the snapshot scheme does not need them to be correct, but
  // MongoDB's plans do).
  asio::co_spawn(
      app.io(),
      service::StartConsumerWhenPrepared(
          app, [&] { reviews.EnsureIndexes(); }, consumer, consuming, review::events::RatingsQueue().queue),
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
  auto cli = cli::Parse("mp-review: reviews and ratings of Service Marketplace",
                        {{"serve", "Run the HTTP service, the outbox relay and the ratings consumer (default)"},
                         {"ensure-indexes", "Create the MongoDB indexes and exit"}},
                        argc, argv);
  if (cli.exit_code) return *cli.exit_code;

  try {
    Settings settings = ReadSettings();
    if (cli.command == "ensure-indexes") {
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

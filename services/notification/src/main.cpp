// mp-notification: customers' and providers' inboxes, filled from the marketplace's events and by admins.
//   mp-notification [serve]         run the HTTP service and the event consumer
//   mp-notification ensure-indexes  create the MongoDB indexes and exit
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "libs/bus/consumer.hpp"
#include "libs/bus/options.hpp"
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
#include "libs/security/jwt.hpp"
#include "libs/security/local_secret.hpp"
#include "libs/service/wiring.hpp"
#include "services/notification/src/api/inbox_api.hpp"
#include "services/notification/src/clients/auth_client.hpp"
#include "services/notification/src/events/event_handler.hpp"
#include "services/notification/src/store/inbox_cache.hpp"
#include "services/notification/src/store/inbox_store.hpp"

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
  std::chrono::seconds sweep_interval{3600};
};

Settings ReadSettings() {
  config::Env env;
  Settings s;
  s.app = http::AppOptions::FromEnv(env, "notification", 8006);
  s.mongo = mongo::FromEnv(env, "notification_db", "mp-notification");
  s.redis = cache::FromEnv(env);
  s.amqp = bus::FromEnv(env);
  s.jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  s.auth = service::ReadUpstream(env, "auth", "http://127.0.0.1:8000", 3000);
  s.sweep_interval =
      std::chrono::seconds(env.Int("MP_NOTIFICATION_SWEEP_INTERVAL_S", 3600, 1, 7 * 24 * 3600));
  env.Validate();
  return s;
}

int Serve(Settings settings) {
  mongo::Database database(settings.mongo);
  notification::store::InboxStore inboxes(database);

  http::App app(settings.app);
  cache::Redis redis(app.io(), settings.redis);
  security::JwtCodec jwt(settings.jwt_secret);
  identity::Authenticator authn(jwt, &redis);
  http::HttpClient client(app.io().get_executor(), settings.auth.client);
  notification::clients::AuthClient auth(client, settings.auth.upstream);
  notification::store::InboxCache inbox_cache(&redis, app.io().get_executor());
  notification::api::InboxApi api(app, inboxes, inbox_cache, auth, authn);
  api.Register();
  app.AddErrorTranslator(mongo::ToApiError);

  notification::events::EventHandler handler(inboxes, inbox_cache);
  bus::Consumer consumer(settings.amqp, notification::events::NotificationQueue(),
                         [&](const bus::Event& event) { handler.Handle(event); });
  std::atomic<bool> consuming{false};

  auto& metrics = app.metrics();
  metrics.AddGauge("mongo_clients_in_use", "MongoDB clients taken from the pool.",
                   [&] { return double(database.clients_in_use()); });
  metrics.AddGauge("mongo_pool_size", "MongoDB clients this replica may take (MP_MONGO_POOL_SIZE).",
                   [&] { return double(database.options().max_pool_size); });
  service::AddRedisGauge(metrics, redis);
  service::AddConsumerGauges(metrics, consumer);
  metrics.AddGauge("notification_stale_views", "Inbox views in Redis that a failed write left to drop.",
                   [&] { return double(inbox_cache.stale_views()); });
  metrics.AddGauge("notifications_added_total", "Inbox entries written from events.",
                   [&] { return double(handler.notices_added()); });
  metrics.AddGauge("notifications_duplicates_total", "Redelivered events whose entries were already there.",
                   [&] { return double(handler.duplicates_skipped()); });

  app.SetReadiness([&]() -> asio::awaitable<std::vector<http::ReadyCheck>> {
    bool mongo_ok = co_await app.blocking().Run([&] { return database.Ping(); });
    http::ReadyCheck cache = co_await service::RedisCheck(redis);
    co_return std::vector<http::ReadyCheck>{{"mongodb", mongo_ok, mongo_ok ? "ok" : "unreachable", true},
                                            std::move(cache),
                                            service::ConsumerCheck(consumer, consuming.load())};
  });

  // The unique index makes redeliveries harmless, so events are consumed only once it exists.
  asio::co_spawn(app.io(),
                 service::StartConsumerWhenPrepared(
                     app, [&] { inboxes.EnsureIndexes(); }, consumer, consuming,
                     notification::events::NotificationQueue().queue),
                 asio::detached);
  // Retention: read notices older than 30 days are removed, at start and then every sweep_interval
  // (docs/adr/0005-notification-retention.md).
  service::RunEvery(app, "retention sweep", settings.sweep_interval, [&]() -> asio::awaitable<void> {
    auto cutoff = time::Now() - notification::domain::kReadRetention;
    auto removed = co_await app.blocking().Run([&] { return inboxes.PurgeReadBefore(cutoff); });
    if (!removed.empty()) {
      log::Info("removed read notices past retention", {{"removed", removed.size()}});
      co_await inbox_cache.Removed(std::move(removed));
    }
  });
  app.OnShutdown([&] { consumer.Stop(); });
  return app.Run();
}

}  // namespace

int main(int argc, char** argv) {
  auto cli = cli::Parse("mp-notification: inboxes of Service Marketplace",
                        {{"serve", "Run the HTTP service and the event consumer (default)"},
                         {"ensure-indexes", "Create the MongoDB indexes and exit"}},
                        argc, argv);
  if (cli.exit_code) return *cli.exit_code;

  try {
    Settings settings = ReadSettings();
    if (cli.command == "ensure-indexes") {
      mongo::Database database(settings.mongo);
      notification::store::InboxStore(database).EnsureIndexes();
      std::cout << "indexes ensured\n";
      return 0;
    }
    return Serve(std::move(settings));
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-notification: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}

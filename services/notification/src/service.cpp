#include "services/notification/src/service.hpp"

#include <chrono>

#include "libs/service/mongo_store.hpp"
#include "services/notification/src/api/inbox_api.hpp"
#include "services/notification/src/clients/auth_client.hpp"
#include "services/notification/src/events/event_handler.hpp"
#include "services/notification/src/store/retention.hpp"

namespace mp::notification {

service::Definition Service() {
  auto db = std::make_unique<service::MongoDb>(
      "notification_db", std::vector<std::string>{},
      [](mongo::Database& database) { store::InboxStore(database).EnsureIndexes(); });
  auto wire = [db = db.get()](service::Context& ctx) {
    auto& inboxes = ctx.Make<store::InboxStore>(db->database());
    auto& views = ctx.Make<store::InboxCache>(&ctx.redis(), ctx.app().io().get_executor());
    auto auth = ctx.Call("auth", "http://127.0.0.1:8000", 3000);
    auto& users = ctx.Make<clients::AuthClient>(auth.client, auth.upstream);
    ctx.Make<api::InboxApi>(ctx.app(), inboxes, views, users, ctx.authn()).Register();
    auto& handler = ctx.Make<events::EventHandler>(inboxes, views);
    // The unique index makes redeliveries harmless, so events are consumed only once it exists.
    ctx.Consume(
        events::NotificationQueue(), [&handler](const bus::Event& event) { handler.Handle(event); },
        [db] { db->EnsureIndexes(); });
    handler.AddGauges(ctx.app().metrics());
    views.AddGauges(ctx.app().metrics());
    auto interval = ctx.env().Int("MP_NOTIFICATION_SWEEP_INTERVAL_S", 3600, 1, 7 * 24 * 3600);
    store::StartRetentionSweep(ctx.app(), inboxes, views, std::chrono::seconds(interval));
  };
  return {{.name = "notification",
           .port = 8006,
           .about = "mp-notification: inboxes of Service Marketplace",
           .events = false},  // consumes events, publishes none
          std::move(db),
          wire};
}

}  // namespace mp::notification

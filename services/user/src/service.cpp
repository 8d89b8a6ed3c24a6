#include "services/user/src/service.hpp"

#include "libs/service/mongo_store.hpp"
#include "services/user/src/api/user_api.hpp"
#include "services/user/src/clients/auth_client.hpp"
#include "services/user/src/events/profile_events.hpp"
#include "services/user/src/store/profile_store.hpp"

namespace mp::user {

service::Definition Service() {
  auto db = std::make_unique<service::MongoDb>(
      "user_db", store::OutboxCollections(),
      [](mongo::Database& database) { store::ProfileStore(database).EnsureIndexes(); });
  auto wire = [db = db.get()](service::Context& ctx) {
    auto& profiles = ctx.Make<store::ProfileStore>(db->database());
    auto auth = ctx.Call("auth", "http://127.0.0.1:8000", 5000);
    auto& users = ctx.Make<clients::AuthClient>(auth.client, auth.upstream);
    // Every write of the API and the handler wakes the outbox relay.
    ctx.Make<api::UserApi>(ctx.app(), profiles, users, ctx.authn(), ctx.NotifyRelay()).Register();
    auto& handler = ctx.Make<events::EventHandler>(profiles, ctx.NotifyRelay());
    // The unique indexes make user.registered idempotent, so events are consumed only once they exist.
    ctx.Consume(
        events::IncomingQueue(), [&handler](const bus::Event& event) { handler.Handle(event); },
        [db] { db->EnsureIndexes(); });
    handler.AddGauges(ctx.app().metrics());
  };
  return {
      {.name = "user", .port = 8002, .about = "mp-user: profiles and user management of Service Marketplace"},
      std::move(db),
      wire};
}

}  // namespace mp::user

// mp-user: customer and provider profiles, admin user management and provider search.
//   mp-user [serve]         run the HTTP service, the event consumer and the outbox relay
//   mp-user ensure-indexes  create the MongoDB indexes and exit
#include "libs/service/main.hpp"
#include "libs/service/mongo_store.hpp"
#include "services/user/src/api/user_api.hpp"
#include "services/user/src/clients/auth_client.hpp"
#include "services/user/src/events/profile_events.hpp"
#include "services/user/src/store/profile_store.hpp"

int main(int argc, char** argv) {
  using namespace mp;
  service::MongoDb db("user_db", user::store::OutboxCollections(),
                      [](mongo::Database& database) { user::store::ProfileStore(database).EnsureIndexes(); });
  service::Spec spec{
      .name = "user", .port = 8002, .about = "mp-user: profiles and user management of Service Marketplace"};
  return service::Main(spec, &db, argc, argv, [&db](service::Context& ctx) {
    auto& profiles = ctx.Make<user::store::ProfileStore>(db.database());
    auto auth = ctx.Call("auth", "http://127.0.0.1:8000", 5000);
    auto& users = ctx.Make<user::clients::AuthClient>(auth.client, auth.upstream);
    // Every write of the API and the handler wakes the outbox relay.
    ctx.Make<user::api::UserApi>(ctx.app(), profiles, users, ctx.authn(), ctx.NotifyRelay()).Register();
    auto& handler = ctx.Make<user::events::EventHandler>(profiles, ctx.NotifyRelay());
    // The unique indexes make user.registered idempotent, so events are consumed only once they exist.
    ctx.Consume(
        user::events::IncomingQueue(), [&handler](const bus::Event& event) { handler.Handle(event); },
        [&db] { db.EnsureIndexes(); });
    handler.AddGauges(ctx.app().metrics());
  });
}

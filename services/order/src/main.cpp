// mp-order: service orders and their lifecycle.
//   mp-order [serve]    run the HTTP service and the event consumer (applies migrations first)
//   mp-order migrate    apply database migrations and exit
#include "libs/service/main.hpp"
#include "libs/service/mysql_store.hpp"
#include "services/order/src/api/order_api.hpp"
#include "services/order/src/events/order_events.hpp"
#include "services/order/src/store/migrations.hpp"
#include "services/order/src/store/order_store.hpp"

int main(int argc, char** argv) {
  using namespace mp;
  service::MySql db("order_db", order::store::Migrations());
  service::Spec spec{
      .name = "order", .port = 8003, .about = "mp-order: service orders of Service Marketplace"};
  return service::Main(spec, &db, argc, argv, [&db](service::Context& ctx) {
    auto& orders = ctx.Make<order::store::OrderStore>(db.pool());
    ctx.Make<order::api::OrderApi>(ctx.app(), orders, ctx.authn(), ctx.relay()).Register();
    ctx.Consume(order::events::IncomingQueue(), [&orders, &relay = ctx.relay()](const bus::Event& event) {
      order::events::HandleIncoming(orders, event);
      relay.Notify();  // the change it made may have events of its own
    });
    order::events::StartProcessedEventsPurge(ctx.app(), orders);
  });
}

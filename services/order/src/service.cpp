#include "services/order/src/service.hpp"

#include "libs/service/mysql_store.hpp"
#include "services/order/src/api/order_api.hpp"
#include "services/order/src/events/order_events.hpp"
#include "services/order/src/store/migrations.hpp"
#include "services/order/src/store/order_store.hpp"

namespace mp::order {

service::Definition Service() {
  auto db = std::make_unique<service::MySql>("order_db", store::Migrations());
  auto wire = [db = db.get()](service::Context& ctx) {
    auto& orders = ctx.Make<store::OrderStore>(db->pool());
    ctx.Make<api::OrderApi>(ctx.app(), orders, ctx.authn(), ctx.relay()).Register();
    ctx.Consume(events::IncomingQueue(), [&orders, &relay = ctx.relay()](const bus::Event& event) {
      events::HandleIncoming(orders, event);
      relay.Notify();  // the change it made may have events of its own
    });
    events::StartProcessedEventsPurge(ctx.app(), orders);
  };
  return {{.name = "order", .port = 8003, .about = "mp-order: service orders of Service Marketplace"},
          std::move(db),
          wire};
}

}  // namespace mp::order

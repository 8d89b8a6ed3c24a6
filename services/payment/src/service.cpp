#include "services/payment/src/service.hpp"

#include "libs/service/mysql_store.hpp"
#include "services/payment/src/api/payment_api.hpp"
#include "services/payment/src/clients/order_client.hpp"
#include "services/payment/src/store/migrations.hpp"
#include "services/payment/src/store/payment_store.hpp"

namespace mp::payment {

service::Definition Service() {
  auto db = std::make_unique<service::MySql>("payment_db", store::Migrations());
  auto wire = [db = db.get()](service::Context& ctx) {
    // The order service is not a readiness condition: while it is down, pay answers 503 on its own and
    // refunds and lists keep working.
    auto order = ctx.Call("order", "http://127.0.0.1:8003", 3000);
    auto& orders = ctx.Make<clients::OrderClient>(order.client, order.upstream);
    auto& payments = ctx.Make<store::PaymentStore>(db->pool());
    ctx.Make<api::PaymentApi>(ctx.app(), payments, orders, ctx.authn(), ctx.relay()).Register();
  };
  return {
      {.name = "payment", .port = 8004, .about = "mp-payment: payments and refunds of Service Marketplace"},
      std::move(db),
      wire};
}

}  // namespace mp::payment

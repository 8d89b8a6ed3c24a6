// mp-payment: simulated payments of completed orders, refunds and the ledger.
//   mp-payment [serve]    run the HTTP service and the outbox relay (applies migrations first)
//   mp-payment migrate    apply database migrations and exit
#include "libs/service/main.hpp"
#include "libs/service/mysql_store.hpp"
#include "services/payment/src/api/payment_api.hpp"
#include "services/payment/src/clients/order_client.hpp"
#include "services/payment/src/store/migrations.hpp"
#include "services/payment/src/store/payment_store.hpp"

int main(int argc, char** argv) {
  using namespace mp;
  service::MySql db("payment_db", payment::store::Migrations());
  service::Spec spec{
      .name = "payment", .port = 8004, .about = "mp-payment: payments and refunds of Service Marketplace"};
  return service::Main(spec, &db, argc, argv, [&db](service::Context& ctx) {
    // The order service is not a readiness condition: while it is down, pay answers 503 on its own and
    // refunds and lists keep working.
    auto order = ctx.Call("order", "http://127.0.0.1:8003", 3000);
    auto& orders = ctx.Make<payment::clients::OrderClient>(order.client, order.upstream);
    auto& payments = ctx.Make<payment::store::PaymentStore>(db.pool());
    ctx.Make<payment::api::PaymentApi>(ctx.app(), payments, orders, ctx.authn(), ctx.relay()).Register();
  });
}

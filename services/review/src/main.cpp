// mp-review: reviews of finished orders and the providers' ratings.
//   mp-review [serve]         run the HTTP service, the outbox relay and the ratings consumer
//   mp-review ensure-indexes  create the MongoDB indexes and exit
#include "libs/service/main.hpp"
#include "libs/service/mongo_store.hpp"
#include "services/review/src/api/review_api.hpp"
#include "services/review/src/clients/order_client.hpp"
#include "services/review/src/events/review_events.hpp"
#include "services/review/src/store/review_store.hpp"

int main(int argc, char** argv) {
  using namespace mp;
  service::MongoDb db("review_db", review::store::OutboxCollections(), [](mongo::Database& database) {
    review::store::ReviewStore(database).EnsureIndexes();
  });
  service::Spec spec{
      .name = "review", .port = 8005, .about = "mp-review: reviews and ratings of Service Marketplace"};
  return service::Main(spec, &db, argc, argv, [&db](service::Context& ctx) {
    auto& reviews = ctx.Make<review::store::ReviewStore>(db.database());
    auto order = ctx.Call("order", "http://127.0.0.1:8003", 3000);
    auto& orders = ctx.Make<review::clients::OrderClient>(order.client, order.upstream);
    ctx.Make<review::api::ReviewApi>(ctx.app(), reviews, orders, ctx.authn(), ctx.relay()).Register();
    auto& ratings = ctx.Make<review::events::RatingsHandler>(reviews, ctx.NotifyRelay());
    // Ratings are consumed once the indexes exist (the snapshots are right without them; MongoDB's plans
    // are not).
    ctx.Consume(
        review::events::RatingsQueue(), [&ratings](const bus::Event& event) { ratings.Handle(event); },
        [&db] { db.EnsureIndexes(); });
    auto& metrics = ctx.app().metrics();
    metrics.AddGauge("ratings_written_total", "Rating snapshots stored (each with its rating.updated).",
                     [&ratings] { return double(ratings.ratings_written()); });
    metrics.AddGauge("ratings_unchanged_total",
                     "review.created events whose review the rating already counted.",
                     [&ratings] { return double(ratings.ratings_unchanged()); });
  });
}

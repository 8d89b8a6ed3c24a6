#include "services/review/src/service.hpp"

#include "libs/service/mongo_store.hpp"
#include "services/review/src/api/review_api.hpp"
#include "services/review/src/clients/order_client.hpp"
#include "services/review/src/events/review_events.hpp"
#include "services/review/src/store/review_store.hpp"

namespace mp::review {

service::Definition Service() {
  auto db = std::make_unique<service::MongoDb>(
      "review_db", store::OutboxCollections(),
      [](mongo::Database& database) { store::ReviewStore(database).EnsureIndexes(); });
  auto wire = [db = db.get()](service::Context& ctx) {
    auto& reviews = ctx.Make<store::ReviewStore>(db->database());
    auto order = ctx.Call("order", "http://127.0.0.1:8003", 3000);
    auto& orders = ctx.Make<clients::OrderClient>(order.client, order.upstream);
    ctx.Make<api::ReviewApi>(ctx.app(), reviews, orders, ctx.authn(), ctx.relay()).Register();
    auto& ratings = ctx.Make<events::RatingsHandler>(reviews, ctx.NotifyRelay());
    // Ratings are consumed once the indexes exist (the snapshots are right without them; MongoDB's plans are
    // not).
    ctx.Consume(
        events::RatingsQueue(), [&ratings](const bus::Event& event) { ratings.Handle(event); },
        [db] { db->EnsureIndexes(); });
    auto& metrics = ctx.app().metrics();
    metrics.AddGauge("ratings_written_total", "Rating snapshots stored (each with its rating.updated).",
                     [&ratings] { return double(ratings.ratings_written()); });
    metrics.AddGauge("ratings_unchanged_total",
                     "review.created events whose review the rating already counted.",
                     [&ratings] { return double(ratings.ratings_unchanged()); });
  };
  return {{.name = "review", .port = 8005, .about = "mp-review: reviews and ratings of Service Marketplace"},
          std::move(db),
          wire};
}

}  // namespace mp::review

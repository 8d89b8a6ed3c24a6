#include "services/review/src/events/review_events.hpp"

#include "libs/core/log.hpp"
#include "libs/core/time.hpp"
#include "libs/mongo/error.hpp"

namespace mp::review::events {

bus::Event ReviewCreated(const domain::Review& review, std::string_view exchange) {
  return bus::MakeEvent(std::string(exchange), "review.created",
                        {{"review_id", domain::ReviewId(review.order_id)},
                         {"order_id", review.order_id},
                         {"customer_id", review.customer_id},
                         {"provider_id", review.provider_id},
                         {"stars", review.stars},
                         {"content", review.content.value_or("")},
                         {"occurred_at", time::FormatIso(review.created_at)}});
}

bus::Event RatingUpdated(std::int64_t provider_id, const domain::RatingTotals& totals, time::TimePoint at,
                         std::string_view exchange) {
  const double rating = domain::AverageRating(totals);
  return bus::MakeEvent(std::string(exchange), "rating.updated",
                        {{"provider_id", provider_id},
                         {"rating", rating},
                         {"average_rating", rating},
                         {"total_reviews", totals.total_reviews},
                         {"stars_sum", totals.stars_sum},
                         {"occurred_at", time::FormatIso(at)}});
}

bus::QueueSpec RatingsQueue(const QueueNames& names) {
  return {.queue = names.queue, .bindings = {{names.review_exchange, "review.created"}}};
}

RatingsHandler::RatingsHandler(store::ReviewStore& store, std::function<void()> rating_written,
                               std::string exchange)
    : store_(store), rating_written_(std::move(rating_written)), exchange_(std::move(exchange)) {}

void RatingsHandler::Handle(const bus::Event& event) {
  if (event.routing_key != "review.created") {
    log::Debug("event ignored", {{"event_id", event.event_id}, {"event_type", event.routing_key}});
    return;
  }
  auto it = event.body.find("provider_id");
  if (it == event.body.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    throw bus::Poison("review.created " + event.event_id + " has no usable provider_id");
  }
  const auto provider_id = it->get<std::int64_t>();
  store::RatingUpdate update;
  try {
    update = store_.RecomputeRating(
        provider_id, time::Now(),
        bus::Traced(bus::RequestIdOf(event),  // the request that created the review
                    [this](std::int64_t provider, const domain::RatingTotals& totals, time::TimePoint at) {
                      return RatingUpdated(provider, totals, at, exchange_);
                    }));
  } catch (const mongo::Error& error) {
    if (error.unavailable()) throw bus::RetryLater(error.what());
    throw;
  }
  if (update.written) {
    ++ratings_written_;
    if (rating_written_) rating_written_();
  } else {
    ++ratings_unchanged_;
  }
  log::Debug(update.written ? "rating updated" : "rating already counts this review",
             {{"event_id", event.event_id},
              {"provider_id", provider_id},
              {"total_reviews", update.totals.total_reviews},
              {"stars_sum", update.totals.stars_sum}});
}

}  // namespace mp::review::events

#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "libs/bus/consumer.hpp"
#include "libs/bus/event.hpp"
#include "services/review/src/domain/review.hpp"
#include "services/review/src/store/review_store.hpp"

// What the review service tells the others on review_events (through the outbox embedded in the changed
// document), and how it keeps ratings: it consumes its own review.created and recomputes the provider's
// rating from all of the provider's reviews.
namespace mp::review::events {

inline constexpr std::string_view kExchange = "review_events";

// review.created {review_id, order_id, customer_id, provider_id, stars, content ("" when none),
// occurred_at = the review's created_at}: the order service marks the order reviewed, the notification
// service tells the customer and the provider.
bus::Event ReviewCreated(const domain::Review& review, std::string_view exchange = kExchange);
// rating.updated {provider_id, rating, average_rating (the same number, the reference's key),
// total_reviews, stars_sum, occurred_at}: the user service copies rating and total_reviews into the
// provider's profile, ignoring an update with fewer reviews than it holds (events may arrive out of order).
bus::Event RatingUpdated(std::int64_t provider_id, const domain::RatingTotals& totals, time::TimePoint at,
                         std::string_view exchange = kExchange);

struct QueueNames {
  std::string queue = "review.ratings";
  std::string review_exchange = std::string(kExchange);
};

// `review.created` on review_events; failures are retried 5 times, then go to `review.ratings.dead`.
bus::QueueSpec RatingsQueue(const QueueNames& names = {});

// The bus::Consumer handler (it runs on the consumer's own thread): recomputes the rating of the event's
// provider. Idempotent by construction: a redelivered or late event finds the rating already counting
// those reviews and changes nothing. MongoDB unreachable -> bus::RetryLater; no usable provider_id ->
// bus::Poison (dead-lettered at once); other routing keys are acknowledged and ignored.
class RatingsHandler {
 public:
  // `rating_written` runs after a new rating was stored (wake the outbox relay).
  RatingsHandler(store::ReviewStore& store, std::function<void()> rating_written,
                 std::string exchange = std::string(kExchange));

  void Handle(const bus::Event& event);

  std::uint64_t ratings_written() const { return ratings_written_.load(); }
  std::uint64_t ratings_unchanged() const { return ratings_unchanged_.load(); }

 private:
  store::ReviewStore& store_;
  std::function<void()> rating_written_;
  std::string exchange_;
  std::atomic<std::uint64_t> ratings_written_{0};
  std::atomic<std::uint64_t> ratings_unchanged_{0};
};

}  // namespace mp::review::events

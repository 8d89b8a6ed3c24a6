#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/core/time.hpp"
#include "libs/mongo/database.hpp"
#include "services/review/src/domain/review.hpp"

// Reviews and ratings in MongoDB (`review_db`):
//   reviews          {_id: order_id, order_id, customer_id, provider_id, stars, content|null, created_at,
//                     outbox: [review.created]}
//   provider_ratings {_id: "<provider_id>:<total_reviews, 12 digits>", provider_id, total_reviews, stars_sum,
//   rating,
//                     updated_at, outbox: [rating.updated]}
// Both are written only by inserts (the outbox relay's $pull of a published entry is the one update), so
// nothing here depends on a read-modify-write being atomic: FerretDB v1 applies an update as a read
// followed by a whole-document write, which can lose a concurrent update. Uniqueness comes from `_id`,
// which every MongoDB-protocol server enforces, indexes or not:
// - one review per order: `_id` is the order id;
// - one rating snapshot per (provider, number of reviews): reviews are only ever added (never edited or
//   deleted), so a tally that finds N reviews once the provider has N is exact, the snapshot with the
//   highest total_reviews is the provider's rating, and concurrent recomputes of the same N collide on
//   `_id` instead of overwriting each other. Older snapshots are pruned once their event was published.
// Every call blocks (run it on the blocking pool) and throws mongo::Error (unavailable() when MongoDB
// cannot be reached).
namespace mp::review::store {

inline constexpr const char* kReviews = "reviews";
inline constexpr const char* kProviderRatings = "provider_ratings";

// The collections whose documents carry outbox entries (for mongo::EmbeddedOutbox).
std::vector<std::string> OutboxCollections();

struct ReviewPage {
  std::vector<domain::Review> items;
  std::int64_t total = 0;
};

// Makes the rating.updated event of a new rating snapshot.
using RatingEventFor = std::function<bus::Event(std::int64_t provider_id, const domain::RatingTotals& totals,
                                                time::TimePoint at)>;

struct RatingUpdate {
  bool written = false;         // a new snapshot (with its rating.updated) was stored
  domain::RatingTotals totals;  // what the provider's rating now stands on
};

class ReviewStore {
 public:
  explicit ReviewStore(mongo::Database& database);

  // Creates the indexes of both collections (and the outbox's); idempotent, run at every start.
  void EnsureIndexes();

  // Stores the review with `created` (review.created) in its outbox, in one insert; false when the order
  // already has a review. The review's created_at is kept at millisecond precision, as MongoDB stores it.
  bool Add(const domain::Review& review, const bus::Event& created);

  std::optional<domain::Review> FindByOrder(std::int64_t order_id);
  // Newest first (created_at, then order id); `total` counts all of the provider's reviews.
  ReviewPage ListByProvider(std::int64_t provider_id, std::int64_t limit, std::int64_t offset);

  // The stored rating (the newest snapshot); zero totals when the provider has none yet.
  domain::RatingTotals Rating(std::int64_t provider_id);
  // Counts the provider's reviews and their stars now, reading every one of them (only the stars).
  domain::RatingTotals Tally(std::int64_t provider_id);

  // Recomputes the provider's rating from all of its reviews and stores it as a new snapshot with its
  // rating.updated event when it counts more reviews than the stored one; otherwise changes nothing (so a
  // redelivered or concurrent trigger is harmless). Then prunes older snapshots whose event is published.
  RatingUpdate RecomputeRating(std::int64_t provider_id, time::TimePoint now,
                               const RatingEventFor& event_for);

 private:
  mongo::Database& database_;
};

// "<provider_id>:<total_reviews as 12 digits>" ("42:000000000007"), the `_id` of a rating snapshot; the
// padding makes a provider's snapshots sort by `_id` as they sort by count.
std::string SnapshotId(std::int64_t provider_id, std::int64_t total_reviews);

}  // namespace mp::review::store

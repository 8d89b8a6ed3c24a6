#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "libs/core/outcome.hpp"
#include "libs/core/time.hpp"

// Reviews of finished orders and the providers' ratings: the rules and decisions, free of HTTP, JSON and
// storage.
namespace mp::review::domain {

inline constexpr std::int64_t kStarsMin = 1;
inline constexpr std::int64_t kStarsMax = 5;
inline constexpr std::size_t kContentMax = 2000;  // Unicode code points
// What a provider without any review shows (the reference's value; existing clients expect it).
inline constexpr double kUnratedAverage = 5.0;

// What a customer submits: the order, 1-5 stars and an optional text.
struct NewReview {
  std::int64_t order_id = 0;
  int stars = 0;
  std::optional<std::string> content;  // no text
};

// A problem with the review text (control characters other than tab and line breaks), or nullopt when it is
// acceptable. Its length is checked where it is read (at most kContentMax code points).
std::optional<std::string> ContentProblem(std::string_view content);

// What the order service says about an order (OrderDetail of the order routes).
struct OrderFacts {
  std::int64_t order_id = 0;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> provider_id;
  std::string status;          // pending_review ... completed, reviewed, cancelled
  std::string payment_status;  // unpaid, paid, refunded
  bool has_review = false;
};

struct Review {
  std::int64_t order_id = 0;
  std::int64_t customer_id = 0;
  std::int64_t provider_id = 0;
  int stars = 0;
  std::optional<std::string> content;
  time::TimePoint created_at;
};

// Why a customer may not review an order, in the order they are checked.
enum class ReviewRefusal {
  kNotYourOrder,     // the order is someone else's (checked first: nothing else is learnt about it)
  kAlreadyReviewed,  // has_review, status reviewed, or a review got stored first
  kNotCompleted,
  kRefunded,
  kNotPaid,
  kNoProvider,  // cannot happen for a completed order
};

// The review `customer_id` writes about `order` at `now`, or why not.
Outcome<Review, ReviewRefusal> SubmitReview(const OrderFacts& order, std::int64_t customer_id,
                                            const NewReview& input, time::TimePoint now);

// The public id of a review: one review per order, so the order id as text (the reference's review_id).
std::string ReviewId(std::int64_t order_id);

// A provider's ratings: how many reviews and the sum of their stars (exact integers; the average is derived).
struct RatingTotals {
  std::int64_t total_reviews = 0;
  std::int64_t stars_sum = 0;
  friend bool operator==(const RatingTotals&, const RatingTotals&) = default;
};

// The mean in hundredths, rounded half up, computed on integers (no binary-fraction surprises: 2.675 is
// 268). Requires total_reviews > 0.
std::int64_t AverageHundredths(const RatingTotals& totals);
// The mean rounded to 2 decimals, or kUnratedAverage without reviews.
double AverageRating(const RatingTotals& totals);

}  // namespace mp::review::domain

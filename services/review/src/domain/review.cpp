#include "services/review/src/domain/review.hpp"

#include <cstdint>

#include "libs/core/text.hpp"

namespace mp::review::domain {

std::optional<std::string> ContentProblem(std::string_view content) {
  if (HasControlCharacter(content, true)) return "must not contain control characters";
  return std::nullopt;
}

Outcome<Review, ReviewRefusal> SubmitReview(const OrderFacts& order, std::int64_t customer_id,
                                            const NewReview& input, time::TimePoint now) {
  if (order.customer_id != customer_id) return ReviewRefusal::kNotYourOrder;
  if (order.has_review || order.status == "reviewed") return ReviewRefusal::kAlreadyReviewed;
  if (order.status != "completed") return ReviewRefusal::kNotCompleted;
  if (order.payment_status == "refunded") return ReviewRefusal::kRefunded;
  if (order.payment_status != "paid") return ReviewRefusal::kNotPaid;
  if (!order.provider_id || *order.provider_id <= 0) return ReviewRefusal::kNoProvider;
  return Review{order.order_id, customer_id, *order.provider_id, input.stars, input.content, now};
}

std::string ReviewId(std::int64_t order_id) { return std::to_string(order_id); }

std::int64_t AverageHundredths(const RatingTotals& totals) {
  // round(100 * sum / n) half up == floor((200 * sum + n) / (2n)); sum <= 5n keeps this far from overflow
  // for any realistic n (n < 10^15).
  const std::int64_t n = totals.total_reviews;
  return (200 * totals.stars_sum + n) / (2 * n);
}

double AverageRating(const RatingTotals& totals) {
  if (totals.total_reviews <= 0) return kUnratedAverage;
  return static_cast<double>(AverageHundredths(totals)) / 100.0;
}

}  // namespace mp::review::domain

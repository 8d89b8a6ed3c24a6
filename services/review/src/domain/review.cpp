#include "services/review/src/domain/review.hpp"

#include <cstdint>
#include <limits>

#include "libs/core/error.hpp"
#include "libs/core/validation.hpp"

namespace mp::review::domain {

NewReview ReadNewReview(const nlohmann::json& body) {
  JsonReader reader(body);
  auto order_id = reader.Int("order_id", Presence::kRequired, 1, std::numeric_limits<std::int64_t>::max());
  auto stars = reader.Int("stars", Presence::kRequired, kStarsMin, kStarsMax);
  auto content = reader.String("content", Presence::kOptional, 0, kContentMax);
  if (content) {
    if (auto problem = ContentProblem(*content)) reader.Problem("content", *problem);
  }
  reader.Finish();
  return NewReview{*order_id, static_cast<int>(*stars), std::move(content)};
}

std::optional<std::string> ContentProblem(std::string_view content) {
  for (char c : content) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\r' && c != '\t') || byte == 0x7f) {
      return "must not contain control characters";
    }
  }
  return std::nullopt;
}

Review ReviewFor(const OrderFacts& order, std::int64_t customer_id, const NewReview& input,
                 time::TimePoint now) {
  if (order.customer_id != customer_id) throw ApiError::Forbidden("Permission denied");
  if (order.has_review || order.status == "reviewed") {
    throw ApiError::Conflict("Order already reviewed", "order_already_reviewed");
  }
  if (order.status != "completed") {
    throw ApiError::Conflict("You can only review completed orders", "order_not_completed");
  }
  if (order.payment_status == "refunded") {
    throw ApiError::Conflict("A refunded order cannot be reviewed", "order_refunded");
  }
  if (order.payment_status != "paid") {
    throw ApiError::Conflict("You can only review paid orders", "order_not_paid");
  }
  if (!order.provider_id || *order.provider_id <= 0) {
    throw ApiError::Conflict("The order has no provider to review", "order_without_provider");
  }
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

#include "services/review/src/api/review_json.hpp"

#include "libs/core/validation.hpp"

namespace mp::review::api {

namespace {

nlohmann::json Content(const domain::Review& review) {
  return review.content ? nlohmann::json(*review.content) : nlohmann::json(nullptr);
}

}  // namespace

domain::NewReview ReadNewReview(const nlohmann::json& body) {
  JsonReader reader(body);
  auto order_id = reader.Id("order_id", Presence::kRequired);
  auto stars = reader.Int("stars", Presence::kRequired, domain::kStarsMin, domain::kStarsMax);
  auto content = reader.String("content", Presence::kOptional, 0, domain::kContentMax);
  if (content && IsBlank(*content)) content.reset();  // a blank comment is no comment
  if (content) {
    if (auto problem = domain::ContentProblem(*content)) reader.Problem("content", *problem);
  }
  reader.Finish();
  return domain::NewReview{*order_id, static_cast<int>(*stars), std::move(content)};
}

nlohmann::json CreatedJson(const domain::Review& review) {
  return {{"review_id", domain::ReviewId(review.order_id)},
          {"order_id", review.order_id},
          {"stars", review.stars},
          {"content", Content(review)},
          {"message", "Review created successfully."}};
}

nlohmann::json ReviewItemJson(const domain::Review& review) {
  return {{"order_id", review.order_id},
          {"customer_id", review.customer_id},
          {"stars", review.stars},
          {"content", Content(review)},
          {"created_at", time::FormatIso(review.created_at)}};
}

nlohmann::json ReviewDetailJson(const domain::Review& review) {
  return {{"review_id", domain::ReviewId(review.order_id)},
          {"order_id", review.order_id},
          {"customer_id", review.customer_id},
          {"provider_id", review.provider_id},
          {"stars", review.stars},
          {"content", Content(review)},
          {"created_at", time::FormatIso(review.created_at)}};
}

nlohmann::json RatingJson(std::int64_t provider_id, const domain::RatingTotals& totals) {
  return {{"provider_id", provider_id},
          {"average_rating", domain::AverageRating(totals)},
          {"total_reviews", totals.total_reviews}};
}

}  // namespace mp::review::api

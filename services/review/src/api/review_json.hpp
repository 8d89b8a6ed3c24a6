#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "services/review/src/domain/review.hpp"

// The review service's request and response bodies.
namespace mp::review::api {

// Reads and checks POST /reviews {order_id, stars, content}; throws ApiError 422 listing every bad field
// (order_id a positive integer, stars an integer 1-5, content null or a string of at most 2,000 characters
// without control characters other than tab and line breaks).
domain::NewReview ReadNewReview(const nlohmann::json& body);

// The answer to POST /reviews: {review_id, order_id, stars, content, message}.
nlohmann::json CreatedJson(const domain::Review& review);
// A review in a provider's list: {order_id, customer_id, stars, content, created_at} (reference §4.8).
nlohmann::json ReviewItemJson(const domain::Review& review);
// An order's review: the list item plus review_id and provider_id.
nlohmann::json ReviewDetailJson(const domain::Review& review);
// {provider_id, average_rating (2 decimals; 5.0 without reviews), total_reviews}.
nlohmann::json RatingJson(std::int64_t provider_id, const domain::RatingTotals& totals);

}  // namespace mp::review::api

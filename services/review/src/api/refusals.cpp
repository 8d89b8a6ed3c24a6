#include "services/review/src/api/refusals.hpp"

#include "libs/http/user_call.hpp"

namespace mp::review::api {

ApiError ToApiError(domain::ReviewRefusal refusal) {
  using domain::ReviewRefusal;
  switch (refusal) {
    case ReviewRefusal::kNotYourOrder: return ApiError::Forbidden("Permission denied");
    case ReviewRefusal::kAlreadyReviewed:
      return ApiError::Conflict("Order already reviewed", "order_already_reviewed");
    case ReviewRefusal::kNotCompleted:
      return ApiError::Conflict("You can only review completed orders", "order_not_completed");
    case ReviewRefusal::kRefunded:
      return ApiError::Conflict("A refunded order cannot be reviewed", "order_refunded");
    case ReviewRefusal::kNotPaid:
      return ApiError::Conflict("You can only review paid orders", "order_not_paid");
    case ReviewRefusal::kNoProvider:
      return ApiError::Conflict("The order has no provider to review", "order_without_provider");
  }
  return ApiError::Internal();
}

ApiError ToApiError(clients::OrderLookupFailure failure) {
  using clients::OrderLookupFailure;
  if (failure == OrderLookupFailure::kNotFound)
    return ApiError::NotFound("Order not found", "order_not_found");
  if (failure == OrderLookupFailure::kNotYours) return ApiError::Forbidden("Permission denied");
  return http::LookupError(failure, "order");
}

}  // namespace mp::review::api

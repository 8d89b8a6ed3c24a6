#include "services/order/src/api/refusals.hpp"

#include <string>

namespace mp::order::api {

ApiError ToApiError(domain::OrderRefusal refusal, const domain::Order& order,
                    std::optional<domain::Status> wanted) {
  using enum domain::OrderRefusal;
  switch (refusal) {
    case kNotYourOrder: return ApiError::Forbidden("Permission denied");
    case kNotAssignedToYou: return ApiError::Forbidden("Permission denied: not your order");
    case kNotPendingReview:
      return ApiError::Conflict("Only pending_review orders can be approved/rejected",
                                "order_not_pending_review");
    case kNotCancellable:
      return ApiError::Conflict("The order cannot be cancelled!", "order_not_cancellable");
    case kNotAvailable:
      return ApiError::Conflict("This order is no longer available for acceptance", "order_not_available");
    case kAlreadyAccepted:
      return ApiError::Conflict("The order has already been accepted!", "order_already_accepted");
    case kNotAccepted:
      return ApiError::Conflict("Order must be accepted before starting", "order_not_accepted");
    case kNotInProgress:
      return ApiError::Conflict("Order must be in progress before completing", "order_not_in_progress");
    case kNotCompleted:
      return ApiError::Conflict("Only completed orders can be reviewed", "order_not_completed");
    case kInvalidTransition:
      if (wanted) {
        return ApiError::Conflict("The status cannot change from " + std::string(domain::Name(order.status)) +
                                      " to " + std::string(domain::Name(*wanted)),
                                  "invalid_transition");
      }
      break;
  }
  return ApiError::Conflict("This change is not allowed in the order's current status", "invalid_transition");
}

}  // namespace mp::order::api

#include "services/payment/src/api/refusals.hpp"

#include <string>

namespace mp::payment::api {
namespace {

ApiError RefundNotPending(domain::RefundStatus status) {
  return ApiError::Conflict("Refund already processed (" + std::string(domain::Name(status)) + ")",
                            "refund_not_pending");
}

ApiError PaymentNotRefundable(domain::PaymentStatus status) {
  return ApiError::Conflict(
      "The payment cannot be refunded in its current status (" + std::string(domain::Name(status)) + ")",
      "payment_not_refundable");
}

}  // namespace

ApiError ToApiError(domain::PaymentRefusal refusal) {
  using enum domain::PaymentRefusal;
  switch (refusal) {
    case kNotYourOrder:
    case kNotYourPayment: return ApiError::Forbidden("Permission denied");
    case kAlreadyPaid: return ApiError::Conflict("Order already paid", "order_already_paid");
    case kNotCompleted: return ApiError::Conflict("Order not completed, cannot pay", "order_not_completed");
    case kNoPayment:
    case kNotPaid: return ApiError::Conflict("Order not paid, nothing to refund", "order_not_paid");
    case kAlreadyRefunded: return ApiError::Conflict("Order already refunded", "order_already_refunded");
    case kRefundPending:
      return ApiError::Conflict("A refund for this order is already pending", "refund_pending");
    case kRefundNotFound: return ApiError::NotFound("Refund not found", "refund_not_found");
    case kRefundAlreadyCompleted: return RefundNotPending(domain::RefundStatus::kCompleted);
    case kRefundAlreadyRejected: return RefundNotPending(domain::RefundStatus::kRejected);
    case kPaymentPending: return PaymentNotRefundable(domain::PaymentStatus::kPending);
    case kPaymentFailed: return PaymentNotRefundable(domain::PaymentStatus::kFailed);
    case kPaymentRefunded: return PaymentNotRefundable(domain::PaymentStatus::kRefunded);
    case kReasonRequired: return ApiError::Validation({{"reason", "is required when rejecting a refund"}});
  }
  return ApiError::Internal();
}

}  // namespace mp::payment::api

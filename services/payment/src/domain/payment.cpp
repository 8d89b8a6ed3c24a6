#include "services/payment/src/domain/payment.hpp"

namespace mp::payment::domain {

const std::vector<std::string_view> kRefundStatusNames = {"pending", "completed", "rejected"};

namespace {

const std::vector<std::string_view> kPaymentStatusNames = {"pending", "completed", "failed", "refunded"};

std::string N(std::int64_t id) { return std::to_string(id); }

}  // namespace

std::string_view Name(PaymentStatus status) { return kPaymentStatusNames[static_cast<std::size_t>(status)]; }
std::string_view Name(RefundStatus status) { return kRefundStatusNames[static_cast<std::size_t>(status)]; }

std::optional<PaymentStatus> ParsePaymentStatus(std::string_view text) {
  for (auto status : {PaymentStatus::kPending, PaymentStatus::kCompleted, PaymentStatus::kFailed,
                      PaymentStatus::kRefunded}) {
    if (Name(status) == text) return status;
  }
  return std::nullopt;
}

std::optional<RefundStatus> ParseRefundStatus(std::string_view text) {
  for (auto status : {RefundStatus::kPending, RefundStatus::kCompleted, RefundStatus::kRejected}) {
    if (Name(status) == text) return status;
  }
  return std::nullopt;
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos;
}

// ---- Paying
// --------------------------------------------------------------------------------------------------

ApiError AlreadyPaid() { return ApiError::Conflict("Order already paid", "order_already_paid"); }

Payment DecidePayment(const OrderSnapshot& order, std::int64_t caller) {
  if (order.customer_id != caller) throw ApiError::Forbidden("Permission denied");
  if (order.payment_status != "unpaid") throw AlreadyPaid();
  if (order.status != "completed") {
    throw ApiError::Conflict("Order not completed, cannot pay", "order_not_completed");
  }
  if (order.price <= 0 || order.price > money::kMaxCents) {
    // The order service validates prices; anything else is a broken answer, not the customer's fault.
    throw ApiError::Unavailable("Order service unavailable: the order has no valid price",
                                "order_unavailable");
  }
  Payment payment;
  payment.order_id = order.id;
  payment.customer_id = order.customer_id;
  payment.provider_id = order.provider_id;
  payment.amount = order.price;
  payment.status = PaymentStatus::kCompleted;
  return payment;
}

std::string PaidMessage(std::int64_t order_id) {
  return "Payment successful (simulated): order " + N(order_id) + " is paid.";
}

std::string PaymentLedgerText(std::int64_t order_id) {
  return "Payment for order " + N(order_id) + " (simulated)";
}

// ---- Idempotency-Key
// ------------------------------------------------------------------------------------------

std::optional<std::string> CheckIdempotencyKey(std::string_view value, std::vector<FieldProblem>& problems) {
  bool visible = true;
  for (char c : value) {
    if (c < 0x21 || c > 0x7e) visible = false;
  }
  if (value.empty() || value.size() > kIdempotencyKeyMax || !visible) {
    problems.push_back(
        {std::string(kIdempotencyHeader), "must be 1-" + std::to_string(kIdempotencyKeyMax) +
                                              " visible ASCII characters (no spaces), e.g. a UUID"});
    return std::nullopt;
  }
  return std::string(value);
}

void CheckKeyReuse(const StoredAnswer& first, std::int64_t order_id) {
  if (first.order_id != order_id) {
    throw ApiError::Validation(
        {{std::string(kIdempotencyHeader),
          "was already used for order " + N(first.order_id) + "; send a new key for a different order"}});
  }
}

// ---- Refunds
// ---------------------------------------------------------------------------------------------------

ApiError RefundAlreadyPending() {
  return ApiError::Conflict("A refund for this order is already pending", "refund_pending");
}

Refund DecideRefundRequest(const Payment& payment, std::int64_t caller, bool refund_pending,
                           std::string reason) {
  if (payment.customer_id != caller) throw ApiError::Forbidden("Permission denied");
  switch (payment.status) {
    case PaymentStatus::kRefunded:
      throw ApiError::Conflict("Order already refunded", "order_already_refunded");
    case PaymentStatus::kPending:
    case PaymentStatus::kFailed:
      throw ApiError::Conflict("Order not paid, nothing to refund", "order_not_paid");
    case PaymentStatus::kCompleted:
      break;
  }
  if (refund_pending) throw RefundAlreadyPending();
  Refund refund;
  refund.payment_id = payment.id;
  refund.order_id = payment.order_id;
  refund.customer_id = payment.customer_id;
  refund.provider_id = payment.provider_id;
  refund.amount = payment.amount;
  refund.status = RefundStatus::kPending;
  refund.reason = std::move(reason);
  return refund;
}

Refund DecideRefund(const Refund& refund, const Payment& payment, bool approved,
                    std::optional<std::string> reason, std::int64_t admin_id, time::TimePoint now) {
  if (refund.status != RefundStatus::kPending) {
    throw ApiError::Conflict("Refund already processed (" + std::string(Name(refund.status)) + ")",
                             "refund_not_pending");
  }
  if (approved && payment.status != PaymentStatus::kCompleted) {
    throw ApiError::Conflict(
        "The payment cannot be refunded in its current status (" + std::string(Name(payment.status)) + ")",
        "payment_not_refundable");
  }
  if (!approved && (!reason || IsBlank(*reason))) {
    throw ApiError::Validation({{"reason", "is required when rejecting a refund"}});
  }
  Refund after = refund;
  after.status = approved ? RefundStatus::kCompleted : RefundStatus::kRejected;
  after.decision_reason = std::move(reason);
  after.decided_by = admin_id;
  after.decided_at = now;
  after.updated_at = now;
  return after;
}

Payment PaymentAfterRefund(const Payment& payment, time::TimePoint now) {
  Payment after = payment;
  after.status = PaymentStatus::kRefunded;
  after.updated_at = now;
  return after;
}

std::string RefundRequestedMessage(const Refund& refund) {
  return "Refund of " + money::Format(refund.amount) + " requested for order " + N(refund.order_id) +
         "; an admin will review it.";
}

std::string RefundDecisionMessage(const Refund& refund) {
  if (refund.status == RefundStatus::kRejected) {
    return "Refund for order " + N(refund.order_id) +
           " was rejected: " + refund.decision_reason.value_or("") + ".";
  }
  return "Refund for order " + N(refund.order_id) + " completed.";
}

std::string RefundLedgerText(const Refund& refund) {
  return "Refund " + N(refund.id) + " for order " + N(refund.order_id) + " (simulated)";
}

}  // namespace mp::payment::domain

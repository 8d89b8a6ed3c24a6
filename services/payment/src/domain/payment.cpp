#include "services/payment/src/domain/payment.hpp"

#include "libs/core/text.hpp"

namespace mp::payment::domain {

const std::vector<std::string_view> kRefundStatusNames = {"pending", "completed", "rejected"};

namespace {

const std::vector<std::string_view> kPaymentStatusNames = {"pending", "completed", "failed", "refunded"};

std::string N(std::int64_t id) { return std::to_string(id); }

}  // namespace

std::string_view Name(PaymentStatus status) { return kPaymentStatusNames[static_cast<std::size_t>(status)]; }
std::string_view Name(RefundStatus status) { return kRefundStatusNames[static_cast<std::size_t>(status)]; }

std::optional<PaymentStatus> ParsePaymentStatus(std::string_view text) {
  return ByName(text, {PaymentStatus::kPending, PaymentStatus::kCompleted, PaymentStatus::kFailed,
                       PaymentStatus::kRefunded});
}

std::optional<RefundStatus> ParseRefundStatus(std::string_view text) {
  return ByName(text, {RefundStatus::kPending, RefundStatus::kCompleted, RefundStatus::kRejected});
}

// ---- Paying
// --------------------------------------------------------------------------------------------------

Outcome<Payment, PaymentRefusal> DecidePayment(const OrderSnapshot& order, std::int64_t caller) {
  if (order.customer_id != caller) return PaymentRefusal::kNotYourOrder;
  if (order.payment_status != "unpaid") return PaymentRefusal::kAlreadyPaid;
  if (order.status != "completed") return PaymentRefusal::kNotCompleted;
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

void CheckKeyReuse(const StoredAnswer& first, std::int64_t order_id, std::vector<FieldProblem>& problems) {
  if (first.order_id != order_id) {
    problems.push_back({std::string(kIdempotencyHeader), "was already used for order " + N(first.order_id) +
                                                             "; send a new key for a different order"});
  }
}

// ---- Refunds
// ---------------------------------------------------------------------------------------------------

Outcome<Refund, PaymentRefusal> DecideRefundRequest(const Payment& payment, std::int64_t caller,
                                                    bool refund_pending, std::string reason) {
  if (payment.customer_id != caller) return PaymentRefusal::kNotYourPayment;
  switch (payment.status) {
    case PaymentStatus::kRefunded: return PaymentRefusal::kAlreadyRefunded;
    case PaymentStatus::kPending:
    case PaymentStatus::kFailed: return PaymentRefusal::kNotPaid;
    case PaymentStatus::kCompleted: break;
  }
  if (refund_pending) return PaymentRefusal::kRefundPending;
  Refund refund{static_cast<const Charge&>(payment)};
  refund.payment_id = payment.id;
  refund.status = RefundStatus::kPending;
  refund.reason = std::move(reason);
  return refund;
}

Outcome<Refund, PaymentRefusal> DecideRefund(const Refund& refund, const Payment& payment, bool approved,
                                             std::optional<std::string> reason, std::int64_t admin_id,
                                             time::TimePoint now) {
  switch (refund.status) {
    case RefundStatus::kCompleted: return PaymentRefusal::kRefundAlreadyCompleted;
    case RefundStatus::kRejected: return PaymentRefusal::kRefundAlreadyRejected;
    case RefundStatus::kPending: break;
  }
  if (approved) {
    switch (payment.status) {
      case PaymentStatus::kPending: return PaymentRefusal::kPaymentPending;
      case PaymentStatus::kFailed: return PaymentRefusal::kPaymentFailed;
      case PaymentStatus::kRefunded: return PaymentRefusal::kPaymentRefunded;
      case PaymentStatus::kCompleted: break;
    }
  }
  if (!approved && (!reason || IsBlank(*reason))) return PaymentRefusal::kReasonRequired;
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

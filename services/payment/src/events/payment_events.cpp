#include "services/payment/src/events/payment_events.hpp"

namespace mp::payment::events {
namespace {

nlohmann::json Nullable(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

bus::Event Make(std::string_view routing_key, nlohmann::json fields, time::TimePoint at) {
  fields["occurred_at"] = time::FormatIso(at);
  return bus::MakeEvent(std::string(kExchange), std::string(routing_key), std::move(fields));
}

nlohmann::json RefundFields(const domain::Refund& refund) {
  return {{"refund_id", refund.id},
          {"payment_id", refund.payment_id},
          {"order_id", refund.order_id},
          {"customer_id", refund.customer_id},
          {"provider_id", Nullable(refund.provider_id)},
          {"amount", money::Format(refund.amount)}};
}

}  // namespace

bus::Event PaymentCompleted(const domain::Payment& payment) {
  return Make("payment.completed",
              {{"payment_id", payment.id},
               {"order_id", payment.order_id},
               {"customer_id", payment.customer_id},
               {"provider_id", Nullable(payment.provider_id)},
               {"amount", money::Format(payment.amount)},
               {"payment_method", domain::kPaymentMethod},
               {"transaction_id", payment.transaction_id}},
              payment.created_at);
}

bus::Event RefundRequested(const domain::Refund& refund) {
  auto fields = RefundFields(refund);
  fields["reason"] = refund.reason;
  return Make("refund.requested", std::move(fields), refund.created_at);
}

bus::Event RefundProcessed(const domain::Refund& refund) {
  auto fields = RefundFields(refund);
  fields["status"] = domain::Name(refund.status);
  fields["reason"] =
      refund.decision_reason ? nlohmann::json(*refund.decision_reason) : nlohmann::json(nullptr);
  return Make("refund.processed", std::move(fields), refund.updated_at);
}

}  // namespace mp::payment::events

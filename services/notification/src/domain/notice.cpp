#include "services/notification/src/domain/notice.hpp"

#include "libs/core/text.hpp"

namespace mp::notification::domain {
namespace {

std::string N(std::int64_t id) { return std::to_string(id); }

Notice ForCustomer(const AboutOrder& e, std::string message) {
  return {Inbox::kCustomer, e.customer_id, e.order_id, std::move(message)};
}

Notice ForProvider(std::int64_t provider_id, const AboutOrder& e, std::string message) {
  return {Inbox::kProvider, provider_id, e.order_id, std::move(message)};
}

// The customer's notice, and the provider's when the order has one.
std::vector<Notice> ForCustomerAndProvider(const AboutOrderAndProvider& e, std::string to_customer,
                                           std::string to_provider) {
  std::vector<Notice> notices{ForCustomer(e, std::move(to_customer))};
  if (e.provider_id) notices.push_back(ForProvider(*e.provider_id, e, std::move(to_provider)));
  return notices;
}

bool IsSpaceOrNewline(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// One overload per event: what it tells whom.
std::vector<Notice> NoticesOf(const OrderCreated& e) {
  return {ForCustomer(e, "You have successfully published the order: " + N(e.order_id) + ".")};
}

std::vector<Notice> NoticesOf(const OrderApproved& e) {
  return {ForCustomer(e, "Your order " + N(e.order_id) +
                             " has been approved by admin. It is now available for providers to accept.")};
}

std::vector<Notice> NoticesOf(const OrderRejected& e) {
  return {ForCustomer(e, "Your order " + N(e.order_id) + " has been rejected by admin. Reason: " + e.reason)};
}

std::vector<Notice> NoticesOf(const OrderAccepted& e) {
  const std::string order = N(e.order_id);
  return {
      ForCustomer(e, "Your order: " + order + " has been accepted by provider: " + N(e.provider_id) + "."),
      ForProvider(e.provider_id, e, "You have successfully accepted the order: " + order + ".")};
}

std::vector<Notice> NoticesOf(const OrderStatusChanged& e) {
  const std::string text = "Order " + N(e.order_id) + " status updated to " + e.new_status + ".";
  return ForCustomerAndProvider(e, text, text);
}

std::vector<Notice> NoticesOf(const OrderCancelled& e) {
  const std::string order = N(e.order_id);
  return ForCustomerAndProvider(e, "You have successfully cancelled the order: " + order + ".",
                                "Order " + order + " has been cancelled by customer.");
}

std::vector<Notice> NoticesOf(const PaymentCompleted& e) {
  const std::string order = N(e.order_id);
  return ForCustomerAndProvider(e, "Payment for order " + order + " completed successfully.",
                                "Payment for order " + order + " received.");
}

std::vector<Notice> NoticesOf(const PaymentFailed& e) {
  return {ForCustomer(e, "Payment for order " + N(e.order_id) + " failed. Please try again.")};
}

std::vector<Notice> NoticesOf(const RefundCompleted& e) {
  const std::string text = "Refund for order " + N(e.order_id) + " completed.";
  return ForCustomerAndProvider(e, text, text);
}

std::vector<Notice> NoticesOf(const RefundRejected& e) {
  return {ForCustomer(e, "Refund for order " + N(e.order_id) + " was rejected: " + e.reason + ".")};
}

std::vector<Notice> NoticesOf(const ReviewCreated& e) {
  const std::string order = N(e.order_id);
  return {ForCustomer(e, "You have successfully reviewed order " + order + "."),
          ForProvider(e.provider_id, e,
                      "Customer has reviewed your order " + order + " with " + N(e.stars) + " stars.")};
}

}  // namespace

std::string_view InboxName(Inbox inbox) { return inbox == Inbox::kCustomer ? "customer" : "provider"; }

std::vector<Notice> NoticesFor(const InboxEvent& event) {
  return std::visit([](const auto& e) { return NoticesOf(e); }, event);
}

std::string TrimAdminMessage(std::string_view message) {
  while (!message.empty() && IsSpaceOrNewline(message.front())) message.remove_prefix(1);
  while (!message.empty() && IsSpaceOrNewline(message.back())) message.remove_suffix(1);
  return std::string(message);
}

std::optional<std::string> AdminMessageProblem(std::string_view trimmed) {
  if (trimmed.empty()) return "must not be empty or only whitespace";
  auto length = Utf8Length(trimmed);
  if (!length) return "must be valid UTF-8";
  if (*length > kMaxAdminMessageLength) {
    return "must be at most " + std::to_string(kMaxAdminMessageLength) + " characters";
  }
  if (HasControlCharacter(trimmed, true)) return "must not contain control characters";
  return std::nullopt;
}

}  // namespace mp::notification::domain

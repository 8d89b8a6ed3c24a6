#include "services/notification/src/domain/notice.hpp"

#include "libs/core/text.hpp"

namespace mp::notification::domain {
namespace {

std::string N(std::int64_t id) { return std::to_string(id); }

Notice ForCustomer(std::int64_t customer_id, std::int64_t order_id, std::string message) {
  return {Inbox::kCustomer, customer_id, order_id, std::move(message)};
}

Notice ForProvider(std::int64_t provider_id, std::int64_t order_id, std::string message) {
  return {Inbox::kProvider, provider_id, order_id, std::move(message)};
}

bool IsSpaceOrNewline(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// One overload per event: what it tells whom.
std::vector<Notice> NoticesOf(const OrderCreated& e) {
  return {ForCustomer(e.customer_id, e.order_id,
                      "You have successfully published the order: " + N(e.order_id) + ".")};
}

std::vector<Notice> NoticesOf(const OrderApproved& e) {
  return {ForCustomer(e.customer_id, e.order_id,
                      "Your order " + N(e.order_id) +
                          " has been approved by admin. It is now available for providers to accept.")};
}

std::vector<Notice> NoticesOf(const OrderRejected& e) {
  return {ForCustomer(e.customer_id, e.order_id,
                      "Your order " + N(e.order_id) + " has been rejected by admin. Reason: " + e.reason)};
}

std::vector<Notice> NoticesOf(const OrderAccepted& e) {
  const std::string order = N(e.order_id);
  return {ForCustomer(e.customer_id, e.order_id,
                      "Your order: " + order + " has been accepted by provider: " + N(e.provider_id) + "."),
          ForProvider(e.provider_id, e.order_id, "You have successfully accepted the order: " + order + ".")};
}

std::vector<Notice> NoticesOf(const OrderStatusChanged& e) {
  const std::string text = "Order " + N(e.order_id) + " status updated to " + e.new_status + ".";
  std::vector<Notice> notices{ForCustomer(e.customer_id, e.order_id, text)};
  if (e.provider_id) notices.push_back(ForProvider(*e.provider_id, e.order_id, text));
  return notices;
}

std::vector<Notice> NoticesOf(const OrderCancelled& e) {
  const std::string order = N(e.order_id);
  std::vector<Notice> notices{
      ForCustomer(e.customer_id, e.order_id, "You have successfully cancelled the order: " + order + ".")};
  if (e.provider_id) {
    notices.push_back(
        ForProvider(*e.provider_id, e.order_id, "Order " + order + " has been cancelled by customer."));
  }
  return notices;
}

std::vector<Notice> NoticesOf(const PaymentCompleted& e) {
  const std::string order = N(e.order_id);
  std::vector<Notice> notices{
      ForCustomer(e.customer_id, e.order_id, "Payment for order " + order + " completed successfully.")};
  if (e.provider_id) {
    notices.push_back(ForProvider(*e.provider_id, e.order_id, "Payment for order " + order + " received."));
  }
  return notices;
}

std::vector<Notice> NoticesOf(const PaymentFailed& e) {
  return {ForCustomer(e.customer_id, e.order_id,
                      "Payment for order " + N(e.order_id) + " failed. Please try again.")};
}

std::vector<Notice> NoticesOf(const RefundCompleted& e) {
  const std::string text = "Refund for order " + N(e.order_id) + " completed.";
  std::vector<Notice> notices{ForCustomer(e.customer_id, e.order_id, text)};
  if (e.provider_id) notices.push_back(ForProvider(*e.provider_id, e.order_id, text));
  return notices;
}

std::vector<Notice> NoticesOf(const RefundRejected& e) {
  return {ForCustomer(e.customer_id, e.order_id,
                      "Refund for order " + N(e.order_id) + " was rejected: " + e.reason + ".")};
}

std::vector<Notice> NoticesOf(const ReviewCreated& e) {
  const std::string order = N(e.order_id);
  return {ForCustomer(e.customer_id, e.order_id, "You have successfully reviewed order " + order + "."),
          ForProvider(e.provider_id, e.order_id,
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
  for (unsigned char c : trimmed) {
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) {
      return "must not contain control characters";
    }
  }
  return std::nullopt;
}

}  // namespace mp::notification::domain

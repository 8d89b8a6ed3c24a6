#include "services/notification/src/domain/notice.hpp"

#include "libs/core/validation.hpp"

namespace mp::notification::domain {
namespace {

using Json = nlohmann::json;

// Reads the fields of one event's payload; every failure names the event and the field.
class Payload {
 public:
  Payload(std::string_view event_type, const Json& body) : event_type_(event_type), body_(body) {
    if (!body_.is_object()) Fail("the body is not a JSON object");
  }

  // A positive integer (JSON integer, not 5.0, "5" or true).
  std::int64_t Id(const char* field) const {
    auto id = OptionalId(field);
    if (!id) Fail(std::string("field ") + field + " is missing");
    return *id;
  }

  // Absent, null or 0 ("not truthy", as the reference tests it) -> nullopt; otherwise a positive integer.
  std::optional<std::int64_t> OptionalId(const char* field) const {
    auto it = body_.find(field);
    if (it == body_.end() || it->is_null()) return std::nullopt;
    if (it->is_number_unsigned()) {
      if (it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
        Fail(std::string("field ") + field + " is out of range");
      }
      auto value = static_cast<std::int64_t>(it->get<std::uint64_t>());
      if (value == 0) return std::nullopt;
      return value;
    }
    if (it->is_number_integer()) {
      auto value = it->get<std::int64_t>();
      if (value == 0) return std::nullopt;
      if (value < 0) Fail(std::string("field ") + field + " must be a positive integer");
      return value;
    }
    Fail(std::string("field ") + field + " must be an integer");
  }

  std::string Text(const char* field) const {
    auto it = body_.find(field);
    if (it == body_.end() || it->is_null()) Fail(std::string("field ") + field + " is missing");
    if (!it->is_string()) Fail(std::string("field ") + field + " must be a string");
    return it->get<std::string>();
  }

  std::int64_t IntInRange(const char* field, std::int64_t min, std::int64_t max) const {
    auto it = body_.find(field);
    if (it == body_.end() || it->is_null()) Fail(std::string("field ") + field + " is missing");
    if (!it->is_number_integer()) Fail(std::string("field ") + field + " must be an integer");
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
      Fail(std::string("field ") + field + " is out of range");
    }
    auto value = it->get<std::int64_t>();
    if (value < min || value > max) Fail(std::string("field ") + field + " is out of range");
    return value;
  }

  [[noreturn]] void Fail(const std::string& why) const {
    throw UnmappableEvent(std::string(event_type_) + ": " + why);
  }

 private:
  std::string_view event_type_;
  const Json& body_;
};

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

}  // namespace

std::string_view InboxName(Inbox inbox) { return inbox == Inbox::kCustomer ? "customer" : "provider"; }

std::optional<std::vector<Notice>> NoticesForEvent(std::string_view type, const nlohmann::json& body) {
  // Events this service knows but that tell no inbox anything.
  if (type == "order.deleted" || type == "payment.initiated" || type == "refund.requested") {
    return std::vector<Notice>{};
  }
  const bool known = type == "order.created" || type == "order.approved" || type == "order.rejected" ||
                     type == "order.accepted" || type == "order.status_changed" ||
                     type == "order.cancelled" || type == "payment.completed" || type == "payment.failed" ||
                     type == "refund.processed" || type == "review.created";
  if (!known) return std::nullopt;

  Payload p(type, body);
  const std::int64_t order = p.Id("order_id");
  const std::int64_t customer = p.Id("customer_id");
  std::vector<Notice> notices;

  if (type == "order.created") {
    notices.push_back(
        ForCustomer(customer, order, "You have successfully published the order: " + N(order) + "."));
  } else if (type == "order.approved") {
    notices.push_back(
        ForCustomer(customer, order,
                    "Your order " + N(order) +
                        " has been approved by admin. It is now available for providers to accept."));
  } else if (type == "order.rejected") {
    std::string reason = p.Text("reject_reason");
    notices.push_back(ForCustomer(
        customer, order, "Your order " + N(order) + " has been rejected by admin. Reason: " + reason));
  } else if (type == "order.accepted") {
    const std::int64_t provider = p.Id("provider_id");
    notices.push_back(ForCustomer(
        customer, order, "Your order: " + N(order) + " has been accepted by provider: " + N(provider) + "."));
    notices.push_back(
        ForProvider(provider, order, "You have successfully accepted the order: " + N(order) + "."));
  } else if (type == "order.status_changed") {
    std::string status = p.Text("new_status");
    if (status.empty()) p.Fail("field new_status is empty");
    auto provider = p.OptionalId("provider_id");
    std::string text = "Order " + N(order) + " status updated to " + status + ".";
    notices.push_back(ForCustomer(customer, order, text));
    if (provider) notices.push_back(ForProvider(*provider, order, text));
  } else if (type == "order.cancelled") {
    auto provider = p.OptionalId("provider_id");
    notices.push_back(
        ForCustomer(customer, order, "You have successfully cancelled the order: " + N(order) + "."));
    if (provider) {
      notices.push_back(
          ForProvider(*provider, order, "Order " + N(order) + " has been cancelled by customer."));
    }
  } else if (type == "payment.completed") {
    auto provider = p.OptionalId("provider_id");
    notices.push_back(
        ForCustomer(customer, order, "Payment for order " + N(order) + " completed successfully."));
    if (provider) {
      notices.push_back(ForProvider(*provider, order, "Payment for order " + N(order) + " received."));
    }
  } else if (type == "payment.failed") {
    notices.push_back(
        ForCustomer(customer, order, "Payment for order " + N(order) + " failed. Please try again."));
  } else if (type == "refund.processed") {
    std::string status = p.Text("status");
    if (status == "completed") {
      auto provider = p.OptionalId("provider_id");
      std::string text = "Refund for order " + N(order) + " completed.";
      notices.push_back(ForCustomer(customer, order, text));
      if (provider) notices.push_back(ForProvider(*provider, order, text));
    } else if (status == "rejected") {
      std::string reason = p.Text("reason");
      notices.push_back(
          ForCustomer(customer, order, "Refund for order " + N(order) + " was rejected: " + reason + "."));
    } else {
      p.Fail("field status must be \"completed\" or \"rejected\"");
    }
  } else {  // review.created
    const std::int64_t provider = p.Id("provider_id");
    const std::int64_t stars = p.IntInRange("stars", 1, 5);
    notices.push_back(ForCustomer(customer, order, "You have successfully reviewed order " + N(order) + "."));
    notices.push_back(ForProvider(
        provider, order, "Customer has reviewed your order " + N(order) + " with " + N(stars) + " stars."));
  }
  return notices;
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

#include "services/notification/src/events/inbox_events.hpp"

#include <cstdint>
#include <string>

namespace mp::notification::events {
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

bool IsKnown(std::string_view type) {
  return type == "order.created" || type == "order.approved" || type == "order.rejected" ||
         type == "order.accepted" || type == "order.status_changed" || type == "order.cancelled" ||
         type == "payment.completed" || type == "payment.failed" || type == "refund.processed" ||
         type == "review.created";
}

}  // namespace

std::optional<domain::InboxEvent> ReadInboxEvent(std::string_view type, const Json& body) {
  if (!IsKnown(type)) return std::nullopt;
  Payload p(type, body);
  const domain::AboutOrder about{p.Id("order_id"), p.Id("customer_id")};
  if (type == "order.created") return domain::OrderCreated{about};
  if (type == "order.approved") return domain::OrderApproved{about};
  if (type == "order.rejected") return domain::OrderRejected{about, p.Text("reject_reason")};
  if (type == "order.accepted") return domain::OrderAccepted{about, p.Id("provider_id")};
  // The events that tell the order's provider when there is one read it; the others ignore the field.
  auto with_provider = [&] { return domain::AboutOrderAndProvider{about, p.OptionalId("provider_id")}; };
  if (type == "order.status_changed") {
    std::string status = p.Text("new_status");
    if (status.empty()) p.Fail("field new_status is empty");
    return domain::OrderStatusChanged{with_provider(), std::move(status)};
  }
  if (type == "order.cancelled") return domain::OrderCancelled{with_provider()};
  if (type == "payment.completed") return domain::PaymentCompleted{with_provider()};
  if (type == "payment.failed") return domain::PaymentFailed{about};
  if (type == "refund.processed") {
    const std::string status = p.Text("status");
    if (status == "completed") return domain::RefundCompleted{with_provider()};
    if (status == "rejected") return domain::RefundRejected{about, p.Text("reason")};
    p.Fail(R"(field status must be "completed" or "rejected")");
  }
  // review.created
  const std::int64_t provider = p.Id("provider_id");
  return domain::ReviewCreated{about, provider, p.IntInRange("stars", 1, 5)};
}

std::optional<std::vector<domain::Notice>> NoticesForEvent(std::string_view type, const Json& body) {
  // Events this service knows but that tell no inbox anything.
  if (type == "order.deleted" || type == "payment.initiated" || type == "refund.requested") {
    return std::vector<domain::Notice>{};
  }
  auto event = ReadInboxEvent(type, body);
  if (!event) return std::nullopt;
  return domain::NoticesFor(*event);
}

}  // namespace mp::notification::events

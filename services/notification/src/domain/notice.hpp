#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/core/time.hpp"

// What the notification service is about: notices for a customer's or a provider's inbox, made from the
// marketplace's events (reference §12.3 texts) or written by an admin.
namespace mp::notification::domain {

enum class Inbox { kCustomer, kProvider };

std::string_view InboxName(Inbox inbox);  // "customer" | "provider"

// A notice to deliver: one entry in one inbox.
struct Notice {
  Inbox inbox = Inbox::kCustomer;
  std::int64_t recipient_id = 0;
  std::optional<std::int64_t> order_id;
  std::string message;

  friend bool operator==(const Notice&, const Notice&) = default;
};

// A notice as stored in an inbox.
struct Notification {
  std::string id;  // 24-hex ObjectId
  Inbox inbox = Inbox::kCustomer;
  std::int64_t recipient_id = 0;
  std::optional<std::int64_t> order_id;
  std::string message;
  time::TimePoint created_at;
  bool is_read = false;
};

// A page of an inbox, newest first.
struct InboxPage {
  std::vector<Notification> items;
  std::int64_t total = 0;   // every entry of the inbox, not only this page
  std::int64_t unread = 0;  // filled by the caller (it may come from the cache)
};

// Read notices are kept this long after they were read, then removed (docs/adr/0005).
inline constexpr std::chrono::hours kReadRetention{24 * 30};

// An event that names a type we handle but whose payload cannot make its notices (a missing or ill-typed
// field). Retrying cannot help: it is a poison message for the dead-letter queue.
class UnmappableEvent : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The notices an event makes, as reference §12.3 (plus refund.processed). `event_type` is the routing key,
// `payload` the event body. nullopt for an event type this service does not handle (acknowledged and
// ignored); an empty list for one that makes no notice (order.deleted, payment.initiated,
// refund.requested). Throws UnmappableEvent when a field the texts need is missing or of the wrong type.
std::optional<std::vector<Notice>> NoticesForEvent(std::string_view event_type,
                                                   const nlohmann::json& payload);

inline constexpr std::size_t kMaxAdminMessageLength = 2000;

// An admin's message as stored: without surrounding whitespace (spaces, tabs, newlines).
std::string TrimAdminMessage(std::string_view message);
// What is wrong with a trimmed admin message, or nullopt: it must have 1..2000 characters (code points)
// and no control characters other than newline, carriage return and tab.
std::optional<std::string> AdminMessageProblem(std::string_view trimmed);

}  // namespace mp::notification::domain

#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

// The marketplace events that tell an inbox something, with the facts their notices need (read from the
// events' payloads by events/). Every one is about an order and its customer.
struct AboutOrder {
  std::int64_t order_id = 0;
  std::int64_t customer_id = 0;
};
// An event that tells the order's provider too when it has one: an absent provider is told nothing.
struct AboutOrderAndProvider : AboutOrder {
  std::optional<std::int64_t> provider_id;
};
struct OrderCreated : AboutOrder {};
struct OrderApproved : AboutOrder {};
struct OrderRejected : AboutOrder {
  std::string reason;
};
struct OrderAccepted : AboutOrder {
  std::int64_t provider_id = 0;
};
struct OrderStatusChanged : AboutOrderAndProvider {
  std::string new_status;
};
struct OrderCancelled : AboutOrderAndProvider {};
struct PaymentCompleted : AboutOrderAndProvider {};
struct PaymentFailed : AboutOrder {};
struct RefundCompleted : AboutOrderAndProvider {};
struct RefundRejected : AboutOrder {
  std::string reason;
};
struct ReviewCreated : AboutOrder {
  std::int64_t provider_id = 0;
  std::int64_t stars = 0;
};

using InboxEvent = std::variant<OrderCreated, OrderApproved, OrderRejected, OrderAccepted, OrderStatusChanged,
                                OrderCancelled, PaymentCompleted, PaymentFailed, RefundCompleted,
                                RefundRejected, ReviewCreated>;

// The notices an event makes: the customer's first, then the provider's (reference §12.3 texts, plus
// refunds).
std::vector<Notice> NoticesFor(const InboxEvent& event);

inline constexpr std::size_t kMaxAdminMessageLength = 2000;

// An admin's message as stored: without surrounding whitespace (spaces, tabs, newlines).
std::string TrimAdminMessage(std::string_view message);
// What is wrong with a trimmed admin message, or nullopt: it must have 1..2000 characters (code points)
// and no control characters other than newline, carriage return and tab.
std::optional<std::string> AdminMessageProblem(std::string_view trimmed);

}  // namespace mp::notification::domain

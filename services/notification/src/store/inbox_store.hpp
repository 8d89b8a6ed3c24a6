#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/core/time.hpp"
#include "libs/mongo/database.hpp"
#include "services/notification/src/domain/notice.hpp"

// The two inboxes in MongoDB (`notification_db`):
//   customer_inbox {_id, event_id, event_type, customer_id, order_id|null, message, created_at, is_read,
//                   read_at (once read)}
//   provider_inbox the same with provider_id.
// Exactly once per inbox: a unique index on (event_id, recipient) turns a second delivery of the same
// event into a duplicate-key error, which Add() reports as "already there". Every call blocks (run it on
// the blocking pool) and throws mongo::Error (unavailable() when MongoDB cannot be reached).
namespace mp::notification::store {

class InboxStore {
 public:
  explicit InboxStore(mongo::Database& database);

  // Creates the indexes of both collections; idempotent, run at every start before consuming events.
  void EnsureIndexes();

  // Stores a notice made by `event_id` (an admin notice has a fresh id); returns it, or nullopt when this
  // inbox already holds the notice of that event for that recipient (a redelivery).
  std::optional<domain::Notification> Add(const domain::Notice& notice, std::string_view event_id,
                                          std::string_view event_type, time::TimePoint now);

  // The entry `event_id` made in the recipient's inbox, if any (what Add() found on a redelivery).
  std::optional<domain::Notification> FromEvent(domain::Inbox inbox, std::int64_t recipient_id,
                                                std::string_view event_id);

  // Newest first (created_at, then id); `total` counts the whole inbox; `unread` is left 0.
  domain::InboxPage List(domain::Inbox inbox, std::int64_t recipient_id, std::int64_t limit,
                         std::int64_t offset);
  std::int64_t CountUnread(domain::Inbox inbox, std::int64_t recipient_id);
  // Every entry of the inbox, in no particular order (to rebuild its Redis view).
  std::vector<domain::Notification> All(domain::Inbox inbox, std::int64_t recipient_id);

  // Marks one of the recipient's own entries read (read_at is set the first time only); nullopt when the
  // id is unknown or belongs to someone else.
  std::optional<domain::Notification> MarkRead(domain::Inbox inbox, std::int64_t recipient_id,
                                               const mongo::ObjectId& id, time::TimePoint now);
  // Marks every unread entry of the recipient read; returns how many changed.
  std::int64_t MarkAllRead(domain::Inbox inbox, std::int64_t recipient_id, time::TimePoint now);

  // Removes entries of both inboxes read before `cutoff`; returns them (id, inbox and recipient filled).
  std::vector<domain::Notification> PurgeReadBefore(time::TimePoint cutoff);

 private:
  mongo::Collection Collection(domain::Inbox inbox);

  mongo::Database& database_;
};

// The collection and recipient field of an inbox: ("customer_inbox", "customer_id") or the provider's.
std::string_view CollectionName(domain::Inbox inbox);
std::string_view RecipientField(domain::Inbox inbox);

}  // namespace mp::notification::store

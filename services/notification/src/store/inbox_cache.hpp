#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "libs/cache/redis.hpp"
#include "services/notification/src/domain/notice.hpp"

// What the notification service keeps in Redis, best effort (MongoDB stays the truth):
//   notification:unread:{customer|provider}:{user_id}  the inbox's unread count, 60 s; on every write and
//                                                       mark-read of that inbox replaced by a 2 s tombstone
//                                                       ("-") that readers treat as a miss;
//   notification:order:{order_id}                       the latest notice about the order (JSON), 24 h.
// A Redis failure never reaches the caller: it is logged (once per outage) and the caller falls back to
// MongoDB. Readers store a count only with SET NX, so a count read from MongoDB just before a write cannot
// be stored over that write's tombstone: a cached count is never older than the last write (docs/adr/0005).
namespace mp::notification::store {

inline constexpr std::chrono::seconds kUnreadTtl{60};
inline constexpr std::chrono::hours kLatestOrderNoticeTtl{24};
// How long a write's tombstone stays: longer than a reader's MongoDB count + SET can take, or a count read
// before the write could be stored after the tombstone is gone (stale for kUnreadTtl). A count cannot take
// longer than the MongoDB socket timeout, so main() passes that plus a margin (TombstoneTtlFor).
inline constexpr std::chrono::seconds kDefaultTombstoneTtl{10};
std::chrono::seconds TombstoneTtlFor(std::chrono::milliseconds store_socket_timeout);

std::string UnreadKey(domain::Inbox inbox, std::int64_t user_id);
std::string OrderKey(std::int64_t order_id);
// The cached form of the latest notice about an order.
nlohmann::json LatestNoticeJson(const domain::Notification& notification);

class InboxCache {
 public:
  // `redis` may be null (no cache). `executor` is where PostWritten() runs (the app's io_context).
  InboxCache(cache::Redis* redis, boost::asio::any_io_executor executor,
             std::chrono::seconds tombstone_ttl = kDefaultTombstoneTtl);

  // The cached unread count, or nullopt (not cached, or Redis unavailable).
  boost::asio::awaitable<std::optional<std::int64_t>> Unread(domain::Inbox inbox, std::int64_t user_id);
  boost::asio::awaitable<void> RememberUnread(domain::Inbox inbox, std::int64_t user_id, std::int64_t count);
  // After entries were read: the inbox's cached count is dropped.
  boost::asio::awaitable<void> Forget(domain::Inbox inbox, std::int64_t user_id);
  // After new entries were stored: their recipients' counts are dropped and each entry about an order
  // becomes that order's latest notice. One round trip.
  boost::asio::awaitable<void> Added(std::vector<domain::Notification> added);
  // Added() for threads outside the io_context (the event consumer): starts it there and returns at once.
  void PostAdded(std::vector<domain::Notification> added);

 private:
  boost::asio::awaitable<void> Run(std::vector<std::vector<std::string>> commands);
  void Failed(const std::exception& error);
  void Succeeded();

  cache::Redis* redis_;
  boost::asio::any_io_executor executor_;
  std::string tombstone_ttl_;  // seconds, as the EX argument
  std::atomic<bool> failing_{false};
};

}  // namespace mp::notification::store

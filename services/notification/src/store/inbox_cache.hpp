#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "libs/cache/redis.hpp"
#include "libs/http/metrics.hpp"
#include "services/notification/src/domain/notice.hpp"

// What the notification service keeps in Redis (MongoDB stays the truth; docs/adr/0005):
//
// The inbox view, per inbox (V = notification:inbox:{customer:42} or {provider:9}):
//   V:state   "ready", or "building:<token>" while a reader rebuilds the view from MongoDB
//   V:ids     sorted set of entry ids, scored by created_at (ms): the pages, newest first
//   V:docs    hash id -> the entry without its read flag (ViewEntry)
//   V:unread  set of unread ids: the unread count is its size
//   V:read    set of ids read: a mark-read that reaches Redis before the entry itself still wins
// Every write to MongoDB (new entry, mark-read, read-all, retention sweep) is applied to a ready or building
// view by one Lua script, so a view is the inbox as MongoDB holds it: adding and reading are unions of
// sets and commute, so their order does not matter. Writes to an inbox without a view are not applied: the
// next read rebuilds it with one scan of MongoDB and keeps it kViewTtl. A read-all or removal that meets a
// view under construction drops it (the rebuild's scan may predate it); the next reader starts again.
// A write that could not reach Redis marks its views stale in this process; they are dropped at the next
// successful Redis call (a crash in between leaves them stale for at most kViewTtl).
//
//   notification:order:{order_id}   the latest notice about the order (JSON), 24 h.
//
// A Redis failure never reaches the caller: it is logged (once per outage) and the caller falls back to
// MongoDB.
namespace mp::notification::store {

inline constexpr std::chrono::hours kViewTtl{6};
inline constexpr std::chrono::seconds kRebuildTtl{60};  // a rebuild slower than this is abandoned
inline constexpr std::chrono::hours kLatestOrderNoticeTtl{24};

// "notification:inbox:{customer:42}": the prefix of one inbox's view keys.
std::string ViewKey(domain::Inbox inbox, std::int64_t user_id);
std::string OrderKey(std::int64_t order_id);
// The cached form of the latest notice about an order.
nlohmann::json LatestNoticeJson(const domain::Notification& notification);
// An entry as its view stores it (no id, inbox, recipient or read flag: the keys hold those) and back;
// FromViewEntry throws std::invalid_argument for anything else.
std::string ViewEntry(const domain::Notification& notification);
domain::Notification FromViewEntry(domain::Inbox inbox, std::int64_t user_id, std::string id,
                                   std::string_view entry);

class InboxCache {
 public:
  // `redis` may be null (no cache). `executor` is where AddedAndWait() runs Added() (the app's io_context).
  InboxCache(cache::Redis* redis, boost::asio::any_io_executor executor);

  // Reads of a ready view: nullopt when the inbox has none (never read, expired, being rebuilt) or Redis
  // is unavailable.
  boost::asio::awaitable<std::optional<domain::InboxPage>> Page(domain::Inbox inbox, std::int64_t user_id,
                                                                std::int64_t limit, std::int64_t offset);
  boost::asio::awaitable<std::optional<std::int64_t>> Unread(domain::Inbox inbox, std::int64_t user_id);

  // Rebuilding a view: BeginRebuild() claims it (kBegun, with a token) unless the view is ready, another
  // reader is rebuilding it (kBusy: wait for it rather than scan MongoDB too) or Redis is unavailable. The
  // claimant then reads every entry of the inbox from MongoDB and hands them to CommitRebuild(), false when
  // a write made them outdated meanwhile, or calls AbortRebuild() when it could not read them.
  struct Claim {
    enum class State { kBegun, kReady, kBusy, kUnavailable };
    State state = State::kUnavailable;
    std::string token;  // kBegun only
  };
  boost::asio::awaitable<Claim> BeginRebuild(domain::Inbox inbox, std::int64_t user_id);
  boost::asio::awaitable<bool> CommitRebuild(domain::Inbox inbox, std::int64_t user_id, std::string token,
                                             std::vector<domain::Notification> entries);
  boost::asio::awaitable<void> AbortRebuild(domain::Inbox inbox, std::int64_t user_id, std::string token);

  // After MongoDB changed: entries stored (each about an order also becomes that order's latest notice),
  // one entry read, all read, entries removed. One round trip each.
  boost::asio::awaitable<void> Added(std::vector<domain::Notification> added);
  boost::asio::awaitable<void> Read(domain::Inbox inbox, std::int64_t user_id, std::string id);
  boost::asio::awaitable<void> ReadAll(domain::Inbox inbox, std::int64_t user_id);
  boost::asio::awaitable<void> Removed(std::vector<domain::Notification> removed);
  // Added() for threads outside the io_context (the event consumer): runs it there and waits for it, so an
  // event is acknowledged only once its entries reached the views (or Redis was found unreachable and the
  // views marked stale). False when it did not finish within `timeout` (the io_context is stuck or stopped):
  // the caller has the event redelivered, which gives the views the entries again.
  bool AddedAndWait(std::vector<domain::Notification> added, std::chrono::milliseconds timeout);

  // Views marked stale by failed writes and not yet dropped (a gauge, and for tests).
  std::size_t stale_views() const;
  // notification_stale_views.
  void AddGauges(http::Metrics& metrics) const;

 private:
  using Commands = std::vector<std::vector<std::string>>;
  // Runs `commands` after dropping the stale views; when Redis cannot be reached, `views` (the views they
  // write) become stale. Returns the replies of `commands`, or nullopt.
  boost::asio::awaitable<std::optional<std::vector<cache::Reply>>> Run(Commands commands,
                                                                       std::vector<std::string> views);
  // Reads: no stale handling, nullopt when Redis cannot be reached.
  boost::asio::awaitable<std::optional<cache::Reply>> Query(std::vector<std::string> command);
  void Failed(const std::exception& error);
  void Succeeded();

  cache::Redis* redis_;
  boost::asio::any_io_executor executor_;
  std::atomic<bool> failing_{false};
  mutable std::mutex mutex_;
  std::set<std::string> stale_;  // view prefixes
};

}  // namespace mp::notification::store

#include "services/notification/src/store/inbox_cache.hpp"

#include <algorithm>
#include <charconv>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "libs/core/log.hpp"

namespace mp::notification::store {

namespace asio = boost::asio;

std::string UnreadKey(domain::Inbox inbox, std::int64_t user_id) {
  return "notification:unread:" + std::string(domain::InboxName(inbox)) + ":" + std::to_string(user_id);
}

std::string OrderKey(std::int64_t order_id) { return "notification:order:" + std::to_string(order_id); }

nlohmann::json LatestNoticeJson(const domain::Notification& n) {
  return {{"id", n.id},
          {"inbox", domain::InboxName(n.inbox)},
          {"recipient_id", n.recipient_id},
          {"order_id", n.order_id ? nlohmann::json(*n.order_id) : nlohmann::json(nullptr)},
          {"message", n.message},
          {"created_at", time::FormatIso(n.created_at)}};
}

std::chrono::seconds TombstoneTtlFor(std::chrono::milliseconds store_socket_timeout) {
  return std::chrono::ceil<std::chrono::seconds>(store_socket_timeout) + std::chrono::seconds(5);
}

InboxCache::InboxCache(cache::Redis* redis, asio::any_io_executor executor, std::chrono::seconds tombstone_ttl)
    : redis_(redis), executor_(std::move(executor)), tombstone_ttl_(std::to_string(tombstone_ttl.count())) {}

void InboxCache::Failed(const std::exception& error) {
  if (!failing_.exchange(true)) {
    log::Warn("redis unavailable: inbox cache bypassed, serving from mongodb", {{"error", error.what()}});
  }
}

void InboxCache::Succeeded() {
  if (failing_.exchange(false)) log::Info("redis reachable again: inbox cache in use");
}

asio::awaitable<std::optional<std::int64_t>> InboxCache::Unread(domain::Inbox inbox, std::int64_t user_id) {
  if (redis_ == nullptr) co_return std::nullopt;
  try {
    auto reply = co_await redis_->Command("GET", UnreadKey(inbox, user_id));
    Succeeded();
    if (reply.type != cache::Reply::Type::kString) co_return std::nullopt;
    std::int64_t count = 0;
    auto [end, ec] = std::from_chars(reply.str.data(), reply.str.data() + reply.str.size(), count);
    if (ec != std::errc() || end != reply.str.data() + reply.str.size() || count < 0) co_return std::nullopt;
    co_return count;
  } catch (const std::exception& error) {
    Failed(error);
    co_return std::nullopt;
  }
}

asio::awaitable<void> InboxCache::RememberUnread(domain::Inbox inbox, std::int64_t user_id,
                                                 std::int64_t count) {
  std::vector<std::vector<std::string>> commands;
  commands.push_back(
      {"SET", UnreadKey(inbox, user_id), std::to_string(count), "EX", std::to_string(kUnreadTtl.count()), "NX"});  // a newer tombstone wins
  co_await Run(std::move(commands));
}

asio::awaitable<void> InboxCache::Forget(domain::Inbox inbox, std::int64_t user_id) {
  std::vector<std::vector<std::string>> commands;
  commands.push_back({"SET", UnreadKey(inbox, user_id), "-", "EX", tombstone_ttl_});
  co_await Run(std::move(commands));
}

asio::awaitable<void> InboxCache::Added(std::vector<domain::Notification> added) {
  std::vector<std::vector<std::string>> commands;
  std::vector<std::string> unread_keys;
  for (const auto& n : added) {
    auto key = UnreadKey(n.inbox, n.recipient_id);
    if (std::find(unread_keys.begin(), unread_keys.end(), key) == unread_keys.end()) {
      unread_keys.push_back(key);
    }
  }
  for (const auto& key : unread_keys) commands.push_back({"SET", key, "-", "EX", tombstone_ttl_});
  const auto ttl = std::to_string(std::chrono::seconds(kLatestOrderNoticeTtl).count());
  for (const auto& n : added) {
    if (n.order_id) commands.push_back({"SET", OrderKey(*n.order_id), LatestNoticeJson(n).dump(), "EX", ttl});
  }
  co_await Run(std::move(commands));
}

void InboxCache::PostAdded(std::vector<domain::Notification> added) {
  if (redis_ == nullptr || added.empty()) return;
  asio::co_spawn(executor_, Added(std::move(added)), asio::detached);
}

asio::awaitable<void> InboxCache::Run(std::vector<std::vector<std::string>> commands) {
  if (redis_ == nullptr || commands.empty()) co_return;
  try {
    auto replies = co_await redis_->Pipeline(std::move(commands));
    for (const auto& reply : replies) {
      if (reply.type == cache::Reply::Type::kError) throw cache::RedisError(reply.str);
    }
    Succeeded();
  } catch (const std::exception& error) {
    Failed(error);
  }
}

}  // namespace mp::notification::store

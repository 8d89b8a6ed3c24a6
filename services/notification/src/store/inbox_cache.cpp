#include "services/notification/src/store/inbox_cache.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <stdexcept>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "libs/core/log.hpp"
#include "libs/security/crypto.hpp"

namespace mp::notification::store {

namespace asio = boost::asio;
using domain::Inbox;
using domain::Notification;

namespace {

// Every script takes the five keys of one view: KEYS[1] state, [2] ids, [3] docs, [4] unread, [5] read.

// ARGV: offset, limit. Nil when the view is not ready; else {total, unread, entry1, unread1, entry2, ...}.
constexpr std::string_view kPageScript = R"lua(
if redis.call('GET', KEYS[1]) ~= 'ready' then return false end
local first = tonumber(ARGV[1])
local ids = redis.call('ZREVRANGE', KEYS[2], first, first + tonumber(ARGV[2]) - 1)
local out = {redis.call('ZCARD', KEYS[2]), redis.call('SCARD', KEYS[4])}
for _, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[3], id) or ''
  out[#out + 1] = redis.call('SISMEMBER', KEYS[4], id)
end
return out
)lua";

// The unread count of a ready view, -1 otherwise.
constexpr std::string_view kUnreadScript = R"lua(
if redis.call('GET', KEYS[1]) ~= 'ready' then return -1 end
return redis.call('SCARD', KEYS[4])
)lua";

// ARGV: id, created_at ms, entry. Applied to a ready or building view; the keys live as long as the state.
constexpr std::string_view kAddScript = R"lua(
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
if redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 0 then redis.call('SADD', KEYS[4], ARGV[1]) end
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], ttl) end
return 1
)lua";

// ARGV: id. Read stays read whatever arrives later (the read set).
constexpr std::string_view kReadScript = R"lua(
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('PEXPIRE', KEYS[5], ttl)
return 1
)lua";

// ARGV: 'read-all', or 'remove' and ids. Neither can be merged into a rebuild's scan, which may predate it:
// a view under construction is dropped instead.
constexpr std::string_view kSettleScript = R"lua(
local state = redis.call('GET', KEYS[1])
if not state then return 0 end
if state ~= 'ready' then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]) return 0 end
if ARGV[1] == 'read-all' then
  redis.call('SUNIONSTORE', KEYS[5], KEYS[5], KEYS[4])
  redis.call('DEL', KEYS[4])
  redis.call('PEXPIRE', KEYS[5], redis.call('PTTL', KEYS[1]))
  return 1
end
for i = 2, #ARGV do
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
  redis.call('SREM', KEYS[4], ARGV[i])
  redis.call('SREM', KEYS[5], ARGV[i])
end
return 1
)lua";

// ARGV: token, rebuild ttl ms. 'ready', 'busy' (another reader rebuilds it) or 'begun'.
constexpr std::string_view kBeginScript = R"lua(
local state = redis.call('GET', KEYS[1])
if state == 'ready' then return 'ready' end
if state then return 'busy' end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('SET', KEYS[1], 'building:' .. ARGV[1], 'PX', ARGV[2])
return 'begun'
)lua";

// ARGV: token, view ttl ms, then (id, created_at ms, entry, '1' when read) per entry. Writes applied
// during the scan are in the view already; the union keeps them.
constexpr std::string_view kCommitScript = R"lua(
if redis.call('GET', KEYS[1]) ~= 'building:' .. ARGV[1] then return 0 end
for i = 3, #ARGV, 4 do
  local id = ARGV[i]
  redis.call('ZADD', KEYS[2], ARGV[i + 1], id)
  redis.call('HSET', KEYS[3], id, ARGV[i + 2])
  if ARGV[i + 3] == '1' then
    redis.call('SADD', KEYS[5], id)
    redis.call('SREM', KEYS[4], id)
  elseif redis.call('SISMEMBER', KEYS[5], id) == 0 then
    redis.call('SADD', KEYS[4], id)
  end
end
redis.call('SET', KEYS[1], 'ready', 'PX', ARGV[2])
for i = 2, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1
)lua";

// ARGV: token.
constexpr std::string_view kAbortScript = R"lua(
if redis.call('GET', KEYS[1]) == 'building:' .. ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
end
return 0
)lua";

// EVAL <script> 5 <the view's keys>: the caller appends ARGV. EVAL (not EVALSHA) keeps a Redis restart or
// SCRIPT FLUSH out of the picture; the scripts are a few hundred bytes.
std::vector<std::string> ScriptCall(std::string_view script, const std::string& view) {
  return {"EVAL",         std::string(script), "5",           view + ":state", view + ":ids",
          view + ":docs", view + ":unread",    view + ":read"};
}

std::string Ms(std::chrono::milliseconds d) { return std::to_string(d.count()); }

}  // namespace

std::string ViewKey(Inbox inbox, std::int64_t user_id) {
  // The braces are a Redis Cluster hash tag: the five keys of a view share a slot, as a script needs.
  return "notification:inbox:{" + std::string(domain::InboxName(inbox)) + ":" + std::to_string(user_id) + "}";
}

std::string OrderKey(std::int64_t order_id) { return "notification:order:" + std::to_string(order_id); }

nlohmann::json LatestNoticeJson(const Notification& n) {
  return {{"id", n.id},
          {"inbox", domain::InboxName(n.inbox)},
          {"recipient_id", n.recipient_id},
          {"order_id", n.order_id ? nlohmann::json(*n.order_id) : nlohmann::json(nullptr)},
          {"message", n.message},
          {"created_at", time::FormatIso(n.created_at)}};
}

std::string ViewEntry(const Notification& n) {
  return nlohmann::json{{"o", n.order_id ? nlohmann::json(*n.order_id) : nlohmann::json(nullptr)},
                        {"m", n.message},
                        {"t", time::ToUnixMillis(n.created_at)}}
      .dump();
}

Notification FromViewEntry(Inbox inbox, std::int64_t user_id, std::string id, std::string_view entry) {
  auto doc = nlohmann::json::parse(entry, nullptr, false);
  if (!doc.is_object() || !doc.contains("o") || !doc.contains("m") || !doc.contains("t") ||
      !(doc["o"].is_null() || doc["o"].is_number_integer()) || !doc["m"].is_string() ||
      !doc["t"].is_number_integer()) {
    throw std::invalid_argument("not an inbox view entry: " + std::string(entry.substr(0, 80)));
  }
  Notification n;
  n.id = std::move(id);
  n.inbox = inbox;
  n.recipient_id = user_id;
  if (!doc["o"].is_null()) n.order_id = doc["o"].get<std::int64_t>();
  n.message = doc["m"].get<std::string>();
  n.created_at = time::TimePoint(std::chrono::milliseconds(doc["t"].get<std::int64_t>()));
  return n;
}

InboxCache::InboxCache(cache::Redis* redis, asio::any_io_executor executor)
    : redis_(redis), executor_(std::move(executor)) {}

void InboxCache::Failed(const std::exception& error) {
  if (!failing_.exchange(true)) {
    log::Warn("redis failed: inbox views bypassed, serving from mongodb", {{"error", error.what()}});
  }
}

void InboxCache::Succeeded() {
  if (failing_.exchange(false)) log::Info("redis answering again: inbox views in use");
}

std::size_t InboxCache::stale_views() const {
  std::lock_guard lock(mutex_);
  return stale_.size();
}

asio::awaitable<std::optional<cache::Reply>> InboxCache::Query(std::vector<std::string> command) {
  if (redis_ == nullptr) co_return std::nullopt;
  std::optional<cache::Reply> reply;
  try {
    reply = co_await redis_->Command(std::move(command));
    Succeeded();
  } catch (const std::exception& error) {
    Failed(error);
  }
  co_return reply;
}

asio::awaitable<std::optional<std::vector<cache::Reply>>> InboxCache::Run(Commands commands,
                                                                          std::vector<std::string> views) {
  if (redis_ == nullptr) co_return std::nullopt;
  std::vector<std::string> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped.assign(stale_.begin(), stale_.end());
    stale_.clear();
  }
  Commands all;
  if (!dropped.empty()) {
    std::vector<std::string> del{"DEL"};
    for (const auto& view : dropped) del.push_back(view + ":state");
    all.push_back(std::move(del));
  }
  const std::size_t first = all.size();
  for (auto& command : commands) all.push_back(std::move(command));
  std::optional<std::vector<cache::Reply>> result;
  try {
    auto replies = co_await redis_->Pipeline(std::move(all));
    for (const auto& reply : replies) {
      if (reply.type == cache::Reply::Type::kError) throw cache::RedisError(reply.str);
    }
    Succeeded();
    result.emplace(std::make_move_iterator(replies.begin() + static_cast<std::ptrdiff_t>(first)),
                   std::make_move_iterator(replies.end()));
  } catch (const std::exception& error) {
    Failed(error);
    std::lock_guard lock(mutex_);
    stale_.insert(dropped.begin(), dropped.end());
    stale_.insert(views.begin(), views.end());
  }
  co_return result;
}

asio::awaitable<std::optional<domain::InboxPage>> InboxCache::Page(Inbox inbox, std::int64_t user_id,
                                                                   std::int64_t limit, std::int64_t offset) {
  auto command = ScriptCall(kPageScript, ViewKey(inbox, user_id));
  command.push_back(std::to_string(offset));
  command.push_back(std::to_string(limit));
  auto reply = co_await Query(std::move(command));
  if (!reply || reply->type != cache::Reply::Type::kArray) co_return std::nullopt;
  const auto& e = reply->elements;
  if (e.size() < 2 || (e.size() - 2) % 3 != 0) co_return std::nullopt;
  domain::InboxPage page;
  page.total = e[0].integer;
  page.unread = e[1].integer;
  bool unreadable = false;
  for (std::size_t i = 2; i < e.size() && !unreadable; i += 3) {
    try {
      auto n = FromViewEntry(inbox, user_id, e[i].str, e[i + 1].str);
      n.is_read = e[i + 2].integer == 0;
      page.items.push_back(std::move(n));
    } catch (const std::invalid_argument& error) {
      log::Warn("inbox view entry unreadable; view dropped",
                {{"view", ViewKey(inbox, user_id)}, {"error", error.what()}});
      unreadable = true;
    }
  }
  if (unreadable) {
    // Not written by this service: MongoDB answers instead, and the next read rebuilds the view.
    Commands drop;
    drop.push_back({"DEL", ViewKey(inbox, user_id) + ":state"});
    std::vector<std::string> views{ViewKey(inbox, user_id)};
    co_await Run(std::move(drop), std::move(views));
    co_return std::nullopt;
  }
  co_return page;
}

asio::awaitable<std::optional<std::int64_t>> InboxCache::Unread(Inbox inbox, std::int64_t user_id) {
  auto reply = co_await Query(ScriptCall(kUnreadScript, ViewKey(inbox, user_id)));
  if (!reply || reply->type != cache::Reply::Type::kInteger || reply->integer < 0) co_return std::nullopt;
  co_return reply->integer;
}

asio::awaitable<InboxCache::Claim> InboxCache::BeginRebuild(Inbox inbox, std::int64_t user_id) {
  Claim claim;
  std::string token = security::RandomToken(16);
  auto command = ScriptCall(kBeginScript, ViewKey(inbox, user_id));
  command.push_back(token);
  command.push_back(Ms(kRebuildTtl));
  auto reply = co_await Query(std::move(command));
  if (!reply || reply->type != cache::Reply::Type::kString) co_return claim;
  if (reply->str == "begun") {
    claim.state = Claim::State::kBegun;
    claim.token = std::move(token);
  } else if (reply->str == "ready") {
    claim.state = Claim::State::kReady;
  } else if (reply->str == "busy") {
    claim.state = Claim::State::kBusy;
  }
  co_return claim;
}

asio::awaitable<bool> InboxCache::CommitRebuild(Inbox inbox, std::int64_t user_id, std::string token,
                                                std::vector<Notification> entries) {
  auto command = ScriptCall(kCommitScript, ViewKey(inbox, user_id));
  command.reserve(command.size() + 2 + 4 * entries.size());
  command.push_back(std::move(token));
  command.push_back(Ms(kViewTtl));
  for (const auto& n : entries) {
    command.push_back(n.id);
    command.push_back(std::to_string(time::ToUnixMillis(n.created_at)));
    command.push_back(ViewEntry(n));
    command.emplace_back(n.is_read ? "1" : "0");
  }
  auto reply = co_await Query(std::move(command));
  co_return reply && reply->type == cache::Reply::Type::kInteger && reply->integer == 1;
}

asio::awaitable<void> InboxCache::AbortRebuild(Inbox inbox, std::int64_t user_id, std::string token) {
  auto command = ScriptCall(kAbortScript, ViewKey(inbox, user_id));
  command.push_back(std::move(token));
  co_await Query(std::move(command));
}

asio::awaitable<void> InboxCache::Added(std::vector<Notification> added) {
  Commands commands;
  std::vector<std::string> views;
  const auto order_ttl = std::to_string(std::chrono::seconds(kLatestOrderNoticeTtl).count());
  for (const auto& n : added) {
    auto view = ViewKey(n.inbox, n.recipient_id);
    auto command = ScriptCall(kAddScript, view);
    command.push_back(n.id);
    command.push_back(std::to_string(time::ToUnixMillis(n.created_at)));
    command.push_back(ViewEntry(n));
    commands.push_back(std::move(command));
    views.push_back(std::move(view));
    if (n.order_id) {
      commands.push_back({"SET", OrderKey(*n.order_id), LatestNoticeJson(n).dump(), "EX", order_ttl});
    }
  }
  if (!commands.empty()) co_await Run(std::move(commands), std::move(views));
}

bool InboxCache::AddedAndWait(std::vector<Notification> added, std::chrono::milliseconds timeout) {
  if (redis_ == nullptr || added.empty()) return true;
  // Added() never throws: a Redis failure marks the views stale.
  auto done = asio::co_spawn(executor_, Added(std::move(added)), asio::use_future);
  return done.wait_for(timeout) == std::future_status::ready;
}

asio::awaitable<void> InboxCache::Read(Inbox inbox, std::int64_t user_id, std::string id) {
  auto view = ViewKey(inbox, user_id);
  auto command = ScriptCall(kReadScript, view);
  command.push_back(std::move(id));
  Commands commands;
  commands.push_back(std::move(command));
  std::vector<std::string> views{std::move(view)};
  co_await Run(std::move(commands), std::move(views));
}

asio::awaitable<void> InboxCache::ReadAll(Inbox inbox, std::int64_t user_id) {
  auto view = ViewKey(inbox, user_id);
  Commands commands;
  commands.push_back(ScriptCall(kSettleScript, view));
  commands.back().emplace_back("read-all");
  std::vector<std::string> views{std::move(view)};
  co_await Run(std::move(commands), std::move(views));
}

asio::awaitable<void> InboxCache::Removed(std::vector<Notification> removed) {
  // One script per view and at most 500 ids each (Lua's stack bounds a script's arguments).
  std::map<std::string, std::vector<std::string>> ids_by_view;
  for (const auto& n : removed) ids_by_view[ViewKey(n.inbox, n.recipient_id)].push_back(n.id);
  Commands commands;
  std::vector<std::string> views;
  for (const auto& [view, ids] : ids_by_view) {
    for (std::size_t i = 0; i < ids.size(); i += 500) {
      auto command = ScriptCall(kSettleScript, view);
      command.emplace_back("remove");
      command.insert(command.end(), ids.begin() + static_cast<std::ptrdiff_t>(i),
                     ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + 500)));
      commands.push_back(std::move(command));
    }
    views.push_back(view);
  }
  if (!commands.empty()) co_await Run(std::move(commands), std::move(views));
}

void InboxCache::AddGauges(http::Metrics& metrics) const {
  metrics.AddGauge("notification_stale_views", "Inbox views in Redis that a failed write left to drop.",
                   [this] { return double(stale_views()); });
}

}  // namespace mp::notification::store

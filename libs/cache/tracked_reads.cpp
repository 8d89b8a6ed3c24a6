#include "libs/cache/tracked_reads.hpp"

#include <chrono>
#include <memory>
#include <string_view>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "libs/core/log.hpp"

namespace mp::cache {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr std::string_view kChannel = "__redis__:invalidate";
constexpr auto kPingEvery = std::chrono::seconds(5);
constexpr auto kSilentLimit = std::chrono::seconds(15);  // no byte from Redis for this long: reconnect
constexpr auto kRetryAfter = std::chrono::seconds(1);

// The keep-alive of one watch connection: a PING every kPingEvery (answered on a subscribed connection
// too), and the connection closed when Redis said nothing for kSilentLimit, so a peer that vanished
// without closing the socket cannot leave a stale cache live.
struct Liveness {
  explicit Liveness(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  Clock::time_point heard = Clock::now();
  bool done = false;
};

asio::awaitable<void> KeepAlive(std::shared_ptr<Redis::Dedicated> connection,
                                std::shared_ptr<Liveness> liveness) {
  while (!liveness->done) {
    liveness->timer.expires_after(kPingEvery);
    boost::system::error_code ignored;
    co_await liveness->timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (liveness->done) co_return;
    if (Clock::now() - liveness->heard > kSilentLimit) {
      connection->Close();
      co_return;
    }
    connection->Ping();
  }
}

bool IsMessageOn(const Reply& reply, std::string_view channel) {
  return reply.type == Reply::Type::kArray && reply.elements.size() == 3 &&
         reply.elements[0].type == Reply::Type::kString && reply.elements[0].str == "message" &&
         reply.elements[1].str == channel;
}

}  // namespace

TrackedReads::TrackedReads(Redis& redis, std::vector<std::string> prefixes, std::size_t max_entries)
    : redis_(redis), prefixes_(std::move(prefixes)), max_entries_(max_entries) {}

bool TrackedReads::Cacheable(const std::vector<std::string>& command) const {
  if (command.size() != 2 || (command[0] != "GET" && command[0] != "EXISTS")) return false;
  for (const auto& prefix : prefixes_) {
    if (command[1].starts_with(prefix)) return true;
  }
  return false;
}

std::optional<std::vector<Reply>> TrackedReads::Lookup(
    const std::vector<std::vector<std::string>>& commands) const {
  if (!live()) return std::nullopt;
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  {
    std::lock_guard lock(mutex_);
    for (const auto& command : commands) {
      if (!Cacheable(command)) return std::nullopt;
      auto it = entries_.find(command[1]);
      const std::optional<Reply>* cached = nullptr;
      if (it != entries_.end()) cached = command[0] == "GET" ? &it->second.get : &it->second.exists;
      if (cached == nullptr || !*cached) {
        misses_.fetch_add(1, std::memory_order_relaxed);
        return std::nullopt;
      }
      replies.push_back(**cached);
    }
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return replies;
}

std::uint64_t TrackedReads::epoch() const {
  std::lock_guard lock(mutex_);
  return epoch_;
}

void TrackedReads::Store(const std::vector<std::vector<std::string>>& commands,
                         const std::vector<Reply>& replies, std::uint64_t epoch) {
  if (!live() || commands.size() != replies.size()) return;
  std::lock_guard lock(mutex_);
  if (epoch != epoch_) return;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (!Cacheable(commands[i]) || replies[i].type == Reply::Type::kError) continue;
    if (entries_.size() >= max_entries_ && !entries_.contains(commands[i][1])) entries_.clear();
    Entry& entry = entries_[commands[i][1]];
    (commands[i][0] == "GET" ? entry.get : entry.exists) = replies[i];
  }
}

std::size_t TrackedReads::entries() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void TrackedReads::Reset(bool live) {
  std::lock_guard lock(mutex_);
  entries_.clear();
  ++epoch_;
  live_.store(live, std::memory_order_relaxed);
}

void TrackedReads::Invalidate(const Reply& keys) {
  std::lock_guard lock(mutex_);
  ++epoch_;
  if (keys.type != Reply::Type::kArray) {  // nil: FLUSHALL / FLUSHDB
    entries_.clear();
    return;
  }
  for (const auto& key : keys.elements) entries_.erase(key.str);
}

asio::awaitable<void> TrackedReads::Run() {
  bool warned = false;
  for (;;) {
    try {
      co_await Watch();
    } catch (const std::exception& error) {
      if (!warned)
        log::Warn("tracked reads: invalidation connection lost, reading through to redis",
                  {{"error", error.what()}});
      warned = true;
    }
    Reset(false);
    asio::steady_timer pause(co_await asio::this_coro::executor, kRetryAfter);
    co_await pause.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> TrackedReads::Watch() {
  std::shared_ptr<Redis::Dedicated> connection = co_await redis_.OpenDedicated();
  std::vector<std::vector<std::string>> ask_id = {{"CLIENT", "ID"}};
  auto id = co_await connection->Send(std::move(ask_id));
  if (id.front().type != Reply::Type::kInteger) throw RedisError("CLIENT ID failed: " + id.front().str);
  std::vector<std::string> tracking = {
      "CLIENT", "TRACKING", "ON", "REDIRECT", std::to_string(id.front().integer), "BCAST"};
  for (const auto& prefix : prefixes_) {
    tracking.emplace_back("PREFIX");
    tracking.push_back(prefix);
  }
  std::vector<std::vector<std::string>> setup = {std::move(tracking), {"SUBSCRIBE", std::string(kChannel)}};
  auto replies = co_await connection->Send(std::move(setup));
  if (replies[0].type == Reply::Type::kError)
    throw RedisError("CLIENT TRACKING refused: " + replies[0].str, true);
  if (replies[1].type != Reply::Type::kArray) throw RedisError("SUBSCRIBE refused: " + replies[1].str, true);
  Reset(true);
  log::Info("tracked reads: live", {{"prefixes", prefixes_.size()}});

  const auto executor = co_await asio::this_coro::executor;
  auto liveness = std::make_shared<Liveness>(executor);
  asio::co_spawn(executor, KeepAlive(connection, liveness), asio::detached);
  struct Finish {
    std::shared_ptr<Liveness> liveness;
    ~Finish() {
      liveness->done = true;
      liveness->timer.cancel();
    }
  } finish{liveness};
  for (;;) {
    Reply pushed = co_await connection->Receive();
    liveness->heard = Clock::now();
    if (IsMessageOn(pushed, kChannel)) Invalidate(pushed.elements[2]);
  }
}

}  // namespace mp::cache

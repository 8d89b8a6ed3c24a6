#include "libs/cache/rate_limiter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include <openssl/evp.h>

namespace mp::cache {
namespace {

// Mirrors DecideSlidingWindow (sliding_window.cpp); Redis's clock, so replicas need no synchronised time.
// KEYS[1]: hash {w = current window index, c = its hits, p = hits of window w-1}
// ARGV[1]: limit, ARGV[2]: window in ms, ARGV[3]: hits a replica already admitted on its own (counted
// unconditionally), ARGV[4]: '1' to decide one more hit, '0' only to count ARGV[3].
// Returns {allowed 0/1, remaining, retry_after_ms}.
constexpr std::string_view kScript = R"lua(
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local carried = tonumber(ARGV[3]) or 0
local decide = ARGV[4] ~= '0'
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local index = math.floor(now / window)
local elapsed = now - index * window
local state = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local stored = tonumber(state[1])
local current = tonumber(state[2]) or 0
local previous = tonumber(state[3]) or 0
if stored ~= index then
  if stored == index - 1 then previous = current else previous = 0 end
  current = 0
end
current = current + carried
local estimate = previous * (window - elapsed) / window + current
local allowed = 1
local retry = 0
if decide and estimate + 1 > limit then
  allowed = 0
  if current + 1 > limit then
    retry = (window - elapsed) + math.max(0, window - (limit - 1) * window / current)
  else
    retry = (window - elapsed) - (limit - 1 - current) * window / previous
  end
  if carried == 0 then return {0, 0, math.ceil(retry)} end
elseif decide then
  current = current + 1
  estimate = estimate + 1
end
redis.call('HSET', KEYS[1], 'w', index, 'c', current, 'p', previous)
redis.call('PEXPIRE', KEYS[1], 2 * window)
if allowed == 0 then return {0, 0, math.ceil(retry)} end
return {1, math.max(0, math.floor(limit - estimate)), 0}
)lua";

std::string Sha1Hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

bool IsInteger(const Reply& reply) { return reply.type == Reply::Type::kInteger; }

}  // namespace

RateLimiter::RateLimiter(Redis& redis, double local_share)
    : redis_(redis), script_sha_(Sha1Hex(kScript)), local_share_(local_share) {
  if (local_share < 0 || local_share > 0.5) throw std::invalid_argument("local share must be in [0, 0.5]");
}

namespace {

void CheckLimit(int limit, std::chrono::seconds window) {
  if (limit < 1) throw std::invalid_argument("rate limit must be at least 1");
  if (window < std::chrono::seconds(1)) throw std::invalid_argument("rate limit window must be at least 1 s");
}

std::vector<std::string> ScriptCall(const std::string& sha, const std::string& key, int limit,
                                    std::chrono::seconds window, std::int64_t carried, bool decide) {
  const std::int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window).count();
  return {"EVALSHA",
          sha,
          "1",
          "rl:" + key,
          std::to_string(limit),
          std::to_string(window_ms),
          std::to_string(carried),
          decide ? "1" : "0"};
}

}  // namespace

std::int64_t RateLimiter::Margin(int limit) const {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(limit * local_share_)));
}

std::optional<Decision> RateLimiter::Admit(const std::string& key, int limit, std::chrono::seconds window) {
  CheckLimit(limit, window);
  if (local_share_ <= 0) return std::nullopt;
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  KeyState& state = it->second;
  const std::int64_t margin = Margin(limit);
  if (state.limit != limit || state.window != window || now - state.synced > kFresh ||
      state.pending >= margin || state.remaining - state.pending - state.in_flight - 1 < margin) {
    return std::nullopt;
  }
  ++state.pending;
  state.used = now;
  Decision decision;
  decision.allowed = true;
  decision.limit = limit;
  decision.remaining = static_cast<int>(state.remaining - state.pending - state.in_flight);
  return decision;
}

std::vector<std::string> RateLimiter::HitCommand(PendingHit& hit) {
  CheckLimit(hit.limit, hit.window);
  hit.carried = 0;
  hit.decide = true;
  if (local_share_ > 0) {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(hit.key);
    if (it == keys_.end() && keys_.size() < kMaxKeys) it = keys_.emplace(hit.key, KeyState{}).first;
    if (it != keys_.end()) {  // else: too many keys to track; this one is decided in Redis only
      KeyState& state = it->second;
      hit.carried = state.pending;
      state.pending = 0;
      state.in_flight += 1 + hit.carried;
      state.used = Clock::now();
    }
  }
  return ScriptCall(script_sha_, hit.key, hit.limit, hit.window, hit.carried, true);
}

void RateLimiter::Record(const PendingHit& hit, const std::optional<Decision>& decision) {
  if (local_share_ <= 0) return;
  std::lock_guard lock(mutex_);
  auto it = keys_.find(hit.key);
  if (it == keys_.end()) return;
  KeyState& state = it->second;
  state.in_flight = std::max<std::int64_t>(0, state.in_flight - (hit.decide ? 1 : 0) - hit.carried);
  if (!decision) {
    state.pending += hit.carried;  // not counted by Redis: the next hit or flush carries them again
    return;
  }
  state.limit = hit.limit;
  state.window = hit.window;
  state.remaining = decision->allowed ? decision->remaining : 0;
  state.synced = Clock::now();
}

std::optional<Decision> RateLimiter::Decide(const Reply& reply, int limit, std::chrono::seconds window) {
  if (reply.type == Reply::Type::kError) {
    // After a Redis restart or SCRIPT FLUSH: the caller runs Hit, whose EVAL caches the script again.
    if (std::string_view(reply.str).substr(0, 8) == "NOSCRIPT") return std::nullopt;
    throw RedisError(reply.str, true);
  }
  if (reply.type != Reply::Type::kArray || reply.elements.size() != 3 || !IsInteger(reply.elements[0]) ||
      !IsInteger(reply.elements[1]) || !IsInteger(reply.elements[2])) {
    throw RedisError("unexpected reply from the rate limit script");
  }
  const std::int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window).count();
  Decision decision;
  decision.allowed = reply.elements[0].integer == 1;
  decision.limit = limit;
  decision.remaining = static_cast<int>(reply.elements[1].integer);
  decision.retry_after_seconds =
      decision.allowed ? 0 : RetryAfterSeconds(static_cast<double>(reply.elements[2].integer), window_ms);
  return decision;
}

boost::asio::awaitable<Decision> RateLimiter::Hit(std::string key, int limit, std::chrono::seconds window) {
  if (auto local = Admit(key, limit, window)) co_return *local;
  PendingHit hit{std::move(key), limit, window};
  std::vector<std::string> args = HitCommand(hit);
  std::optional<Decision> decision;
  try {
    decision = co_await Exchange(std::move(args), hit);
  } catch (...) {
    Record(hit, std::nullopt);
    throw;
  }
  Record(hit, decision);
  co_return *decision;
}

boost::asio::awaitable<Decision> RateLimiter::Exchange(std::vector<std::string> args, const PendingHit& hit) {
  Reply reply;
  bool not_loaded = false;
  try {
    reply = co_await redis_.Command(args);
  } catch (const RedisError& e) {
    if (!e.server_reply() || std::string_view(e.what()).substr(0, 8) != "NOSCRIPT") throw;
    not_loaded = true;
  }
  if (not_loaded) {
    args[0] = "EVAL";
    args[1] = std::string(kScript);
    reply = co_await redis_.Command(std::move(args));
  }
  auto decision = Decide(reply, hit.limit, hit.window);
  if (!decision) throw RedisError("the rate limit script is not loaded even after EVAL");
  co_return *decision;
}

boost::asio::awaitable<Decision> RateLimiter::Resend(const PendingHit& hit) {
  co_return co_await Exchange(ScriptCall(script_sha_, hit.key, hit.limit, hit.window, hit.carried, true),
                              hit);
}

boost::asio::awaitable<std::size_t> RateLimiter::Flush() {
  std::vector<PendingHit> batch;
  std::vector<std::vector<std::string>> commands;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (auto it = keys_.begin(); it != keys_.end();) {
      KeyState& state = it->second;
      if (state.pending > 0) {
        PendingHit hit{it->first, state.limit, state.window, state.pending, false};
        commands.push_back(ScriptCall(script_sha_, hit.key, hit.limit, hit.window, hit.carried, false));
        state.in_flight += state.pending;
        state.pending = 0;
        batch.push_back(std::move(hit));
      } else if (state.in_flight == 0 && now - state.used > 2 * state.window + kFresh) {
        it = keys_.erase(it);
        continue;
      }
      ++it;
    }
  }
  if (commands.empty()) co_return 0;
  std::vector<Reply> replies;
  try {
    replies = co_await redis_.Pipeline(std::move(commands));
  } catch (...) {
    for (const auto& hit : batch) Record(hit, std::nullopt);
    throw;
  }
  bool reload = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::optional<Decision> decision;
    try {
      decision = Decide(replies[i], batch[i].limit, batch[i].window);
    } catch (const RedisError&) {
    }
    reload = reload || !decision;
    Record(batch[i], decision);
  }
  if (reload) co_await redis_.Command("SCRIPT", "LOAD", std::string(kScript));
  co_return batch.size();
}

std::size_t RateLimiter::tracked_keys() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

}  // namespace mp::cache

#include "libs/cache/rate_limiter.hpp"

#include <array>
#include <stdexcept>
#include <string_view>

#include <openssl/evp.h>

namespace mp::cache {
namespace {

// Mirrors DecideSlidingWindow (sliding_window.cpp); Redis's clock, so replicas need no synchronised time.
// KEYS[1]: hash {w = current window index, c = its hits, p = hits of window w-1}
// ARGV[1]: limit, ARGV[2]: window in ms. Returns {allowed 0/1, remaining, retry_after_ms}.
constexpr std::string_view kScript = R"lua(
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
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
local estimate = previous * (window - elapsed) / window + current
if estimate + 1 > limit then
  local retry
  if current + 1 > limit then
    retry = (window - elapsed) + math.max(0, window - (limit - 1) * window / current)
  else
    retry = (window - elapsed) - (limit - 1 - current) * window / previous
  end
  return {0, 0, math.ceil(retry)}
end
redis.call('HSET', KEYS[1], 'w', index, 'c', current + 1, 'p', previous)
redis.call('PEXPIRE', KEYS[1], 2 * window)
return {1, math.floor(limit - estimate - 1), 0}
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

RateLimiter::RateLimiter(Redis& redis) : redis_(redis), script_sha_(Sha1Hex(kScript)) {}

std::vector<std::string> RateLimiter::HitCommand(const std::string& key, int limit, std::chrono::seconds window) const {
  if (limit < 1) throw std::invalid_argument("rate limit must be at least 1");
  if (window < std::chrono::seconds(1)) throw std::invalid_argument("rate limit window must be at least 1 s");
  const std::int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window).count();
  return {"EVALSHA", script_sha_, "1", "rl:" + key, std::to_string(limit), std::to_string(window_ms)};
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
  std::vector<std::string> args = HitCommand(key, limit, window);
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
  auto decision = Decide(reply, limit, window);
  if (!decision) throw RedisError("the rate limit script is not loaded even after EVAL");
  co_return *decision;
}

}  // namespace mp::cache

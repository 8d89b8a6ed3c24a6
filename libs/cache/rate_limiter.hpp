#pragma once

#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "libs/cache/redis.hpp"
#include "libs/cache/sliding_window.hpp"

namespace mp::cache {

// Rate limits shared by every gateway replica: one Redis round trip per hit (a Lua script, EVALSHA with
// EVAL as fallback), sliding-window counter (libs/cache/sliding_window.hpp) on Redis's own clock, one
// hash per key ("rl:<key>", expires after two windows). Needs Redis >= 5 (TIME in scripts that write).
class RateLimiter {
 public:
  explicit RateLimiter(Redis& redis);

  // Throws RedisError if Redis is unavailable (the gateway then uses LocalRateLimiter), and
  // std::invalid_argument for limit < 1 or a window under one second.
  boost::asio::awaitable<Decision> Hit(std::string key, int limit, std::chrono::seconds window);

 private:
  Redis& redis_;
  std::string script_sha_;
};

}  // namespace mp::cache

#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

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

  // Hit in two halves, for a caller that sends it in one pipeline with other commands:
  //   HitCommand: the EVALSHA to send (throws std::invalid_argument like Hit);
  //   Decide: its reply; nullopt when Redis does not have the script cached (NOSCRIPT: call Hit, which
  //   loads it); throws RedisError for any other error reply or an unexpected shape.
  std::vector<std::string> HitCommand(const std::string& key, int limit, std::chrono::seconds window) const;
  static std::optional<Decision> Decide(const Reply& reply, int limit, std::chrono::seconds window);

 private:
  Redis& redis_;
  std::string script_sha_;
};

}  // namespace mp::cache

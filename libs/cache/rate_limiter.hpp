#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "libs/cache/redis.hpp"
#include "libs/cache/sliding_window.hpp"

namespace mp::cache {

// Rate limits shared by every gateway replica: a sliding-window counter (libs/cache/sliding_window.hpp)
// in Redis, decided by a Lua script (EVALSHA with EVAL as fallback) on Redis's own clock, one hash per key
// ("rl:<key>", expires after two windows). Needs Redis >= 5 (TIME in scripts that write).
//
// Local admission (local_share > 0): a key this replica synced with Redis within the last second and
// that is more than `margin` = max(1, ceil(limit * local_share)) hits away from its limit is allowed
// without a round trip, at most `margin` times between syncs; those hits are counted in Redis by the next
// hit that goes there (carried) or by Flush(), which the owner runs every few tens of milliseconds. Near
// the limit, on a key not seen for a second, and for every refusal, Redis decides. Within one replica
// this never admits more than the limit (hits in flight to Redis are counted as if they were allowed);
// across R replicas the worst case is (R - 1) * margin more in one window, when all of them burst one
// key at once. local_share = 0: every hit is a round trip (exact across replicas).
class RateLimiter {
 public:
  explicit RateLimiter(Redis& redis, double local_share = 0);  // local_share in [0, 0.5]

  // Throws RedisError if Redis is unavailable (the gateway then uses LocalRateLimiter), and
  // std::invalid_argument for limit < 1 or a window under one second.
  boost::asio::awaitable<Decision> Hit(std::string key, int limit, std::chrono::seconds window);

  // Hit in parts, for a caller that sends it in one pipeline with other commands:
  //   Admit: the local decision, or nullopt when Redis must decide;
  //   HitCommand: the EVALSHA to send, carrying the key's hits admitted locally (throws like Hit);
  //   Decide: its reply; nullopt when Redis does not have the script cached (NOSCRIPT: call Resend,
  //   which loads it); throws RedisError for any other error reply or an unexpected shape;
  //   Record: the outcome, always, once per HitCommand (nullopt if Redis did not answer or did not decide:
  //   the carried hits go back to wait for the next sync).
  struct PendingHit {
    std::string key;
    int limit = 0;
    std::chrono::seconds window{0};
    std::int64_t carried = 0;  // set by HitCommand
    bool decide = true;        // false: a flush, which only counts carried hits
  };
  std::optional<Decision> Admit(const std::string& key, int limit, std::chrono::seconds window);
  std::vector<std::string> HitCommand(PendingHit& hit);
  static std::optional<Decision> Decide(const Reply& reply, int limit, std::chrono::seconds window);
  boost::asio::awaitable<Decision> Resend(const PendingHit& hit);
  void Record(const PendingHit& hit, const std::optional<Decision>& decision);

  // Counts the locally admitted hits in Redis (one pipeline) and refreshes those keys; forgets keys idle
  // for two windows. Returns how many keys it sent; throws RedisError (the hits wait for the next call).
  boost::asio::awaitable<std::size_t> Flush();
  std::size_t tracked_keys() const;

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kFresh{1};
  static constexpr std::size_t kMaxKeys = 100'000;  // beyond this, new keys are decided in Redis only
  struct KeyState {
    int limit = 0;
    std::chrono::seconds window{0};
    std::int64_t remaining = 0;  // as Redis said at `synced`
    std::int64_t pending = 0;    // admitted here, not yet sent to Redis
    std::int64_t in_flight = 0;  // hits (and carried hits) sent to Redis, reply not yet recorded
    Clock::time_point synced{};
    Clock::time_point used{};
  };

  std::int64_t Margin(int limit) const;
  boost::asio::awaitable<Decision> Exchange(std::vector<std::string> args, const PendingHit& hit);

  Redis& redis_;
  std::string script_sha_;
  double local_share_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, KeyState> keys_;
};

}  // namespace mp::cache

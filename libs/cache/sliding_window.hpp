#pragma once

#include <cstdint>

// The rate-limit arithmetic shared by RateLimiter (whose Lua script repeats it line by line) and
// LocalRateLimiter: a sliding-window counter. Time is cut into fixed windows; the number of hits in the
// last `window` is estimated as previous * (window - elapsed) / window + current, where `previous` and
// `current` count the hits of the previous and the current fixed window and `elapsed` is the time since
// the current window began. Rejected hits are not counted.
namespace mp::cache {

struct Decision {
  bool allowed = false;
  int limit = 0;
  int remaining = 0;            // hits still allowed now (after this one, if it was allowed)
  int retry_after_seconds = 0;  // 0 when allowed; otherwise in [1, window]
};

// Decides one hit given the counts before it (the caller adds 1 to `current` when allowed).
// Requires limit >= 1, window_ms >= 1000, 0 <= elapsed_ms < window_ms, previous, current >= 0.
Decision DecideSlidingWindow(std::int64_t previous, std::int64_t current, std::int64_t elapsed_ms,
                             std::int64_t window_ms, int limit);

// Milliseconds until a hit would be allowed, as seconds for Retry-After: rounded up, at least 1 and at
// most the window (a client retrying after a full window is told again if it is still too early).
int RetryAfterSeconds(double retry_ms, std::int64_t window_ms);

}  // namespace mp::cache

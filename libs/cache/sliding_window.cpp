#include "libs/cache/sliding_window.hpp"

#include <algorithm>
#include <cmath>

namespace mp::cache {

Decision DecideSlidingWindow(std::int64_t previous, std::int64_t current, std::int64_t elapsed_ms,
                             std::int64_t window_ms, int limit) {
  const auto window = static_cast<double>(window_ms);
  const auto elapsed = static_cast<double>(elapsed_ms);
  const auto prev = static_cast<double>(previous);
  const auto cur = static_cast<double>(current);
  const double estimate = prev * (window - elapsed) / window + cur;
  if (estimate + 1 > limit) {
    double retry_ms = 0;
    if (cur + 1 > limit) {
      // The current window alone is full: wait for the next one, then until this window's hits (as the
      // new "previous") have faded enough to leave room for one.
      retry_ms = (window - elapsed) + std::max(0.0, window - (limit - 1) * window / cur);
    } else {
      // Room in this window: wait until the previous window's weight has faded enough (previous > 0 here).
      retry_ms = (window - elapsed) - (limit - 1 - cur) * window / prev;
    }
    return {false, limit, 0, RetryAfterSeconds(retry_ms, window_ms)};
  }
  return {true, limit, static_cast<int>(std::floor(limit - estimate - 1)), 0};
}

int RetryAfterSeconds(double retry_ms, std::int64_t window_ms) {
  const double seconds = std::ceil(retry_ms / 1000.0);
  const std::int64_t whole_window_seconds = window_ms / 1000;  // windows are whole seconds (RateLimiter)
  const auto window_seconds = static_cast<double>(whole_window_seconds);
  return static_cast<int>(std::clamp(seconds, 1.0, std::max(1.0, window_seconds)));
}

}  // namespace mp::cache

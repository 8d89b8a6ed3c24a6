#include "libs/cache/local_rate_limiter.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace mp::cache {
namespace {

// Window index of a time point; floor, not truncation, so instants before the clock's epoch work too.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

LocalRateLimiter::LocalRateLimiter(std::size_t max_keys, std::size_t shards)
    : shards_(std::clamp<std::size_t>(shards, 1, std::max<std::size_t>(max_keys, 1))) {
  if (max_keys == 0) throw std::invalid_argument("LocalRateLimiter needs room for at least one key");
  // Split max_keys exactly, so the total never exceeds it.
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    shards_[i].capacity = max_keys / shards_.size() + (i < max_keys % shards_.size() ? 1 : 0);
  }
}

LocalRateLimiter::Shard& LocalRateLimiter::ShardFor(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

Decision LocalRateLimiter::Hit(std::string_view key, int limit, std::chrono::seconds window,
                               Clock::time_point now) {
  if (limit < 1) throw std::invalid_argument("rate limit must be at least 1");
  if (window < std::chrono::seconds(1)) throw std::invalid_argument("rate limit window must be at least 1 s");
  const std::int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window).count();
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::int64_t index = FloorDiv(now_ms, window_ms);

  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  Entry* entry = nullptr;
  if (auto it = shard.by_key.find(key); it != shard.by_key.end()) {
    shard.recency.splice(shard.recency.begin(), shard.recency, it->second);  // iterators stay valid
    entry = &shard.recency.front();
  } else {
    if (shard.by_key.size() >= shard.capacity) {
      shard.by_key.erase(shard.recency.back().key);
      shard.recency.pop_back();
    }
    shard.recency.push_front(Entry{std::string(key), window_ms, index, 0, 0});
    entry = &shard.recency.front();
    shard.by_key.emplace(entry->key, shard.recency.begin());
  }

  if (entry->window_ms != window_ms) {  // same key, another policy: start over
    entry->window_ms = window_ms;
    entry->index = index;
    entry->current = entry->previous = 0;
  }
  if (entry->index != index) {
    entry->previous = entry->index == index - 1 ? entry->current : 0;
    entry->current = 0;
    entry->index = index;
  }
  Decision decision =
      DecideSlidingWindow(entry->previous, entry->current, now_ms - index * window_ms, window_ms, limit);
  if (decision.allowed) ++entry->current;
  return decision;
}

std::size_t LocalRateLimiter::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.by_key.size();
  }
  return total;
}

}  // namespace mp::cache

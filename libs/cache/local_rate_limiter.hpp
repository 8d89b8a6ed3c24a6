#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "libs/cache/sliding_window.hpp"

namespace mp::cache {

// The in-process fallback the gateway uses while Redis is down: the same sliding-window counter and
// Decision as RateLimiter, but per replica. Thread-safe (keys are spread over shards, each with its own
// mutex) and bounded: each shard keeps at most its share of max_keys, evicting the least recently hit
// key; a key idle for two windows is forgotten anyway, so evicting it loses nothing.
class LocalRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LocalRateLimiter(std::size_t max_keys = 100'000, std::size_t shards = 16);

  // Throws std::invalid_argument for limit < 1 or a window under one second.
  Decision Hit(std::string_view key, int limit, std::chrono::seconds window, Clock::time_point now);
  Decision Hit(std::string_view key, int limit, std::chrono::seconds window) {
    return Hit(key, limit, window, Clock::now());
  }

  std::size_t size() const;  // keys currently held, never more than max_keys

 private:
  struct Entry {
    std::string key;
    std::int64_t window_ms = 0;
    std::int64_t index = 0;  // which fixed window `current` counts
    std::int64_t current = 0;
    std::int64_t previous = 0;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::size_t capacity = 0;
    std::list<Entry> recency;                                                 // most recently hit first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> by_key;  // views into recency
  };

  Shard& ShardFor(std::string_view key);

  std::vector<Shard> shards_;
};

}  // namespace mp::cache

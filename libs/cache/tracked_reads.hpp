#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "libs/cache/redis.hpp"

// Replies of single-key reads (GET, EXISTS) under a few key prefixes, kept in this process and made
// true by Redis itself: Run() holds a connection on which Redis reports every change of a key under those
// prefixes (CLIENT TRACKING ... BCAST PREFIX, redirected to the same connection's SUBSCRIBE of
// __redis__:invalidate; Redis >= 6, RESP2). A change, an expiry or a FLUSHALL removes the entry here
// within the time the message takes; while that connection is down nothing is served from here (every
// lookup goes to Redis, as without this class) and everything learnt before is dropped.
//
// The gateway keeps the revocation lookups of libs/identity here: a signed-in request needs no Redis round
// trip once its token's lookups are known, and a logout, role change or deletion still counts at once.
namespace mp::cache {

class TrackedReads {
 public:
  TrackedReads(Redis& redis, std::vector<std::string> prefixes, std::size_t max_entries = 100'000);

  // Keeps the invalidation connection, reconnecting after a second when it breaks, until the io_context
  // stops. Co_spawn it on a strand (its keep-alive ping runs beside it).
  boost::asio::awaitable<void> Run();

  // The cached replies of these commands, in order, if every one is a cacheable read that is cached.
  std::optional<std::vector<Reply>> Lookup(const std::vector<std::vector<std::string>>& commands) const;
  // Read epoch() before sending the commands, then Store their replies: nothing is kept if an
  // invalidation arrived in between (the reply might predate the change) or the cache is not live.
  std::uint64_t epoch() const;
  void Store(const std::vector<std::vector<std::string>>& commands, const std::vector<Reply>& replies,
             std::uint64_t epoch);

  // Drops every entry now (a caller that just changed tracked keys itself need not wait for Redis's word).
  void Forget() { Reset(live()); }

  bool live() const { return live_.load(std::memory_order_relaxed); }
  std::size_t entries() const;
  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::optional<Reply> get;
    std::optional<Reply> exists;
  };
  bool Cacheable(const std::vector<std::string>& command) const;
  void Reset(bool live);
  void Invalidate(const Reply& keys);
  boost::asio::awaitable<void> Watch();

  Redis& redis_;
  std::vector<std::string> prefixes_;
  std::size_t max_entries_;
  std::atomic<bool> live_{false};
  mutable std::atomic<std::uint64_t> hits_{0};
  mutable std::atomic<std::uint64_t> misses_{0};
  mutable std::mutex mutex_;  // guards entries_ and epoch_
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t epoch_ = 0;
};

}  // namespace mp::cache

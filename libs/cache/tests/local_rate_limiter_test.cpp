#include "libs/cache/local_rate_limiter.hpp"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mp::cache {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = LocalRateLimiter::Clock;

// A window-aligned instant far from the clock's epoch, so tests know where each window begins.
const Clock::time_point kStart = Clock::time_point(seconds(3600 * 1000));
constexpr auto kMinute = seconds(60);

TEST(LocalRateLimiter, FiveAllowedThenDeniedWithRetryAfterInsideTheWindow) {
  LocalRateLimiter limiter;
  const auto now = kStart + seconds(10);
  for (int i = 0; i < 5; ++i) {
    const Decision d = limiter.Hit("user:1", 5, kMinute, now);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.limit, 5);
  }
  const Decision denied = limiter.Hit("user:1", 5, kMinute, now);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0);
  EXPECT_GE(denied.retry_after_seconds, 1);
  EXPECT_LE(denied.retry_after_seconds, 60);
}

TEST(LocalRateLimiter, DeniedHitsDoNotCount) {
  LocalRateLimiter limiter;
  auto now = kStart + seconds(50);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.Hit("k", 5, kMinute, now).allowed);
  Decision denied;
  for (int i = 0; i < 1000; ++i) denied = limiter.Hit("k", 5, kMinute, now);
  ASSERT_FALSE(denied.allowed);
  // 5 hits at 50 s: the next window must pass 12 s before one fits, i.e. 22 s from now, however many
  // denied hits came meanwhile.
  EXPECT_EQ(denied.retry_after_seconds, 22);
  EXPECT_FALSE(limiter.Hit("k", 5, kMinute, now + seconds(21)).allowed);
  EXPECT_TRUE(limiter.Hit("k", 5, kMinute, now + seconds(22)).allowed);
}

TEST(LocalRateLimiter, RetryAfterIsHonest) {
  // Fill at every offset into the window, read Retry-After and probe exactly then (and a second before).
  for (int offset_ms = 0; offset_ms < 10'000; offset_ms += 250) {
    LocalRateLimiter limiter;
    const auto t0 = kStart + milliseconds(offset_ms);
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(limiter.Hit("k", 7, seconds(10), t0).allowed);
    const Decision d = limiter.Hit("k", 7, seconds(10), t0);
    ASSERT_FALSE(d.allowed);
    if (d.retry_after_seconds < 10) {  // 10 is the cap: the true wait may be longer
      EXPECT_FALSE(limiter.Hit("k", 7, seconds(10), t0 + seconds(d.retry_after_seconds - 1)).allowed);
      EXPECT_TRUE(limiter.Hit("k", 7, seconds(10), t0 + seconds(d.retry_after_seconds)).allowed) << offset_ms;
    }
  }
}

TEST(LocalRateLimiter, ThePreviousWindowFadesOut) {
  LocalRateLimiter limiter;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.Hit("k", 10, kMinute, kStart).allowed);
  // Start of the next window: the 10 earlier hits still count fully.
  EXPECT_FALSE(limiter.Hit("k", 10, kMinute, kStart + kMinute).allowed);
  // Halfway: they count as 5, so 5 more fit.
  const auto half = kStart + kMinute + seconds(30);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Hit("k", 10, kMinute, half).allowed) << i;
  EXPECT_FALSE(limiter.Hit("k", 10, kMinute, half).allowed);
  // Two windows on, everything is forgotten.
  const auto later = kStart + 3 * kMinute;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Hit("k", 10, kMinute, later).allowed) << i;
}

TEST(LocalRateLimiter, NoBurstOfTwiceTheLimitAcrossAWindowBoundary) {
  // The weakness of a fixed window: limit hits at the end of one window and limit more at the start of
  // the next. Here, within any 60 s span, at most about the limit gets through.
  LocalRateLimiter limiter;
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.Hit("k", 10, kMinute, kStart + seconds(59)).allowed;
  for (int i = 0; i < 100; ++i) allowed += limiter.Hit("k", 10, kMinute, kStart + seconds(61)).allowed;
  EXPECT_EQ(allowed, 10);
}

TEST(LocalRateLimiter, KeysAreIndependent) {
  LocalRateLimiter limiter;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Hit("a", 3, kMinute, kStart).allowed);
  EXPECT_FALSE(limiter.Hit("a", 3, kMinute, kStart).allowed);
  EXPECT_TRUE(limiter.Hit("b", 3, kMinute, kStart).allowed);
  EXPECT_EQ(limiter.Hit("b", 3, kMinute, kStart).remaining, 1);
}

TEST(LocalRateLimiter, ANewWindowLengthForAKeyStartsOver) {
  LocalRateLimiter limiter;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Hit("a", 3, kMinute, kStart).allowed);
  EXPECT_FALSE(limiter.Hit("a", 3, kMinute, kStart).allowed);
  EXPECT_TRUE(limiter.Hit("a", 3, seconds(10), kStart).allowed);
}

TEST(LocalRateLimiter, MemoryIsBoundedAndTheLeastRecentlyHitKeyGoesFirst) {
  LocalRateLimiter limiter(/*max_keys=*/4, /*shards=*/1);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(limiter.Hit("old", 2, kMinute, kStart).allowed);
  ASSERT_FALSE(limiter.Hit("old", 2, kMinute, kStart).allowed);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(limiter.Hit("kept", 2, kMinute, kStart).allowed);
  for (int i = 0; i < 3; ++i) limiter.Hit("filler" + std::to_string(i), 2, kMinute, kStart);
  EXPECT_EQ(limiter.size(), 4u);
  // "old" was the least recently hit: evicted, so it starts from zero; "kept" is still limited.
  EXPECT_FALSE(limiter.Hit("kept", 2, kMinute, kStart).allowed);
  EXPECT_TRUE(limiter.Hit("old", 2, kMinute, kStart).allowed);
  EXPECT_EQ(limiter.size(), 4u);

  LocalRateLimiter sharded(/*max_keys=*/100, /*shards=*/16);
  for (int i = 0; i < 10'000; ++i) sharded.Hit("key" + std::to_string(i), 5, kMinute, kStart);
  EXPECT_LE(sharded.size(), 100u);
  EXPECT_GE(sharded.size(), 90u);  // every shard full or nearly
  LocalRateLimiter tiny(/*max_keys=*/3, /*shards=*/16);
  for (int i = 0; i < 100; ++i) tiny.Hit("key" + std::to_string(i), 5, kMinute, kStart);
  EXPECT_LE(tiny.size(), 3u);
}

TEST(LocalRateLimiter, ConcurrentHitsNeverExceedTheLimit) {
  LocalRateLimiter limiter(1000, 4);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.Hit("shared", 1000, kMinute, kStart).allowed) ++allowed;
        limiter.Hit("own" + std::to_string(t), 10, kMinute, kStart);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(LocalRateLimiter, RejectsNonsenseArguments) {
  LocalRateLimiter limiter;
  EXPECT_THROW(limiter.Hit("k", 0, kMinute, kStart), std::invalid_argument);
  EXPECT_THROW(limiter.Hit("k", 1, seconds(0), kStart), std::invalid_argument);
  EXPECT_THROW(LocalRateLimiter(0), std::invalid_argument);
}

}  // namespace
}  // namespace mp::cache

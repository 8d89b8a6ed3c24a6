#include "libs/cache/sliding_window.hpp"

#include <string>

#include <gtest/gtest.h>

namespace mp::cache {
namespace {

constexpr std::int64_t kMinute = 60'000;

TEST(SlidingWindow, AllowsUpToTheLimitInAFreshWindow) {
  for (int current = 0; current < 5; ++current) {
    const Decision d = DecideSlidingWindow(0, current, 10'000, kMinute, 5);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 4 - current);
    EXPECT_EQ(d.limit, 5);
    EXPECT_EQ(d.retry_after_seconds, 0);
  }
  const Decision d = DecideSlidingWindow(0, 5, 10'000, kMinute, 5);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
}

TEST(SlidingWindow, PreviousWindowWeighsByTheShareStillInsideTheSlidingWindow) {
  // Halfway through, 10 earlier hits count as 5: room for 4 more under a limit of 10.
  EXPECT_TRUE(DecideSlidingWindow(10, 4, kMinute / 2, kMinute, 10).allowed);
  EXPECT_EQ(DecideSlidingWindow(10, 4, kMinute / 2, kMinute, 10).remaining, 0);
  EXPECT_FALSE(DecideSlidingWindow(10, 5, kMinute / 2, kMinute, 10).allowed);
  // At the very start of a window the previous one counts fully.
  EXPECT_FALSE(DecideSlidingWindow(10, 0, 0, kMinute, 10).allowed);
}

TEST(SlidingWindow, RetryAfterIsWhenTheNextHitFits) {
  // Previous 10, current 5, limit 10, at 30 s: estimate 10. One more fits when 10*(60-30-t)/60 + 5 <= 9,
  // i.e. after t = 6 s.
  EXPECT_EQ(DecideSlidingWindow(10, 5, 30'000, kMinute, 10).retry_after_seconds, 6);
  EXPECT_TRUE(DecideSlidingWindow(10, 5, 36'000, kMinute, 10).allowed);
  EXPECT_FALSE(DecideSlidingWindow(10, 5, 35'999, kMinute, 10).allowed);
  // Current window full (5 of 5) at 50 s: next window, then 5*(60-e)/60 + 1 <= 5 from e = 12 s: 22 s.
  EXPECT_EQ(DecideSlidingWindow(0, 5, 50'000, kMinute, 5).retry_after_seconds, 22);
  EXPECT_TRUE(DecideSlidingWindow(5, 0, 12'000, kMinute, 5).allowed);
  EXPECT_FALSE(DecideSlidingWindow(5, 0, 11'999, kMinute, 5).allowed);
}

TEST(SlidingWindow, RetryAfterStaysWithinOneSecondAndTheWindow) {
  // Full in the first millisecond: the true wait (72 s) is longer than the window; capped at 60.
  EXPECT_EQ(DecideSlidingWindow(0, 5, 1, kMinute, 5).retry_after_seconds, 60);
  // Limit 1: the hit waits two windows at most, still capped.
  EXPECT_EQ(DecideSlidingWindow(0, 1, 0, 1000, 1).retry_after_seconds, 1);
  EXPECT_EQ(RetryAfterSeconds(1, kMinute), 1);
  EXPECT_EQ(RetryAfterSeconds(0, kMinute), 1);
  EXPECT_EQ(RetryAfterSeconds(1001, kMinute), 2);
  EXPECT_EQ(RetryAfterSeconds(1e9, kMinute), 60);
}

TEST(SlidingWindow, RetryAfterIsHonestForEveryState) {
  // For every state that denies a hit, one hit is allowed Retry-After seconds later, and none a second
  // earlier — unless Retry-After was capped at the window.
  constexpr std::int64_t kWindow = 10'000;
  constexpr int kLimit = 4;
  int checked = 0;
  const auto decide_later = [&](std::int64_t previous, std::int64_t current, std::int64_t elapsed,
                                std::int64_t wait_ms) {
    const std::int64_t at = elapsed + wait_ms;
    if (at < kWindow) return DecideSlidingWindow(previous, current, at, kWindow, kLimit);
    if (at < 2 * kWindow) return DecideSlidingWindow(current, 0, at - kWindow, kWindow, kLimit);
    return DecideSlidingWindow(0, 0, at % kWindow, kWindow, kLimit);
  };
  for (std::int64_t previous = 0; previous <= kLimit; ++previous) {
    for (std::int64_t current = 0; current <= kLimit; ++current) {
      for (std::int64_t elapsed = 0; elapsed < kWindow; elapsed += 125) {
        const Decision d = DecideSlidingWindow(previous, current, elapsed, kWindow, kLimit);
        if (d.allowed || d.retry_after_seconds == kWindow / 1000) continue;
        ++checked;
        const std::int64_t wait = d.retry_after_seconds * 1000;
        const std::string state =
            std::to_string(previous) + "/" + std::to_string(current) + "@" + std::to_string(elapsed);
        EXPECT_TRUE(decide_later(previous, current, elapsed, wait).allowed) << state;
        EXPECT_FALSE(decide_later(previous, current, elapsed, wait - 1000).allowed) << state;
      }
    }
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace mp::cache

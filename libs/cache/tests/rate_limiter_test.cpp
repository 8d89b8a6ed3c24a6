#include "libs/cache/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace mp::cache {
namespace {

constexpr std::chrono::seconds kMinute{60};

Reply Integer(std::int64_t value) {
  Reply reply;
  reply.type = Reply::Type::kInteger;
  reply.integer = value;
  return reply;
}

Reply ScriptReply(std::int64_t allowed, std::int64_t remaining, std::int64_t retry_ms) {
  Reply reply;
  reply.type = Reply::Type::kArray;
  reply.elements = {Integer(allowed), Integer(remaining), Integer(retry_ms)};
  return reply;
}

Reply Error(std::string text) {
  Reply reply;
  reply.type = Reply::Type::kError;
  reply.str = std::move(text);
  return reply;
}

TEST(RateLimiterDecide, ReadsTheScriptsAnswer) {
  auto allowed = RateLimiter::Decide(ScriptReply(1, 7, 0), 10, kMinute);
  ASSERT_TRUE(allowed);
  EXPECT_TRUE(allowed->allowed);
  EXPECT_EQ(allowed->limit, 10);
  EXPECT_EQ(allowed->remaining, 7);
  EXPECT_EQ(allowed->retry_after_seconds, 0);

  auto refused = RateLimiter::Decide(ScriptReply(0, 0, 2'500), 10, kMinute);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->remaining, 0);
  EXPECT_EQ(refused->retry_after_seconds, 3);  // 2.5 s, rounded up
}

TEST(RateLimiterDecide, AScriptRedisDoesNotHaveIsNotADecision) {
  EXPECT_FALSE(RateLimiter::Decide(Error("NOSCRIPT No matching script. Please use EVAL."), 10, kMinute));
}

TEST(RateLimiterDecide, OtherErrorsAndOddShapesThrow) {
  EXPECT_THROW(RateLimiter::Decide(Error("ERR something"), 10, kMinute), RedisError);
  EXPECT_THROW(RateLimiter::Decide(Integer(1), 10, kMinute), RedisError);
  Reply short_array = ScriptReply(1, 2, 0);
  short_array.elements.pop_back();
  EXPECT_THROW(RateLimiter::Decide(short_array, 10, kMinute), RedisError);
}

}  // namespace
}  // namespace mp::cache

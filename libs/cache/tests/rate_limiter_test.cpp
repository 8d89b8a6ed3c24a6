#include "libs/cache/rate_limiter.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

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

// Local admission, without Redis: the replies are what the script would answer.
class LocalAdmissionTest : public ::testing::Test {
 protected:
  LocalAdmissionTest() : redis_(io_, RedisOptions{}), limiter_(redis_, 0.1) {}

  // One synchronous hit answered by "Redis" with `remaining`; returns the command that was sent.
  std::vector<std::string> Sync(const std::string& key, int limit, std::int64_t remaining) {
    RateLimiter::PendingHit hit{key, limit, kMinute};
    auto command = limiter_.HitCommand(hit);
    limiter_.Record(hit,
                    RateLimiter::Decide(ScriptReply(remaining > 0 ? 1 : 0, remaining, 1000), limit, kMinute));
    return command;
  }

  boost::asio::io_context io_;
  Redis redis_;
  RateLimiter limiter_;
};

TEST_F(LocalAdmissionTest, AKeyNeverSyncedGoesToRedis) {
  EXPECT_FALSE(limiter_.Admit("k", 100, kMinute));
  RateLimiter exact(redis_);  // local share 0
  EXPECT_FALSE(exact.Admit("k", 100, kMinute));
}

TEST_F(LocalAdmissionTest, FarFromTheLimitAMarginIsAdmittedLocallyThenCarried) {
  auto first = Sync("k", 100, 99);
  EXPECT_EQ(first[6], "0");        // carried
  EXPECT_EQ(first[7], "1");        // decide
  for (int i = 1; i <= 10; ++i) {  // margin: 10 % of 100
    auto local = limiter_.Admit("k", 100, kMinute);
    ASSERT_TRUE(local) << i;
    EXPECT_TRUE(local->allowed);
    EXPECT_EQ(local->remaining, 99 - i);
  }
  EXPECT_FALSE(limiter_.Admit("k", 100, kMinute)) << "at most a margin between syncs";
  auto next = Sync("k", 100, 88);
  EXPECT_EQ(next[6], "10") << "the next round trip counts the local hits in Redis";
  EXPECT_TRUE(limiter_.Admit("k", 100, kMinute));
  EXPECT_EQ(limiter_.tracked_keys(), 1u);
}

TEST_F(LocalAdmissionTest, NearTheLimitAndAfterARefusalRedisDecides) {
  Sync("k", 100, 10);  // 10 left: not more than the margin
  EXPECT_FALSE(limiter_.Admit("k", 100, kMinute));
  Sync("k", 100, 11);
  EXPECT_TRUE(limiter_.Admit("k", 100, kMinute));
  EXPECT_FALSE(limiter_.Admit("k", 100, kMinute)) << "10 left after that one";
  Sync("k", 100, 0);  // refused
  EXPECT_FALSE(limiter_.Admit("k", 100, kMinute));
}

TEST_F(LocalAdmissionTest, HitsInFlightCountAsAdmitted) {
  Sync("k", 20, 19);  // margin 2
  for (int i = 0; i < 16; ++i) {
    RateLimiter::PendingHit hit{"k", 20, kMinute};
    limiter_.HitCommand(hit);  // 16 hits on their way to Redis
  }
  auto local = limiter_.Admit("k", 20, kMinute);  // 19 - 16 in flight - 1 >= 2
  ASSERT_TRUE(local);
  EXPECT_EQ(local->remaining, 2);
  // 19 - 16 in flight - 1 local - 1 < 2: Redis must decide.
  EXPECT_FALSE(limiter_.Admit("k", 20, kMinute));
}

TEST_F(LocalAdmissionTest, CarriedHitsComeBackWhenRedisDidNotAnswer) {
  Sync("k", 100, 99);
  ASSERT_TRUE(limiter_.Admit("k", 100, kMinute));
  ASSERT_TRUE(limiter_.Admit("k", 100, kMinute));
  RateLimiter::PendingHit hit{"k", 100, kMinute};
  auto command = limiter_.HitCommand(hit);
  EXPECT_EQ(command[6], "2");
  limiter_.Record(hit, std::nullopt);  // Redis down
  RateLimiter::PendingHit again{"k", 100, kMinute};
  EXPECT_EQ(limiter_.HitCommand(again)[6], "2") << "not lost: carried by the next hit";
}

TEST_F(LocalAdmissionTest, ADifferentLimitForTheKeyGoesToRedis) {
  Sync("k", 100, 99);
  EXPECT_FALSE(limiter_.Admit("k", 50, kMinute));
  EXPECT_FALSE(limiter_.Admit("k", 100, std::chrono::seconds(30)));
}

TEST(RateLimiterOptions, TheLocalShareIsBounded) {
  boost::asio::io_context io;
  Redis redis(io, RedisOptions{});
  EXPECT_THROW(RateLimiter(redis, -0.1), std::invalid_argument);
  EXPECT_THROW(RateLimiter(redis, 0.6), std::invalid_argument);
}

}  // namespace
}  // namespace mp::cache

#include "libs/core/validation.hpp"

#include <gtest/gtest.h>

namespace mp {
namespace {

using nlohmann::json;

TEST(JsonReader, CollectsEveryProblemIntoOne422) {
  json body = {{"name", 5}, {"age", "7"}, {"ok", 1}, {"kind", "nope"}};
  JsonReader r(body);
  r.String("name", Presence::kRequired, 1, 10);
  r.Int("age", Presence::kRequired, 0, 10);
  r.Bool("ok", Presence::kRequired);
  r.Enum("kind", Presence::kRequired, {"a", "b"});
  r.String("missing", Presence::kRequired, 1, 10);
  try {
    r.Finish();
    FAIL() << "expected a validation error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ApiError::Kind::kValidation);
    ASSERT_EQ(e.details().size(), 5u);
    EXPECT_EQ(e.details()[0].field, "name");
    EXPECT_EQ(e.details()[0].problem, "must be a string");
    EXPECT_EQ(e.details()[3].problem, "must be one of: a, b");
    EXPECT_EQ(e.details()[4].problem, "is required");
  }
}

TEST(JsonReader, IntegersAreStrict) {
  json body = {{"a", 2.5}, {"b", 3.0}, {"c", true}, {"d", 18446744073709551615ULL}};
  JsonReader r(body);
  EXPECT_FALSE(r.Int("a", Presence::kRequired, 0, 10));
  EXPECT_EQ(r.Int("b", Presence::kRequired, 0, 10), 3);
  EXPECT_FALSE(r.Int("c", Presence::kRequired, 0, 10));
  EXPECT_FALSE(r.Int("d", Presence::kRequired, 0, 10));
  EXPECT_FALSE(r.ok());
}

TEST(JsonReader, NullIsAbsentAndLengthCountsCodePoints) {
  json body = {{"opt", nullptr}, {"zh", "服务市场"}};
  JsonReader r(body);
  EXPECT_FALSE(r.String("opt", Presence::kOptional, 1, 10));
  EXPECT_EQ(r.String("zh", Presence::kRequired, 1, 4), "服务市场");
  EXPECT_TRUE(r.ok());
}

TEST(JsonReader, MoneyIsExactCentsAndTimeIsIso) {
  json body = {
      {"price", 19.99},       {"cheap", 0.001}, {"text", "12"}, {"huge", 1e9}, {"at", "2025-10-25T09:00:00Z"},
      {"bad_at", "tomorrow"}, {"num_at", 5}};
  JsonReader r(body);
  EXPECT_EQ(r.Money("price", Presence::kRequired, 1, money::kMaxCents), 1999);
  EXPECT_FALSE(r.Money("cheap", Presence::kRequired, 1, money::kMaxCents));
  EXPECT_FALSE(r.Money("text", Presence::kRequired, 1, money::kMaxCents));
  EXPECT_FALSE(r.Money("huge", Presence::kRequired, 1, money::kMaxCents));
  EXPECT_EQ(r.Time("at", Presence::kRequired), time::ParseIso("2025-10-25T09:00:00Z"));
  EXPECT_FALSE(r.Time("bad_at", Presence::kRequired));
  EXPECT_FALSE(r.Time("num_at", Presence::kRequired));
  ASSERT_EQ(r.problems().size(), 5u);
  EXPECT_EQ(r.problems()[0].problem, "must be a number with at most 2 decimals between 0.01 and 99999999.99");
  EXPECT_EQ(r.problems()[1].problem, "must be a number");
}

TEST(Utf8, RejectsInvalidSequences) {
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_FALSE(Utf8Length("\xC3"));
  EXPECT_FALSE(Utf8Length("\xFF"));
  EXPECT_FALSE(Utf8Length("a\xE6\x9C"));
}

TEST(Email, NormalisesDomainAndRejectsGarbage) {
  EXPECT_EQ(NormalizeEmail("Alice@Example.COM"), "Alice@example.com");
  for (const char* bad :
       {"", "a", "a@", "@b.c", "a@b", "a b@c.de", "a@@b.de", "a@-b.de", "a@b..de", ".a@b.de"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace mp

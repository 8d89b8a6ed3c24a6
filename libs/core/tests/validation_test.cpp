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

TEST(JsonReader, MoneyIsExactCentsAndEachProblemNamesItsRule) {
  json body = {
      {"price", 19.99}, {"cheap", 0.001},        {"text", "12"}, {"huge", 1e9}, {"precise", 120.5000000001},
      {"tiny", -1e-10}, {"min_price", 100000000}};
  JsonReader r(body);
  EXPECT_EQ(r.Money("price", Presence::kRequired, 1, money::kMaxCents), 1999);
  EXPECT_FALSE(r.Money("cheap", Presence::kRequired, 1, money::kMaxCents));
  EXPECT_FALSE(r.Money("text", Presence::kRequired, 1, money::kMaxCents));
  EXPECT_FALSE(r.Money("huge", Presence::kRequired, 1, money::kMaxCents));
  EXPECT_FALSE(r.Money("precise", Presence::kRequired, 0, money::kMaxCents));
  EXPECT_FALSE(r.Money("tiny", Presence::kRequired, 0, money::kMaxCents));
  EXPECT_FALSE(r.Money("min_price", Presence::kRequired, 0, money::kMaxCents));
  ASSERT_EQ(r.problems().size(), 6u);
  EXPECT_EQ(r.problems()[0].problem, "must be between 0.01 and 99999999.99");
  EXPECT_EQ(r.problems()[1].problem, "must be a number");
  EXPECT_EQ(r.problems()[2].problem, "must be between 0.01 and 99999999.99");
  EXPECT_EQ(r.problems()[3].problem, "must have at most 2 decimals");
  EXPECT_EQ(r.problems()[4].problem, "must be between 0.00 and 99999999.99");
  EXPECT_EQ(r.problems()[5].problem, "must be between 0.00 and 99999999.99");
}

TEST(JsonReader, TimeIsIsoAndAnOutOfRangeYearIsToldTheRange) {
  json body = {{"at", "2025-10-25T09:00:00Z"},
               {"bad_at", "tomorrow"},
               {"num_at", 5},
               {"early", "1969-12-31T09:00:00Z"},
               {"late", "2999-01-01T00:00:00Z"},
               {"way_late", "9999-01-01T00:00:00Z"}};
  const auto earliest = *time::ParseIso("2000-01-01T00:00:00Z");
  const auto latest = *time::ParseIso("2199-12-31T23:59:59Z");
  JsonReader r(body);
  EXPECT_EQ(r.Time("at", Presence::kRequired, earliest, latest), time::ParseIso("2025-10-25T09:00:00Z"));
  EXPECT_FALSE(r.Time("bad_at", Presence::kRequired, earliest, latest));
  EXPECT_FALSE(r.Time("num_at", Presence::kRequired, earliest, latest));
  EXPECT_FALSE(r.Time("early", Presence::kRequired, earliest, latest));
  EXPECT_FALSE(r.Time("late", Presence::kRequired, earliest, latest));
  EXPECT_FALSE(r.Time("way_late", Presence::kRequired));
  const std::string iso = "must be an ISO-8601 date-time such as 2025-10-25T09:00:00Z";
  const std::string range = "must be between 2000-01-01T00:00:00Z and 2199-12-31T23:59:59Z";
  ASSERT_EQ(r.problems().size(), 5u);
  EXPECT_EQ(r.problems()[0].problem, iso);
  EXPECT_EQ(r.problems()[1].problem, iso);
  EXPECT_EQ(r.problems()[2].problem, range);
  EXPECT_EQ(r.problems()[3].problem, range);
  EXPECT_EQ(r.problems()[4].problem, "must be between 1678-01-01T00:00:00Z and 2261-12-31T23:59:59Z");
}

TEST(JsonReader, IdsRunFromOneToTheLargestExactJsonInteger) {
  json body = {{"ok", 9007199254740991LL},        {"zero", 0},    {"big", 9007199254740992LL},
               {"huge", 18446744073709551615ULL}, {"float", 5.0}, {"half", 5.5},
               {"big_float", 9007199254740990.0}, {"text", "5"}};
  JsonReader r(body);
  EXPECT_EQ(r.Id("ok", Presence::kRequired), kMaxId);
  EXPECT_EQ(r.Id("float", Presence::kRequired), 5);
  EXPECT_EQ(r.Id("big_float", Presence::kRequired), 9007199254740990);
  for (const char* bad : {"zero", "big", "huge"}) EXPECT_FALSE(r.Id(bad, Presence::kRequired)) << bad;
  EXPECT_FALSE(r.Id("half", Presence::kRequired));
  EXPECT_FALSE(r.Id("text", Presence::kRequired));
  ASSERT_EQ(r.problems().size(), 5u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.problems()[i].problem, kIdProblem);
  EXPECT_EQ(r.problems()[3].problem, "must be an integer");
  EXPECT_EQ(r.problems()[4].problem, "must be an integer");
}

TEST(Text, BlankMeansNothingVisible) {
  // JSON escapes, as a client sends them.
  for (const char* blank :
       {R"()", R"( )", R"(\t\r\n)", R"(\f)", R"(\u000b)", R"(\u00a0)", R"(\u2003)", R"(\u3000)", R"(\ufeff)",
        R"(\u200b)", R"(\u0085)", R"(\u2028)", R"(\u00ad \u2060)"}) {
    EXPECT_TRUE(IsBlank(json::parse(std::string("\"") + blank + "\"").get<std::string>())) << blank;
  }
  for (const char* shown : {R"(a)", R"( a )", R"(\u00a0x)", R"(\u670d)", R"(\u0001)", R"(\u200bb)"}) {
    EXPECT_FALSE(IsBlank(json::parse(std::string("\"") + shown + "\"").get<std::string>())) << shown;
  }
  EXPECT_FALSE(IsBlank("\xC3"));  // invalid UTF-8 is refused as such, not as blank
}

TEST(Text, ControlCharactersAreC0DelAndC1) {
  for (const char* bad : {R"(\u0001)", R"(a\u001fb)", R"(\u007f)", R"(\u0085)", R"(\u009f)", R"(\u0000)"}) {
    auto text = json::parse(std::string("\"") + bad + "\"").get<std::string>();
    EXPECT_TRUE(HasControlCharacter(text, true)) << bad;
  }
  EXPECT_TRUE(HasControlCharacter("a\tb", false));
  EXPECT_FALSE(HasControlCharacter("a\tb\r\nc", true));
  EXPECT_FALSE(HasControlCharacter("\xC2\xA0 \xE6\x9C\x8D", false));  // U+00A0 and a CJK character
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

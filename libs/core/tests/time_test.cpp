#include "libs/core/time.hpp"

#include <gtest/gtest.h>

namespace mp::time {
namespace {

TEST(Time, FormatsIsoWithZAtSecondPrecision) {
  EXPECT_EQ(FormatIso(FromUnixSeconds(1761382800)), "2025-10-25T09:00:00Z");
  EXPECT_EQ(FormatSql(FromUnixSeconds(1761382800)), "2025-10-25 09:00:00");
}

TEST(Time, ParsesTheFormsClientsSend) {
  auto expected = FromUnixSeconds(1761382800);
  EXPECT_EQ(ParseIso("2025-10-25T09:00:00Z"), expected);
  EXPECT_EQ(ParseIso("2025-10-25T09:00"), expected);
  EXPECT_EQ(ParseIso("2025-10-25 09:00:00"), expected);
  EXPECT_EQ(ParseIso("2025-10-25T09:00:00.250Z"), expected);
  EXPECT_EQ(ParseIso("2025-10-25T11:00:00+02:00"), expected);
}

TEST(Time, RejectsMalformedAndImpossibleDates) {
  for (const char* bad :
       {"", "2025", "2025-13-01T00:00", "2025-02-30T00:00", "2025-10-25", "2025-10-25T25:00",
        "2025-10-25T09:00:00Zjunk", "2025-10-25T09:00+2", "abcd-ef-ghT00:00", "2262-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "1677-12-31T23:59:59Z"}) {
    EXPECT_FALSE(ParseIso(bad).has_value()) << bad;
  }
}

TEST(Time, TakesEveryYearAnInstantHoldsAndTellsTheOthersApart) {
  EXPECT_EQ(ParseIso("1678-01-01T00:00:00Z"), kEarliestParsed);
  EXPECT_EQ(ParseIso("2261-12-31T23:59:59Z"), kLatestParsed);
  EXPECT_EQ(FormatIso(*ParseIso("1969-12-31T23:59:59Z")), "1969-12-31T23:59:59Z");
  EXPECT_TRUE(IsIsoOutsideYears("2999-01-01T00:00:00Z"));
  EXPECT_TRUE(IsIsoOutsideYears("0001-01-01T00:00"));
  EXPECT_FALSE(IsIsoOutsideYears("2025-01-01T00:00:00Z"));  // parses
  EXPECT_FALSE(IsIsoOutsideYears("2999-02-30T00:00:00Z"));  // no such day in any year
  EXPECT_FALSE(IsIsoOutsideYears("tomorrow"));
}

}  // namespace
}  // namespace mp::time

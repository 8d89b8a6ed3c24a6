#include "libs/core/money.hpp"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace mp::money {
namespace {

TEST(Money, FromDoubleAcceptsAtMostTwoDecimals) {
  EXPECT_EQ(FromDouble(200.0), 20000);
  EXPECT_EQ(FromDouble(19.99), 1999);
  EXPECT_EQ(FromDouble(0.01), 1);
  EXPECT_EQ(FromDouble(123456.78), 12345678);
  EXPECT_FALSE(FromDouble(0.1 + 0.2));  // 0.30000000000000004: the text a client sends has 17 decimals
  EXPECT_FALSE(FromDouble(120.5000000001));
  EXPECT_FALSE(FromDouble(-1e-10));
  EXPECT_EQ(FromDouble(99999999.99), kMaxCents);
  EXPECT_EQ(FromDouble(-5.5), -550);
  EXPECT_FALSE(FromDouble(1.001));
  EXPECT_FALSE(FromDouble(100000000.0));
  EXPECT_FALSE(FromDouble(1e300));
  EXPECT_FALSE(FromDouble(std::nan("")));
}

TEST(Money, AnAmountProblemNamesTheRuleBroken) {
  EXPECT_FALSE(AmountProblem("100", 0, kMaxCents));
  EXPECT_FALSE(AmountProblem("0.5", 0, kMaxCents));
  EXPECT_EQ(AmountProblem("100000000", 0, kMaxCents), "must be between 0.00 and 99999999.99");
  EXPECT_EQ(AmountProblem("123456789012345", 0, kMaxCents), "must be between 0.00 and 99999999.99");
  EXPECT_EQ(AmountProblem("-1", 0, kMaxCents), "must be between 0.00 and 99999999.99");
  EXPECT_EQ(AmountProblem("1.001", 0, kMaxCents), "must have at most 2 decimals");
  for (const char* bad : {"abc", "1e3", "1.", ".5", "", "1,5", "--1"}) {
    EXPECT_EQ(AmountProblem(bad, 0, kMaxCents), "must be a number") << bad;
  }
}

TEST(Money, FromDoubleTakesEveryCentOfTheRangeExactly) {
  // Every value with 2 decimals round-trips, whatever its binary form (a sample of the whole range).
  for (Cents cents = 0; cents <= kMaxCents; cents += 999'983) {
    EXPECT_EQ(FromDouble(std::stod(Format(cents))), cents) << Format(cents);
    EXPECT_EQ(FromDouble(std::stod(Format(-cents))), -cents) << Format(-cents);
  }
  for (Cents cents = 0; cents < 100'000; ++cents) EXPECT_EQ(FromDouble(std::stod(Format(cents))), cents);
}

TEST(Money, ParseReadsDecimalText) {
  EXPECT_EQ(Parse("123.45"), 12345);
  EXPECT_EQ(Parse("123.4"), 12340);
  EXPECT_EQ(Parse("123"), 12300);
  EXPECT_EQ(Parse("-0.50"), -50);
  EXPECT_EQ(Parse("99999999.99"), kMaxCents);
  for (const char* bad : {"", ".", "1.", ".5", "1.234", "abc", "1e3", "12a", "100000000.00", "--1", " 1"}) {
    EXPECT_FALSE(Parse(bad)) << bad;
  }
}

TEST(Money, FormatRoundTrips) {
  for (Cents c : {Cents{0}, Cents{1}, Cents{10}, Cents{1999}, Cents{-50}, Cents{-12345}, kMaxCents}) {
    EXPECT_EQ(Parse(Format(c)), c) << Format(c);
  }
  EXPECT_EQ(Format(5), "0.05");
  EXPECT_EQ(Format(-5), "-0.05");
  EXPECT_EQ(Format(20000), "200.00");
  EXPECT_DOUBLE_EQ(ToDouble(20000), 200.0);
}

}  // namespace
}  // namespace mp::money

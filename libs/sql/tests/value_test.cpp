#include <gtest/gtest.h>

#include "libs/core/time.hpp"
#include "libs/sql/value.hpp"

namespace mp::sql {
namespace {

TEST(FormatValue, RendersEachAlternativeAsASqlLiteral) {
  EXPECT_EQ(FormatValue(nullptr), "NULL");
  EXPECT_EQ(FormatValue(std::int64_t{-42}), "-42");
  EXPECT_EQ(FormatValue(1.5), "1.5");
  EXPECT_EQ(FormatValue(std::string("it's")), "'it''s'");
  EXPECT_EQ(FormatValue(time::FromUnixSeconds(1761382800)), "'2025-10-25 09:00:00'");
}

TEST(Value, PlainLiteralsPickTheIntendedAlternative) {
  Value from_int = 7;
  Value from_bool = true;
  Value from_text = "x";
  Value from_double = 2.5;
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(from_int));
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(from_bool));
  EXPECT_TRUE(std::holds_alternative<std::string>(from_text));
  EXPECT_TRUE(std::holds_alternative<double>(from_double));
}

}  // namespace
}  // namespace mp::sql

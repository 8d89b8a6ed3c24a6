#include <gtest/gtest.h>

#include "libs/core/time.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/row.hpp"

namespace mp::sql {
namespace {

Row MakeRow() {
  return Row({std::string("42"), std::nullopt, std::string("héllo"), std::string("2025-10-25 09:00:00.123"),
              std::string("1.25"), std::string("abc")});
}

TEST(Row, ConvertsTextColumnsOnRead) {
  Row row = MakeRow();
  EXPECT_EQ(row.size(), 6u);
  EXPECT_EQ(row.Int(0), 42);
  EXPECT_EQ(row.OptInt(0), 42);
  EXPECT_EQ(row.String(2), "héllo");
  EXPECT_EQ(row.Time(3), time::FromUnixSeconds(1761382800));
  EXPECT_DOUBLE_EQ(row.Double(4), 1.25);
}

TEST(Row, NullReadsAsNulloptAndThrowsForPlainAccessors) {
  Row row = MakeRow();
  EXPECT_TRUE(row.IsNull(1));
  EXPECT_EQ(row.OptInt(1), std::nullopt);
  EXPECT_EQ(row.OptString(1), std::nullopt);
  EXPECT_EQ(row.OptTime(1), std::nullopt);
  EXPECT_THROW(row.Int(1), Error);
  EXPECT_THROW(row.String(1), Error);
}

TEST(Row, WrongTypeAndOutOfRangeThrowError) {
  Row row = MakeRow();
  EXPECT_THROW(row.Int(5), Error);
  EXPECT_THROW(row.Double(5), Error);
  EXPECT_THROW(row.Time(5), Error);
  EXPECT_THROW(row.Int(4), Error);
  EXPECT_THROW(row.IsNull(6), Error);
}

}  // namespace
}  // namespace mp::sql

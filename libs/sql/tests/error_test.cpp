#include <gtest/gtest.h>

#include "libs/sql/error.hpp"

namespace mp::sql {
namespace {

TEST(Error, ClassifiesServerAndClientCodes) {
  EXPECT_TRUE(Error(1062, "dup").duplicate_key());
  EXPECT_FALSE(Error(1062, "dup").unavailable());
  for (unsigned code : {2002u, 2003u, 2006u, 2013u}) EXPECT_TRUE(Error(code, "down").unavailable()) << code;
  EXPECT_TRUE(Error(1205, "lock wait").retryable());
  EXPECT_TRUE(Error(1213, "deadlock").retryable());
  EXPECT_FALSE(Error(1213, "deadlock").unavailable());
  EXPECT_FALSE(Error(1064, "syntax").retryable());
}

TEST(Error, PoolTimeoutIsUnavailableWithoutAServerCode) {
  Error error = Error::Unavailable("no connection");
  EXPECT_TRUE(error.unavailable());
  EXPECT_EQ(error.code(), 0u);
}

}  // namespace
}  // namespace mp::sql

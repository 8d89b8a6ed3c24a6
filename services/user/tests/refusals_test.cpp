// What clients see for the domain's refusals and the store's outcomes (spec/api-v1.md).
#include "services/user/src/api/refusals.hpp"

#include <gtest/gtest.h>

namespace mp::user::api {
namespace {

using Kind = ApiError::Kind;

TEST(Refusals, FieldsOfAnotherRoleAfterAuthAnsweredAreARoleChange) {
  auto error = ToApiError(domain::AdminUpdateRefusal::kFieldsOfAnotherRole);
  EXPECT_EQ(error.kind(), Kind::kConflict);
  EXPECT_EQ(error.code(), "role_changed");
  EXPECT_EQ(error.error(), "The user's role changed meanwhile; the profile was not changed");
}

TEST(Refusals, StoreOutcomesNameTheProfileKind) {
  auto missing = ProfileNotFound(domain::ProfileType::kProvider);
  EXPECT_EQ(missing.kind(), Kind::kNotFound);
  EXPECT_EQ(missing.code(), "profile_not_found");
  EXPECT_EQ(missing.error(), "Provider profile not found");
  auto exists = ProfileExists(domain::ProfileType::kCustomer);
  EXPECT_EQ(exists.kind(), Kind::kConflict);
  EXPECT_EQ(exists.code(), "profile_exists");
  EXPECT_EQ(exists.error(), "Customer profile already exists");
  EXPECT_EQ(UserNotFound().code(), "user_not_found");
  EXPECT_EQ(UserNotFound().error(), "User not found");
  EXPECT_EQ(ProfileChanged().kind(), Kind::kConflict);
  EXPECT_EQ(ProfileChanged().code(), "profile_changed");
}

}  // namespace
}  // namespace mp::user::api

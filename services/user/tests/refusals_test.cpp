// What clients see for the domain's refusals and the store's outcomes (spec/api-v1.md).
#include "services/user/src/api/refusals.hpp"

#include <gtest/gtest.h>

#include "libs/core/testing/api_error.hpp"

namespace mp::user::api {
namespace {

using Kind = ApiError::Kind;
using mp::testing::Seen;
using mp::testing::SeenError;

TEST(Refusals, FieldsOfAnotherRoleAfterAuthAnsweredAreARoleChange) {
  EXPECT_EQ(Seen(ToApiError(domain::AdminUpdateRefusal::kFieldsOfAnotherRole)),
            (SeenError{Kind::kConflict, "role_changed",
                       "The user's role changed meanwhile; the profile was not changed"}));
}

TEST(Refusals, StoreOutcomesNameTheProfileKind) {
  EXPECT_EQ(Seen(ProfileNotFound(domain::ProfileType::kProvider)),
            (SeenError{Kind::kNotFound, "profile_not_found", "Provider profile not found"}));
  EXPECT_EQ(Seen(ProfileExists(domain::ProfileType::kCustomer)),
            (SeenError{Kind::kConflict, "profile_exists", "Customer profile already exists"}));
  EXPECT_EQ(UserNotFound().code(), "user_not_found");
  EXPECT_EQ(UserNotFound().error(), "User not found");
  EXPECT_EQ(ProfileChanged().kind(), Kind::kConflict);
  EXPECT_EQ(ProfileChanged().code(), "profile_changed");
}

}  // namespace
}  // namespace mp::user::api

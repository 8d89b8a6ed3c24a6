// What clients see for each refusal of the domain and each failed write (spec/api-v1.md).
#include "services/auth/src/api/refusals.hpp"

#include <utility>

#include <gtest/gtest.h>

#include "libs/core/testing/api_error.hpp"

namespace mp::auth::api {
namespace {

using Kind = ApiError::Kind;
using mp::testing::Seen;
using mp::testing::SeenError;

TEST(Refusals, AdminSafetyIsAConflictWithItsOwnCode) {
  EXPECT_EQ(Seen(ToApiError(domain::AccountRefusal::kSelfDeletion)),
            (SeenError{Kind::kConflict, "self_delete", "You cannot delete your own account"}));
  EXPECT_EQ(
      Seen(ToApiError(domain::AccountRefusal::kSelfDemotion)),
      (SeenError{Kind::kConflict, "self_demotion", "You cannot take the admin role from your own account"}));
}

TEST(Refusals, DuplicatesNameTheKeyThatClashed) {
  using Key = store::DuplicateAccount::Key;
  const std::pair<Key, SeenError> cases[] = {
      {Key::kUsername, {Kind::kConflict, "username_taken", "This username is already taken"}},
      {Key::kEmail, {Kind::kConflict, "email_taken", "An account with this e-mail already exists"}},
      {Key::kUnknown, {Kind::kConflict, "duplicate", "Username or email already exists"}}};
  for (const auto& [key, seen] : cases) EXPECT_EQ(Seen(ToApiError(store::DuplicateAccount(key))), seen);
}

TEST(Refusals, AMissingUserIsNotFound) {
  EXPECT_EQ(Seen(UserNotFound()), (SeenError{Kind::kNotFound, "user_not_found", "User not found"}));
}

}  // namespace
}  // namespace mp::auth::api

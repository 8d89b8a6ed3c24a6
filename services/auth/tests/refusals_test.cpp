// What clients see for each refusal of the domain and each failed write (spec/api-v1.md).
#include "services/auth/src/api/refusals.hpp"

#include <gtest/gtest.h>

namespace mp::auth::api {
namespace {

using Kind = ApiError::Kind;

TEST(Refusals, AdminSafetyIsAConflictWithItsOwnCode) {
  auto self_delete = ToApiError(domain::AccountRefusal::kSelfDeletion);
  EXPECT_EQ(self_delete.kind(), Kind::kConflict);
  EXPECT_EQ(self_delete.code(), "self_delete");
  EXPECT_EQ(self_delete.error(), "You cannot delete your own account");

  auto self_demotion = ToApiError(domain::AccountRefusal::kSelfDemotion);
  EXPECT_EQ(self_demotion.kind(), Kind::kConflict);
  EXPECT_EQ(self_demotion.code(), "self_demotion");
  EXPECT_EQ(self_demotion.error(), "You cannot take the admin role from your own account");
}

TEST(Refusals, DuplicatesNameTheKeyThatClashed) {
  using Key = store::DuplicateAccount::Key;
  auto username = ToApiError(store::DuplicateAccount(Key::kUsername));
  EXPECT_EQ(username.kind(), Kind::kConflict);
  EXPECT_EQ(username.code(), "username_taken");
  EXPECT_EQ(username.error(), "This username is already taken");
  auto email = ToApiError(store::DuplicateAccount(Key::kEmail));
  EXPECT_EQ(email.code(), "email_taken");
  EXPECT_EQ(email.error(), "An account with this e-mail already exists");
  auto unknown = ToApiError(store::DuplicateAccount(Key::kUnknown));
  EXPECT_EQ(unknown.code(), "duplicate");
  EXPECT_EQ(unknown.error(), "Username or email already exists");
}

TEST(Refusals, AMissingUserIsNotFound) {
  auto error = UserNotFound();
  EXPECT_EQ(error.kind(), Kind::kNotFound);
  EXPECT_EQ(error.code(), "user_not_found");
  EXPECT_EQ(error.error(), "User not found");
}

}  // namespace
}  // namespace mp::auth::api

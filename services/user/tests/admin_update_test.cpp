#include "services/user/src/domain/admin_update.hpp"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mp::user::domain {
namespace {

std::map<std::string, std::string> AsMap(const std::vector<FieldProblem>& problems) {
  std::map<std::string, std::string> map;
  for (const auto& p : problems) map[p.field] = p.problem;
  return map;
}

AdminUserUpdate CustomerFields() {
  AdminUserUpdate update;
  update.customer.location = "MID";
  update.customer.budget_preference = 1000;
  return update;
}

AdminUserUpdate ProviderFields() {
  AdminUserUpdate update;
  update.provider.portfolio = std::vector<std::string>{"x"};
  return update;
}

TEST(AdminUpdate, AccountAndProfileFieldsAreToldApart) {
  AdminUserUpdate update;
  EXPECT_FALSE(update.has_auth_fields());
  EXPECT_FALSE(update.has_profile_fields());
  update.account.role_id = 2;
  EXPECT_TRUE(update.has_auth_fields());
  EXPECT_FALSE(update.has_profile_fields());
  EXPECT_TRUE(CustomerFields().has_profile_fields());
  EXPECT_FALSE(CustomerFields().has_auth_fields());
}

TEST(AdminUpdate, ProfileFieldsMustMatchTheRole) {
  EXPECT_TRUE(ProfileFieldProblems(CustomerFields(), 1).empty());
  auto for_provider = AsMap(ProfileFieldProblems(CustomerFields(), 2));
  EXPECT_EQ(for_provider["location"], "applies to a customer's profile only; the user is a provider");
  EXPECT_TRUE(for_provider.contains("budget_preference"));
  EXPECT_EQ(AsMap(ProfileFieldProblems(CustomerFields(), 3))["location"],
            "does not apply: an admin has no profile");

  EXPECT_TRUE(ProfileFieldProblems(ProviderFields(), 2).empty());
  EXPECT_EQ(AsMap(ProfileFieldProblems(ProviderFields(), 1))["portfolio"],
            "applies to a provider's profile only; the user is a customer");

  auto mixed = CustomerFields();
  mixed.customer.budget_preference.reset();
  mixed.provider.skills = std::vector<std::string>{"a"};
  EXPECT_EQ(ProfileFieldProblems(mixed, 1).size(), 1U);
  EXPECT_EQ(ProfileFieldProblems(mixed, 2).size(), 1U);

  AdminUserUpdate auth_only;
  auth_only.account.username = "x";
  EXPECT_TRUE(ProfileFieldProblems(auth_only, 3).empty());
}

TEST(ProfileToChange, IsTheProfileOfTheUsersRole) {
  auto customer = ProfileToChange(CustomerFields(), 1);
  ASSERT_TRUE(customer);
  EXPECT_EQ(*customer, ProfileType::kCustomer);
  auto provider = ProfileToChange(ProviderFields(), 2);
  ASSERT_TRUE(provider);
  EXPECT_EQ(*provider, ProfileType::kProvider);
}

TEST(ProfileToChange, FieldsOfAnotherRoleAreRefused) {
  auto refused = ProfileToChange(CustomerFields(), 2);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.refusal(), AdminUpdateRefusal::kFieldsOfAnotherRole);
}

TEST(ProfileToChange, AnAdminHasNoProfileToChange) {
  auto refused = ProfileToChange(ProviderFields(), 3);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.refusal(), AdminUpdateRefusal::kFieldsOfAnotherRole);
}

}  // namespace
}  // namespace mp::user::domain

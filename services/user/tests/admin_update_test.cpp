#include "services/user/src/domain/admin_update.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace mp::user::domain {
namespace {

using Json = nlohmann::json;

std::map<std::string, std::string> Problems(const Json& body) {
  try {
    ParseAdminUpdate(body);
  } catch (const ApiError& error) {
    EXPECT_EQ(error.kind(), ApiError::Kind::kValidation);
    std::map<std::string, std::string> problems;
    for (const auto& d : error.details()) problems[d.field] = d.problem;
    return problems;
  }
  ADD_FAILURE() << "accepted: " << body.dump();
  return {};
}

std::map<std::string, std::string> AsMap(const std::vector<FieldProblem>& problems) {
  std::map<std::string, std::string> map;
  for (const auto& p : problems) map[p.field] = p.problem;
  return map;
}

TEST(AdminUpdate, AuthFieldsAreForwardedAndProfileFieldsKept) {
  auto update = ParseAdminUpdate(Json{{"username", "new_name"},
                                      {"email", "New@Example.COM"},
                                      {"role_id", 2},
                                      {"skills", {"plumbing"}},
                                      {"hourly_rate", 45.5}});
  EXPECT_EQ(update.auth_fields,
            (Json{{"username", "new_name"}, {"email", "New@Example.COM"}, {"role_id", 2}}));
  EXPECT_EQ(update.role_id, 2);
  EXPECT_TRUE(update.customer.empty());
  EXPECT_EQ(update.provider.hourly_rate, 4550);
  EXPECT_EQ(*update.provider.skills, std::vector<std::string>{"plumbing"});
  EXPECT_TRUE(update.has_auth_fields());
  EXPECT_TRUE(update.has_profile_fields());
}

TEST(AdminUpdate, ProfileOnlyUpdateSendsNothingToAuth) {
  auto update = ParseAdminUpdate(Json{{"location", "WEST"}, {"address", "1 Main St"}});
  EXPECT_FALSE(update.has_auth_fields());
  EXPECT_FALSE(update.role_id);
  EXPECT_EQ(update.customer.location, "WEST");
}

TEST(AdminUpdate, EveryProblemIsReportedBeforeAnythingIsWritten) {
  auto problems = Problems(Json{{"email", "not-an-email"},
                                {"role_id", 4},
                                {"location", "CENTRAL"},
                                {"experience_years", 200},
                                {"rating", 1},
                                {"password", "secret123"}});
  EXPECT_EQ(problems["email"], "must be a valid e-mail address");
  EXPECT_EQ(problems["role_id"], "must be between 1 and 3");
  EXPECT_TRUE(problems.contains("location"));
  EXPECT_TRUE(problems.contains("experience_years"));
  EXPECT_EQ(problems["rating"], "cannot be changed");
  EXPECT_EQ(problems["password"], "cannot be changed by an admin");
}

TEST(AdminUpdate, AnEmptyOrAllNullBodyIsRefused) {
  EXPECT_TRUE(Problems(Json::object()).contains("body"));
  EXPECT_TRUE(Problems(Json{{"username", nullptr}, {"location", nullptr}}).contains("body"));
  EXPECT_TRUE(Problems(Json{{"role_id", "2"}}).contains("role_id"));
  EXPECT_TRUE(Problems(Json{{"username", 5}}).contains("username"));
}

TEST(AdminUpdate, ProfileFieldsMustMatchTheRole) {
  auto customer_fields = ParseAdminUpdate(Json{{"location", "MID"}, {"budget_preference", 10}});
  EXPECT_TRUE(ProfileFieldProblems(customer_fields, 1).empty());
  auto for_provider = AsMap(ProfileFieldProblems(customer_fields, 2));
  EXPECT_EQ(for_provider["location"], "applies to a customer's profile only; the user is a provider");
  EXPECT_TRUE(for_provider.contains("budget_preference"));
  EXPECT_EQ(AsMap(ProfileFieldProblems(customer_fields, 3))["location"],
            "does not apply: an admin has no profile");

  auto provider_fields = ParseAdminUpdate(Json{{"portfolio", {"x"}}});
  EXPECT_TRUE(ProfileFieldProblems(provider_fields, 2).empty());
  EXPECT_EQ(AsMap(ProfileFieldProblems(provider_fields, 1))["portfolio"],
            "applies to a provider's profile only; the user is a customer");

  auto mixed = ParseAdminUpdate(Json{{"location", "MID"}, {"skills", {"a"}}});
  EXPECT_EQ(ProfileFieldProblems(mixed, 1).size(), 1U);
  EXPECT_EQ(ProfileFieldProblems(mixed, 2).size(), 1U);

  auto auth_only = ParseAdminUpdate(Json{{"username", "x"}});
  EXPECT_TRUE(ProfileFieldProblems(auth_only, 3).empty());
}

}  // namespace
}  // namespace mp::user::domain

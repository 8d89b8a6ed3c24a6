// An admin's PUT body as the route reads it.
#include "services/user/src/api/profile_json.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "libs/core/error.hpp"

namespace mp::user::api {
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

TEST(AdminUpdate, AuthFieldsAreForwardedAndProfileFieldsKept) {
  auto update = ParseAdminUpdate(Json{{"username", "new_name"},
                                      {"email", "New@Example.COM"},
                                      {"role_id", 2},
                                      {"skills", {"plumbing"}},
                                      {"hourly_rate", 45.5}});
  EXPECT_EQ(update.account.username, "new_name");
  EXPECT_EQ(update.account.email, "New@Example.COM");  // as given: auth normalises it
  EXPECT_EQ(update.account.role_id, 2);
  EXPECT_TRUE(update.customer.empty());
  EXPECT_EQ(update.provider.hourly_rate, 4550);
  EXPECT_EQ(*update.provider.skills, std::vector<std::string>{"plumbing"});
  EXPECT_TRUE(update.has_auth_fields());
  EXPECT_TRUE(update.has_profile_fields());
}

TEST(AdminUpdate, ProfileOnlyUpdateSendsNothingToAuth) {
  auto update = ParseAdminUpdate(Json{{"location", "WEST"}, {"address", "1 Main St"}});
  EXPECT_FALSE(update.has_auth_fields());
  EXPECT_FALSE(update.account.role_id);
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

}  // namespace
}  // namespace mp::user::api

#include "services/auth/src/domain/account.hpp"

#include <gtest/gtest.h>

namespace mp::auth::domain {
namespace {

RegistrationFields Fields(std::string username, std::string email, std::string password, std::optional<std::int64_t> role) {
  return {std::move(username), std::move(email), std::move(password), role, role.has_value()};
}

std::vector<std::string> ProblemFields(const RegistrationFields& fields, Registration kind) {
  try {
    ValidateRegistration(fields, kind, {});
    return {};
  } catch (const ApiError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.details()) out.push_back(d.field);
    return out;
  }
}

TEST(Registration, CustomerAndProviderMayRegisterThemselves) {
  auto account = ValidateRegistration(Fields("alice", "Alice@Example.COM", "correct horse", 1), Registration::kPublic, {});
  EXPECT_EQ(account.email, "Alice@example.com");
  EXPECT_EQ(account.role_id, 1);
  EXPECT_EQ(ValidateRegistration(Fields("bob", "b@x.io", "12345678", 2), Registration::kPublic, {}).role_id, 2);
}

TEST(Registration, NobodyBecomesAdminThroughPublicRegistration) {
  EXPECT_EQ(ProblemFields(Fields("eve", "e@x.io", "12345678", 3), Registration::kPublic),
            std::vector<std::string>{"role_id"});
  EXPECT_EQ(ProblemFields(Fields("eve", "e@x.io", "12345678", 0), Registration::kPublic),
            std::vector<std::string>{"role_id"});
}

TEST(Registration, AdminRegistrationCreatesAdminsOnly) {
  EXPECT_EQ(ValidateRegistration(Fields("root", "r@x.io", "12345678", std::nullopt), Registration::kAdmin, {}).role_id, 3);
  EXPECT_EQ(ProblemFields(Fields("root", "r@x.io", "12345678", 1), Registration::kAdmin),
            std::vector<std::string>{"role_id"});
}

TEST(Registration, ReportsEveryBadField) {
  EXPECT_EQ(ProblemFields(Fields("a", "not-an-email", "short", 1), Registration::kPublic),
            (std::vector<std::string>{"username", "email", "password"}));
}

TEST(Username, Rules) {
  EXPECT_FALSE(UsernameProblem("alice"));
  EXPECT_FALSE(UsernameProblem("张伟的店"));
  EXPECT_TRUE(UsernameProblem("ab"));
  EXPECT_TRUE(UsernameProblem(" alice"));
  EXPECT_TRUE(UsernameProblem("al\nice"));
  EXPECT_TRUE(UsernameProblem("a@b.com"));
  EXPECT_TRUE(UsernameProblem(std::string(101, 'x')));
}

TEST(Password, Rules) {
  EXPECT_FALSE(PasswordProblem("12345678"));
  EXPECT_TRUE(PasswordProblem("1234567"));
  EXPECT_TRUE(PasswordProblem(std::string(129, 'x')));
}

}  // namespace
}  // namespace mp::auth::domain

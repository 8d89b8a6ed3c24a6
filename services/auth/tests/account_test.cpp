#include "services/auth/src/domain/account.hpp"

#include <gtest/gtest.h>

namespace mp::auth::domain {
namespace {

RegistrationFields Fields(std::string username, std::string email, std::string password,
                          std::optional<std::int64_t> role) {
  return {std::move(username), std::move(email), std::move(password), role};
}

std::vector<std::string> FieldsOf(const std::vector<FieldProblem>& problems) {
  std::vector<std::string> fields;
  fields.reserve(problems.size());
  for (const auto& problem : problems) fields.push_back(problem.field);
  return fields;
}

std::vector<std::string> RegistrationProblems(const RegistrationFields& fields, Registration kind) {
  std::vector<FieldProblem> problems;
  (void)CheckRegistration(fields, kind, problems);
  return FieldsOf(problems);
}

std::vector<FieldProblem> EditProblems(const AccountEdit& edit) {
  std::vector<FieldProblem> problems;
  (void)CheckAccountEdit(edit, problems);
  return problems;
}

TEST(Registration, CustomerAndProviderMayRegisterThemselves) {
  std::vector<FieldProblem> problems;
  auto alice = Fields("alice", "Alice@Example.COM", "correct horse", 1);
  auto account = CheckRegistration(alice, Registration::kPublic, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(account.email, "Alice@example.com");
  EXPECT_EQ(account.role_id, 1);
  auto provider = CheckRegistration(Fields("bob", "b@x.io", "12345678", 2), Registration::kPublic, problems);
  EXPECT_EQ(provider.role_id, 2);
  EXPECT_TRUE(problems.empty());
}

TEST(Registration, NobodyBecomesAdminThroughPublicRegistration) {
  EXPECT_EQ(RegistrationProblems(Fields("eve", "e@x.io", "12345678", 3), Registration::kPublic),
            std::vector<std::string>{"role_id"});
  EXPECT_EQ(RegistrationProblems(Fields("eve", "e@x.io", "12345678", 0), Registration::kPublic),
            std::vector<std::string>{"role_id"});
}

TEST(Registration, AdminRegistrationCreatesAdminsOnly) {
  std::vector<FieldProblem> problems;
  auto root = Fields("root", "r@x.io", "12345678", std::nullopt);
  auto admin = CheckRegistration(root, Registration::kAdmin, problems);
  EXPECT_EQ(admin.role_id, kAdminRole);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(RegistrationProblems(Fields("root", "r@x.io", "12345678", 1), Registration::kAdmin),
            std::vector<std::string>{"role_id"});
}

TEST(Registration, ReportsEveryBadFieldAfterThoseAlreadyFound) {
  std::vector<FieldProblem> problems{{"role_id", "is required"}};
  (void)CheckRegistration(Fields("a", "not-an-email", "short", std::nullopt), Registration::kPublic,
                          problems);
  EXPECT_EQ(FieldsOf(problems), (std::vector<std::string>{"role_id", "username", "email", "password"}));
}

TEST(Username, Rules) {
  EXPECT_FALSE(UsernameProblem("alice"));
  EXPECT_FALSE(UsernameProblem("张伟的店"));
  EXPECT_EQ(UsernameProblem("ab"), "must be 3 to 100 characters");
  EXPECT_EQ(UsernameProblem(" alice"), "must not start or end with a space");
  EXPECT_EQ(UsernameProblem("al\nice"), "must not contain control characters or '@'");
  EXPECT_TRUE(UsernameProblem("a@b.com"));
  EXPECT_TRUE(UsernameProblem(std::string(101, 'x')));
  EXPECT_EQ(UsernameProblem("ab\xff"), "must be valid UTF-8");
}

TEST(Password, Rules) {
  EXPECT_FALSE(PasswordProblem("12345678"));
  EXPECT_EQ(PasswordProblem("1234567"), "must be at least 8 characters");
  EXPECT_EQ(PasswordProblem(std::string(129, 'x')), "must be at most 128 characters");
}

TEST(AccountEdit, EmailIsNormalisedAndRoleKept) {
  std::vector<FieldProblem> problems;
  auto changes = CheckAccountEdit({"new_name", "New@Example.COM", 2}, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(changes.username, "new_name");
  EXPECT_EQ(changes.email, "New@example.com");
  EXPECT_EQ(changes.role_id, 2);
}

TEST(AccountEdit, EveryBadFieldIsReported) {
  auto problems = EditProblems({"ab", "not-an-email", 4});
  EXPECT_EQ(FieldsOf(problems), (std::vector<std::string>{"username", "email", "role_id"}));
  EXPECT_EQ(problems[1].problem, "must be a valid e-mail address");
  EXPECT_EQ(problems[2].problem, "must be 1, 2 or 3");
}

TEST(AccountEdit, AnEmptyEditIsRefusedUnlessSomethingElseIsAlreadyWrong) {
  auto problems = EditProblems({});
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].field, "body");
  EXPECT_EQ(problems[0].problem, "give at least one of username, email, role_id");

  std::vector<FieldProblem> earlier{{"username", "must be a string"}};
  (void)CheckAccountEdit({}, earlier);
  EXPECT_EQ(FieldsOf(earlier), std::vector<std::string>{"username"});
}

TEST(ChangeAccount, AnAdminCannotDropItsOwnAdminRole) {
  AccountChanges demote;
  demote.role_id = kCustomerRole;
  auto refused = ChangeAccount(7, demote, 7);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.refusal(), AccountRefusal::kSelfDemotion);
}

TEST(ChangeAccount, AnAdminMayRenameItselfOrChangeOthersRoles) {
  AccountChanges rename;
  rename.username = "root2";
  rename.role_id = kAdminRole;
  auto own = ChangeAccount(7, rename, 7);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->username, "root2");

  AccountChanges demote;
  demote.role_id = kCustomerRole;
  auto other = ChangeAccount(8, demote, 7);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->role_id, kCustomerRole);
}

TEST(DeleteAccount, AnAdminCannotDeleteItself) {
  auto refused = DeleteAccount(7, 7);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.refusal(), AccountRefusal::kSelfDeletion);
}

TEST(DeleteAccount, AnAdminMayDeleteAnotherAccount) {
  auto deleted = DeleteAccount(8, 7);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 8);
}

}  // namespace
}  // namespace mp::auth::domain

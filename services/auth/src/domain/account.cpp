#include "services/auth/src/domain/account.hpp"

#include "libs/core/text.hpp"

namespace mp::auth::domain {

std::optional<std::string> UsernameProblem(std::string_view username) {
  auto length = Utf8Length(username);
  if (!length) return "must be valid UTF-8";
  if (*length < kUsernameMin || *length > kUsernameMax) {
    return "must be " + std::to_string(kUsernameMin) + " to " + std::to_string(kUsernameMax) + " characters";
  }
  if (username.front() == ' ' || username.back() == ' ') return "must not start or end with a space";
  if (HasControlCharacter(username, false) || username.find('@') != std::string_view::npos) {
    return "must not contain control characters or '@'";
  }
  return std::nullopt;
}

std::optional<std::string> PasswordProblem(std::string_view password) {
  auto length = Utf8Length(password);
  if (!length) return "must be valid UTF-8";
  if (*length < kPasswordMin) return "must be at least " + std::to_string(kPasswordMin) + " characters";
  if (*length > kPasswordMax) return "must be at most " + std::to_string(kPasswordMax) + " characters";
  return std::nullopt;
}

bool IsKnownRole(std::int64_t role_id) { return role_id >= kCustomerRole && role_id <= kAdminRole; }

NewAccount CheckRegistration(const RegistrationFields& fields, Registration kind,
                             std::vector<FieldProblem>& problems) {
  NewAccount account;
  if (fields.username) {
    if (auto problem = UsernameProblem(*fields.username)) problems.push_back({"username", *problem});
    account.username = *fields.username;
  }
  if (fields.email) {
    if (auto email = NormalizeEmail(*fields.email)) {
      account.email = *email;
    } else {
      problems.push_back({"email", "must be a valid e-mail address"});
    }
  }
  if (fields.password) {
    if (auto problem = PasswordProblem(*fields.password)) problems.push_back({"password", *problem});
    account.password = *fields.password;
  }
  if (kind == Registration::kPublic) {
    if (fields.role_id && *fields.role_id != kCustomerRole && *fields.role_id != kProviderRole) {
      problems.push_back({"role_id", "must be 1 (customer) or 2 (provider)"});
    }
    account.role_id = fields.role_id ? static_cast<int>(*fields.role_id) : 0;
  } else {
    if (fields.role_id && *fields.role_id != kAdminRole) problems.push_back({"role_id", "must be 3 (admin)"});
    account.role_id = kAdminRole;
  }
  return account;
}

AccountChanges CheckAccountEdit(const AccountEdit& edit, std::vector<FieldProblem>& problems) {
  AccountChanges changes;
  if (edit.username) {
    if (auto problem = UsernameProblem(*edit.username)) problems.push_back({"username", *problem});
    changes.username = edit.username;
  }
  if (edit.email) {
    changes.email = NormalizeEmail(*edit.email);
    if (!changes.email) problems.push_back({"email", "must be a valid e-mail address"});
  }
  if (edit.role_id) {
    if (!IsKnownRole(*edit.role_id)) problems.push_back({"role_id", "must be 1, 2 or 3"});
    changes.role_id = static_cast<int>(*edit.role_id);
  }
  if (problems.empty() && !changes.username && !changes.email && !changes.role_id) {
    problems.push_back({"body", "give at least one of username, email, role_id"});
  }
  return changes;
}

Outcome<AccountChanges, AccountRefusal> ChangeAccount(std::int64_t user_id, AccountChanges changes,
                                                      std::int64_t admin_id) {
  if (user_id == admin_id && changes.role_id && *changes.role_id != kAdminRole) {
    return AccountRefusal::kSelfDemotion;
  }
  return changes;
}

Outcome<std::int64_t, AccountRefusal> DeleteAccount(std::int64_t user_id, std::int64_t admin_id) {
  if (user_id == admin_id) return AccountRefusal::kSelfDeletion;
  return user_id;
}

}  // namespace mp::auth::domain

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/core/outcome.hpp"
#include "libs/core/problem.hpp"
#include "libs/core/time.hpp"

// Accounts: who may register as what, what a valid username, e-mail and password are, and what an admin may
// change. Depends on libs/core only.
namespace mp::auth::domain {

inline constexpr std::size_t kUsernameMin = 3;
inline constexpr std::size_t kUsernameMax = 100;
inline constexpr std::size_t kPasswordMin = 8;
inline constexpr std::size_t kPasswordMax = 128;
inline constexpr std::int64_t kAccessTokenSeconds = 30 * 60;
inline constexpr std::int64_t kRefreshTokenSeconds = 14 * 24 * 3600;

inline constexpr int kCustomerRole = 1;
inline constexpr int kProviderRole = 2;
inline constexpr int kAdminRole = 3;

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string email;
  std::string password_hash;
  int role_id = 0;
  std::int64_t token_version = 0;
  time::TimePoint created_at{};
  time::TimePoint updated_at{};
};

struct NewAccount {
  std::string username;
  std::string email;  // normalised (domain lower-cased)
  std::string password;
  int role_id = 0;
};

enum class Registration { kPublic, kAdmin };

// A registration's fields as sent (absent: not given, the API reports that).
struct RegistrationFields {
  std::optional<std::string> username, email, password;
  std::optional<std::int64_t> role_id;
};

// The account a registration creates; adds a problem to `problems` for every bad field (the account is only
// meaningful when `problems` stays empty). Public registration accepts role 1 or 2 only; admin registration
// creates role 3 (role_id may be omitted).
NewAccount CheckRegistration(const RegistrationFields& fields, Registration kind,
                             std::vector<FieldProblem>& problems);

// nullopt when fine, otherwise the problem text.
std::optional<std::string> UsernameProblem(std::string_view username);
std::optional<std::string> PasswordProblem(std::string_view password);
bool IsKnownRole(std::int64_t role_id);

// An admin's change of an account as sent: any of username, email, role_id.
struct AccountEdit {
  std::optional<std::string> username, email;
  std::optional<std::int64_t> role_id;
};

// What a change writes (the e-mail normalised).
struct AccountChanges {
  std::optional<std::string> username, email;
  std::optional<int> role_id;
};

// The changes of `edit`; adds a problem to `problems` for every bad field, and one for an edit that gives
// nothing when `problems` holds none yet (pass what was already wrong with the request in `problems`).
AccountChanges CheckAccountEdit(const AccountEdit& edit, std::vector<FieldProblem>& problems);

// Why an admin may not do something to an account: an admin keeps its own account and its admin role, so
// that there is always someone left to manage the others.
enum class AccountRefusal { kSelfDeletion, kSelfDemotion };

// `admin_id` changes the account `user_id`: the changes to write, or kSelfDemotion when they would take
// the admin role from the admin's own account.
Outcome<AccountChanges, AccountRefusal> ChangeAccount(std::int64_t user_id, AccountChanges changes,
                                                      std::int64_t admin_id);
// `admin_id` deletes the account `user_id`: the id of the account to delete, or kSelfDeletion.
Outcome<std::int64_t, AccountRefusal> DeleteAccount(std::int64_t user_id, std::int64_t admin_id);

}  // namespace mp::auth::domain

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/core/error.hpp"
#include "libs/core/time.hpp"

// Accounts: who may register as what, and what a valid username, e-mail and password are.
namespace mp::auth::domain {

inline constexpr std::size_t kUsernameMin = 3;
inline constexpr std::size_t kUsernameMax = 100;
inline constexpr std::size_t kPasswordMin = 8;
inline constexpr std::size_t kPasswordMax = 128;
inline constexpr std::int64_t kAccessTokenSeconds = 30 * 60;
inline constexpr std::int64_t kRefreshTokenSeconds = 14 * 24 * 3600;

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

// Checks a registration; throws ApiError 422 listing every problem. Public registration accepts role 1 or
// 2 only; admin registration creates role 3 (role_id may be omitted).
struct RegistrationFields {
  std::optional<std::string> username, email, password;
  std::optional<std::int64_t> role_id;
  bool role_id_present = false;
};
NewAccount ValidateRegistration(const RegistrationFields& fields, Registration kind, std::vector<FieldProblem> problems);

// nullopt when fine, otherwise the problem text.
std::optional<std::string> UsernameProblem(std::string_view username);
std::optional<std::string> PasswordProblem(std::string_view password);
bool IsKnownRole(std::int64_t role_id);

}  // namespace mp::auth::domain

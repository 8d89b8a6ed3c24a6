#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libs/core/outcome.hpp"
#include "libs/core/problem.hpp"
#include "services/user/src/domain/profile.hpp"

// An admin's PUT /admin/users/{id}, split into what auth owns (username, email, role_id) and what the user
// service owns (the profile fields of either kind). Everything is validated before anything is written
// anywhere.
namespace mp::user::domain {

// The account fields, forwarded to auth as given (auth applies its own rules to them).
struct AccountChanges {
  std::optional<std::string> username, email;
  std::optional<int> role_id;

  bool empty() const { return !username && !email && !role_id; }
};

struct AdminUserUpdate {
  AccountChanges account;
  CustomerChanges customer;
  ProviderChanges provider;

  bool has_auth_fields() const { return !account.empty(); }
  bool has_profile_fields() const { return !customer.empty() || !provider.empty(); }
};

// The profile fields must be those of the role the user will have (role_id of the update, or the current
// one): a customer's fields for a customer, a provider's for a provider, none for an admin. One problem
// per field that does not apply (empty: all apply).
std::vector<FieldProblem> ProfileFieldProblems(const AdminUserUpdate& update, std::int64_t role_id);

enum class AdminUpdateRefusal {
  kFieldsOfAnotherRole,  // the profile fields are not (all) those of the user's role
};

// The kind of profile the update's profile fields change for a user of `role_id`, or kFieldsOfAnotherRole
// (also for an admin, who has no profile).
Outcome<ProfileType, AdminUpdateRefusal> ProfileToChange(const AdminUserUpdate& update, std::int64_t role_id);

}  // namespace mp::user::domain

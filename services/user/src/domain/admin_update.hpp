#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/user/src/domain/profile.hpp"

// An admin's PUT /admin/users/{id} body, split into what auth owns (username, email, role_id) and what the
// user service owns (the profile fields of either kind). Everything is validated before anything is
// written anywhere.
namespace mp::user::domain {

struct AdminUserUpdate {
  nlohmann::json auth_fields = nlohmann::json::object();  // forwarded to auth's PUT as given
  std::optional<int> role_id;
  CustomerChanges customer;
  ProviderChanges provider;

  bool has_auth_fields() const { return !auth_fields.empty(); }
  bool has_profile_fields() const { return !customer.empty() || !provider.empty(); }
};

// Types, ranges and enums of every field (422 listing all problems); the username's own rules are auth's
// (its 422 comes back unchanged). Read-only keys (user_id, rating, ..., password) are refused, and an
// empty update too.
AdminUserUpdate ParseAdminUpdate(const nlohmann::json& body);

// The profile fields must be those of the role the user will have (role_id of the body, or the current
// one): a customer's fields for a customer, a provider's for a provider, none for an admin. One problem
// per field that does not apply (empty: all apply).
std::vector<FieldProblem> ProfileFieldProblems(const AdminUserUpdate& update, std::int64_t role_id);

}  // namespace mp::user::domain

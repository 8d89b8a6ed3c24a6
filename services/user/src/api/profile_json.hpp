#pragma once

#include <nlohmann/json.hpp>

#include "services/user/src/domain/admin_update.hpp"
#include "services/user/src/domain/profile.hpp"

// Profiles on the wire: the request bodies the routes read. The public shapes they write are
// events/profile_shape.hpp (the profile.created event carries the same object).
namespace mp::user::api {

// A request body of POST (create: every field optional, defaults for the rest) or PUT (update: at least
// one field) of the caller's own profile. Throw ApiError 422 with every problem in `details`.
domain::CustomerChanges ParseCustomerCreate(const nlohmann::json& body);
domain::CustomerChanges ParseCustomerUpdate(const nlohmann::json& body);
domain::ProviderChanges ParseProviderCreate(const nlohmann::json& body);
domain::ProviderChanges ParseProviderUpdate(const nlohmann::json& body);

// An admin's PUT /admin/users/{id} body: types, ranges and enums of every field (422 listing all
// problems); the username's own rules are auth's (its 422 comes back unchanged). Read-only keys (user_id,
// rating, ..., password) are refused, and an empty update too.
domain::AdminUserUpdate ParseAdminUpdate(const nlohmann::json& body);

}  // namespace mp::user::api

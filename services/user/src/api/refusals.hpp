#pragma once

#include <string>

#include "libs/core/error.hpp"
#include "services/user/src/domain/admin_update.hpp"
#include "services/user/src/domain/profile.hpp"

// What clients see when the domain refuses or a store write does not happen: the statuses, codes and texts
// of spec/api-v1.md.
namespace mp::user::api {

ApiError ToApiError(domain::AdminUpdateRefusal refusal);

// "Customer" | "Provider", for the route messages of reference §3/§4.2.
std::string Title(domain::ProfileType type);

ApiError ProfileNotFound(domain::ProfileType type);  // the store has no profile of that kind
ApiError ProfileExists(domain::ProfileType type);    // a create found one
ApiError UserNotFound();                             // the user was deleted
ApiError ProfileChanged();                           // an admin's write lost every race

}  // namespace mp::user::api

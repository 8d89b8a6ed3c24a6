#pragma once

#include "libs/core/error.hpp"
#include "services/auth/src/domain/account.hpp"
#include "services/auth/src/store/user_store.hpp"

// What clients see when the domain refuses or a write does not happen: the statuses, codes and texts of
// spec/api-v1.md.
namespace mp::auth::api {

ApiError ToApiError(domain::AccountRefusal refusal);
ApiError ToApiError(const store::DuplicateAccount& duplicate);
ApiError UserNotFound();

}  // namespace mp::auth::api

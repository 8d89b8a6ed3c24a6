#pragma once

#include "libs/core/error.hpp"
#include "services/notification/src/clients/auth_client.hpp"

// What a client sees when auth gives no user: the one place that turns those failures into statuses, codes
// and texts.
namespace mp::notification::api {

// 404 user_not_found, 401 token_rejected, 403, 503 auth_unavailable.
ApiError ToApiError(clients::UserLookupFailure failure);

}  // namespace mp::notification::api

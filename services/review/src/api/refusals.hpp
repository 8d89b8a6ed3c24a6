#pragma once

#include "libs/core/error.hpp"
#include "services/review/src/clients/order_client.hpp"
#include "services/review/src/domain/review.hpp"

// What a client sees for each refusal of the review domain and each failure of the order service: the one
// place that turns them into statuses, codes and texts.
namespace mp::review::api {

// 403 "Permission denied" for someone else's order; 409 with a code for the order's state.
ApiError ToApiError(domain::ReviewRefusal refusal);
// 404 order_not_found, 403, 401 token_rejected, 503 order_unavailable.
ApiError ToApiError(clients::OrderLookupFailure failure);

}  // namespace mp::review::api

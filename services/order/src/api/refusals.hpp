#pragma once

#include <optional>

#include "libs/core/error.hpp"
#include "services/order/src/domain/order.hpp"

// The one place where the order service's refusals become what clients see: status, code and text.
namespace mp::order::api {

// The answer to a refusal of `order` (as it was when refused); `wanted` is the status an admin's edit asked
// for, which invalid_transition names.
ApiError ToApiError(domain::OrderRefusal refusal, const domain::Order& order,
                    std::optional<domain::Status> wanted = std::nullopt);

}  // namespace mp::order::api

#pragma once

#include "libs/core/error.hpp"
#include "services/payment/src/domain/payment.hpp"

// The one place where the payment service's refusals become what clients see: status, code and text.
namespace mp::payment::api {

ApiError ToApiError(domain::PaymentRefusal refusal);

}  // namespace mp::payment::api

#include "services/notification/src/api/refusals.hpp"

#include "libs/http/user_call.hpp"

namespace mp::notification::api {

ApiError ToApiError(clients::UserLookupFailure failure) {
  using clients::UserLookupFailure;
  if (failure == UserLookupFailure::kNotFound) return ApiError::NotFound("User not found", "user_not_found");
  if (failure == UserLookupFailure::kForbidden) return ApiError::Forbidden();
  return http::LookupError(failure, "auth");
}

}  // namespace mp::notification::api

#include "services/notification/src/api/refusals.hpp"

namespace mp::notification::api {

ApiError ToApiError(clients::UserLookupFailure failure) {
  using clients::UserLookupFailure;
  switch (failure) {
    case UserLookupFailure::kNotFound: return ApiError::NotFound("User not found", "user_not_found");
    case UserLookupFailure::kTokenRejected:
      return ApiError::Unauthorized("Token rejected by the auth service", "token_rejected");
    case UserLookupFailure::kForbidden: return ApiError::Forbidden();
    case UserLookupFailure::kTimedOut:
      return ApiError::Unavailable("Auth service unavailable: timed out", "auth_unavailable");
    case UserLookupFailure::kUnreachable:
      return ApiError::Unavailable("Auth service unavailable: unreachable", "auth_unavailable");
    case UserLookupFailure::kUnexpectedAnswer:
      return ApiError::Unavailable("Auth service unavailable: unexpected answer", "auth_unavailable");
  }
  return ApiError::Internal();
}

}  // namespace mp::notification::api

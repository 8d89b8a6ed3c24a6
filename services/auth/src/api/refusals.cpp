#include "services/auth/src/api/refusals.hpp"

namespace mp::auth::api {

ApiError ToApiError(domain::AccountRefusal refusal) {
  switch (refusal) {
    case domain::AccountRefusal::kSelfDeletion:
      return ApiError::Conflict("You cannot delete your own account", "self_delete");
    case domain::AccountRefusal::kSelfDemotion:
      return ApiError::Conflict("You cannot take the admin role from your own account", "self_demotion");
  }
  return ApiError::Internal();
}

ApiError ToApiError(const store::DuplicateAccount& duplicate) {
  switch (duplicate.key()) {
    case store::DuplicateAccount::Key::kUsername:
      return ApiError::Conflict("This username is already taken", "username_taken");
    case store::DuplicateAccount::Key::kEmail:
      return ApiError::Conflict("An account with this e-mail already exists", "email_taken");
    case store::DuplicateAccount::Key::kUnknown: break;
  }
  return ApiError::Conflict("Username or email already exists", "duplicate");
}

ApiError UserNotFound() { return ApiError::NotFound("User not found", "user_not_found"); }

}  // namespace mp::auth::api

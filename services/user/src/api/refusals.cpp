#include "services/user/src/api/refusals.hpp"

namespace mp::user::api {

ApiError ToApiError(domain::AdminUpdateRefusal refusal) {
  switch (refusal) {
    case domain::AdminUpdateRefusal::kFieldsOfAnotherRole:
      // Only when another admin changed the role between the check and auth's answer.
      return ApiError::Conflict("The user's role changed meanwhile; the profile was not changed",
                                "role_changed");
  }
  return ApiError::Internal();
}

std::string Title(domain::ProfileType type) {
  return type == domain::ProfileType::kCustomer ? "Customer" : "Provider";
}

ApiError ProfileNotFound(domain::ProfileType type) {
  return ApiError::NotFound(Title(type) + " profile not found", "profile_not_found");
}

ApiError ProfileExists(domain::ProfileType type) {
  return ApiError::Conflict(Title(type) + " profile already exists", "profile_exists");
}

ApiError UserNotFound() { return ApiError::NotFound("User not found", "user_not_found"); }

ApiError ProfileChanged() {
  return ApiError::Conflict("The profile changed while it was being written; try again", "profile_changed");
}

}  // namespace mp::user::api

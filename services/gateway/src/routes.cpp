#include "services/gateway/src/routes.hpp"

namespace mp::gateway {

using http::Verb;

const std::vector<PublicRoute>& PublicRoutes() {
  // clang-format off
  static const std::vector<PublicRoute> routes = {
      {Verb::post,    "/api/v1/auth/register",              "auth", Access::kPublic, Limit::kStrict},
      {Verb::post,    "/api/v1/auth/admin/register",        "auth", Access::kAdmin,  Limit::kDefault},
      {Verb::post,    "/api/v1/auth/login",                 "auth", Access::kPublic, Limit::kStrict},
      {Verb::get,     "/api/v1/auth/me",                    "auth", Access::kUser,   Limit::kDefault},
      {Verb::post,    "/api/v1/auth/refresh",               "auth", Access::kPublic, Limit::kStrict},
      {Verb::post,    "/api/v1/auth/logout",                "auth", Access::kUser,   Limit::kDefault},
      {Verb::post,    "/api/v1/auth/verify-token",          "auth", Access::kPublic, Limit::kDefault},
      // Admin user management: served by auth until the user service adds profiles to it.
      {Verb::get,     "/api/v1/admin/users",                "auth", Access::kAdmin,  Limit::kDefault},
      {Verb::get,     "/api/v1/admin/users/{user_id:int}",  "auth", Access::kAdmin,  Limit::kDefault},
      {Verb::put,     "/api/v1/admin/users/{user_id:int}",  "auth", Access::kAdmin,  Limit::kDefault},
      {Verb::delete_, "/api/v1/admin/users/{user_id:int}",  "auth", Access::kAdmin,  Limit::kDefault},
  };
  // clang-format on
  return routes;
}

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kPublic: return "public";
    case Access::kUser: return "user";
    case Access::kCustomer: return "customer";
    case Access::kProvider: return "provider";
    case Access::kAdmin: return "admin";
  }
  return "public";
}

}  // namespace mp::gateway

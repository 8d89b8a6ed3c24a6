#include "services/gateway/src/routes.hpp"

namespace mp::gateway {

using http::Verb;

const std::vector<PublicRoute>& PublicRoutes() {
  using enum Access;
  using enum Limit;
  // clang-format off
  static const std::vector<PublicRoute> routes = {
      {Verb::post,    "/api/v1/auth/register",             "auth", kPublic, kStrict},
      {Verb::post,    "/api/v1/auth/admin/register",       "auth", kAdmin,  kDefault},
      {Verb::post,    "/api/v1/auth/login",                "auth", kPublic, kStrict},
      {Verb::get,     "/api/v1/auth/me",                   "auth", kUser,   kDefault},
      {Verb::post,    "/api/v1/auth/refresh",              "auth", kPublic, kStrict},
      {Verb::post,    "/api/v1/auth/logout",               "auth", kUser,   kDefault},
      {Verb::post,    "/api/v1/auth/verify-token",         "auth", kPublic, kDefault},
      // Admin user management: served by auth until the user service adds profiles to it.
      {Verb::get,     "/api/v1/admin/users",               "auth", kAdmin,  kDefault},
      {Verb::get,     "/api/v1/admin/users/{user_id:int}", "auth", kAdmin,  kDefault},
      {Verb::put,     "/api/v1/admin/users/{user_id:int}", "auth", kAdmin,  kDefault},
      {Verb::delete_, "/api/v1/admin/users/{user_id:int}", "auth", kAdmin,  kDefault},
      // Orders (order service).
      {Verb::post,    "/api/v1/customer/orders/publish",                  "order", kCustomer, kDefault},
      {Verb::get,     "/api/v1/customer/orders",                          "order", kCustomer, kDefault},
      {Verb::get,     "/api/v1/customer/orders/my/{order_id:int}",        "order", kCustomer, kDefault},
      {Verb::get,     "/api/v1/customer/orders/history",                  "order", kCustomer, kDefault},
      {Verb::post,    "/api/v1/customer/orders/cancel/{order_id:int}",    "order", kCustomer, kDefault},
      {Verb::get,     "/api/v1/provider/orders/available",                "order", kProvider, kDefault},
      {Verb::get,     "/api/v1/provider/orders/available/{order_id:int}", "order", kProvider, kDefault},
      {Verb::post,    "/api/v1/provider/orders/accept/{order_id:int}",    "order", kProvider, kDefault},
      {Verb::post,    "/api/v1/provider/orders/status/{order_id:int}",    "order", kProvider, kDefault},
      {Verb::get,     "/api/v1/provider/orders/my/{order_id:int}",        "order", kProvider, kDefault},
      {Verb::get,     "/api/v1/provider/orders/history",                  "order", kProvider, kDefault},
      {Verb::get,     "/api/v1/admin/orders",                             "order", kAdmin,    kDefault},
      {Verb::get,     "/api/v1/admin/orders/pending-review",              "order", kAdmin,    kDefault},
      {Verb::get,     "/api/v1/admin/orders/{order_id:int}",              "order", kAdmin,    kDefault},
      {Verb::post,    "/api/v1/admin/orders/{order_id:int}/approve",      "order", kAdmin,    kDefault},
      {Verb::put,     "/api/v1/admin/orders/{order_id:int}",              "order", kAdmin,    kDefault},
      {Verb::delete_, "/api/v1/admin/orders/{order_id:int}",              "order", kAdmin,    kDefault},
      // Inboxes (notification service). Notification ids are 24-hex strings, checked by the service.
      {Verb::get,  "/api/v1/customer/inbox",                        "notification", kCustomer, kDefault},
      {Verb::get,  "/api/v1/customer/inbox/unread-count",           "notification", kCustomer, kDefault},
      {Verb::put,  "/api/v1/customer/inbox/read-all",               "notification", kCustomer, kDefault},
      {Verb::put,  "/api/v1/customer/inbox/{notification_id}/read", "notification", kCustomer, kDefault},
      {Verb::get,  "/api/v1/provider/inbox",                        "notification", kProvider, kDefault},
      {Verb::get,  "/api/v1/provider/inbox/unread-count",           "notification", kProvider, kDefault},
      {Verb::put,  "/api/v1/provider/inbox/read-all",               "notification", kProvider, kDefault},
      {Verb::put,  "/api/v1/provider/inbox/{notification_id}/read", "notification", kProvider, kDefault},
      // Admin notices (notification service).
      {Verb::post, "/api/v1/admin/notifications/customer/{user_id:int}", "notification", kAdmin, kDefault},
      {Verb::post, "/api/v1/admin/notifications/provider/{user_id:int}", "notification", kAdmin, kDefault},
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

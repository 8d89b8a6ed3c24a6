#include "services/gateway/src/routes.hpp"

#include <iostream>

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
      {Verb::post,    "/api/v1/auth/logout",               "auth", kUser,   kDefault, true},
      {Verb::post,    "/api/v1/auth/verify-token",         "auth", kPublic, kDefault},
      {Verb::get,     "/api/v1/auth/jwks",                 "auth", kPublic, kDefault},
      // Profiles (user service).
      {Verb::get,     "/api/v1/customer/profile",          "user", kCustomer, kDefault},
      {Verb::put,     "/api/v1/customer/profile",          "user", kCustomer, kDefault},
      {Verb::post,    "/api/v1/customer/profile",          "user", kCustomer, kDefault},
      {Verb::get,     "/api/v1/provider/profile",          "user", kProvider, kDefault},
      {Verb::put,     "/api/v1/provider/profile",          "user", kProvider, kDefault},
      {Verb::post,    "/api/v1/provider/profile",          "user", kProvider, kDefault},
      {Verb::get,     "/api/v1/providers/search",          "user", kPublic,   kDefault},
      // Admin user management (user service: the account in auth plus the profile).
      {Verb::get,     "/api/v1/admin/users",               "user", kAdmin,    kDefault},
      {Verb::get,     "/api/v1/admin/users/{user_id:int}", "user", kAdmin,    kDefault},
      {Verb::put,     "/api/v1/admin/users/{user_id:int}", "user", kAdmin,    kDefault, true},
      {Verb::delete_, "/api/v1/admin/users/{user_id:int}", "user", kAdmin,    kDefault, true},
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
      // Payments and refunds (payment service). The Idempotency-Key header is forwarded.
      {Verb::post, "/api/v1/customer/payments/pay",                  "payment", kCustomer, kDefault},
      {Verb::get,  "/api/v1/customer/payments",                      "payment", kCustomer, kDefault},
      {Verb::post, "/api/v1/customer/refunds",                       "payment", kCustomer, kDefault},
      {Verb::get,  "/api/v1/admin/refunds",                          "payment", kAdmin,    kDefault},
      {Verb::post, "/api/v1/admin/refunds/{refund_id:int}/approve",  "payment", kAdmin,    kDefault},
      // Reviews and ratings (review service). The provider's own routes are literal, so "me" never reaches
      // {provider_id:int}; the public reads need no token; an order's review is checked against the order's
      // parties by the service.
      {Verb::post, "/api/v1/reviews",                                     "review", kCustomer, kDefault},
      {Verb::get,  "/api/v1/reviews/provider/me/rating",                  "review", kProvider, kDefault},
      {Verb::get,  "/api/v1/reviews/provider/me/reviews",                 "review", kProvider, kDefault},
      {Verb::get,  "/api/v1/reviews/provider/{provider_id:int}/rating",   "review", kPublic,   kDefault},
      {Verb::get,  "/api/v1/reviews/provider/{provider_id:int}",          "review", kPublic,   kDefault},
      {Verb::get,  "/api/v1/reviews/order/{order_id:int}",                "review", kUser,     kDefault},
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

const std::vector<Backend>& Backends() {
  static const std::vector<Backend> backends = {
      {"auth", "http://127.0.0.1:8000"},   {"user", "http://127.0.0.1:8002"},
      {"order", "http://127.0.0.1:8003"},  {"payment", "http://127.0.0.1:8004"},
      {"review", "http://127.0.0.1:8005"}, {"notification", "http://127.0.0.1:8006"},
  };
  return backends;
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

int PrintRoutes() {
  for (const auto& route : PublicRoutes()) {
    std::cout << boost::beast::http::to_string(route.method) << " " << route.pattern << " -> "
              << route.upstream << " (" << AccessName(route.access) << ")\n";
  }
  return 0;
}

}  // namespace mp::gateway

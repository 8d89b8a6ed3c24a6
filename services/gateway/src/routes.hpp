#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libs/http/types.hpp"

// The public API the gateway exposes: every /api/v1 route, which service answers it, who may call it, and
// which rate limit applies. docs/openapi.yaml must list exactly these (a test keeps them in step).
namespace mp::gateway {

enum class Access {
  kPublic,    // no token
  kUser,      // any signed-in user
  kCustomer,  // role 1
  kProvider,  // role 2
  kAdmin,     // role 3
};

enum class Limit {
  kNone,
  kDefault,  // per user (or per address when public), MP_RATE_LIMIT_PER_MINUTE
  kStrict,   // per address, MP_AUTH_RATE_LIMIT_PER_MINUTE: login, register, refresh
};

struct PublicRoute {
  http::Verb method;
  std::string pattern;
  std::string upstream;  // "auth", "user", ...
  Access access;
  Limit limit;
  bool revokes_tokens = false;  // may revoke access tokens (logout, an admin's change of a user)
};

// A service the gateway forwards to: read from MP_<NAME>_URL, else its local default (DESIGN.md ports).
struct Backend {
  std::string_view name;       // "auth", "user", ...
  std::string_view local_url;  // "http://127.0.0.1:8000"
};

const std::vector<PublicRoute>& PublicRoutes();
const std::vector<Backend>& Backends();
std::string_view AccessName(Access access);
// Prints the route table (method, path -> upstream (access)) on stdout; returns 0 (`mp-gateway routes`).
int PrintRoutes();

}  // namespace mp::gateway

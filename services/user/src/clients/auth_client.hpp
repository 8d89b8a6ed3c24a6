#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "libs/core/error.hpp"
#include "libs/http/client.hpp"
#include "services/user/src/domain/admin_update.hpp"

// The accounts auth owns, managed over HTTP on the admin's behalf: auth's own routes
// GET /api/v1/admin/users[?role_id&limit&offset] and GET|PUT|DELETE /api/v1/admin/users/{id} on
// MP_AUTH_URL, with the calling admin's bearer token (auth checks the role again, and emits user.updated /
// user.deleted) and the request id passed on. Auth's answers are its public envelope; `data` is returned.
namespace mp::user::clients {

// Who the call is made for.
struct Caller {
  std::string token;       // the admin's raw bearer token
  std::string request_id;  // X-Request-ID
};

struct AuthUserPage {
  nlohmann::json items = nlohmann::json::array();  // auth's admin list items
  std::int64_t total = 0;                          // its X-Total-Count
};

// Every call throws ApiError: auth's own 4xx unchanged (status, message, error, code, details);
// 503 auth_unavailable when auth cannot be reached, times out, fails (5xx) or answers something that is
// not its envelope.
class AuthClient {
 public:
  AuthClient(http::HttpClient& client, http::Upstream auth);

  boost::asio::awaitable<AuthUserPage> List(std::optional<int> role_id, std::int64_t limit,
                                            std::int64_t offset, const Caller& caller);
  // {user_id, username, email, role_id, role_name, created_at, ...}
  boost::asio::awaitable<nlohmann::json> Get(std::int64_t user_id, const Caller& caller);
  // Sends the given fields of `changes` (at least one).
  boost::asio::awaitable<nlohmann::json> Update(std::int64_t user_id, const domain::AccountChanges& changes,
                                                const Caller& caller);
  boost::asio::awaitable<nlohmann::json> Delete(std::int64_t user_id, const Caller& caller);

 private:
  // Sends the request and returns the response's `data` (and X-Total-Count in `total` if asked).
  boost::asio::awaitable<nlohmann::json> Call(http::Request request, const Caller& caller,
                                              std::int64_t* total = nullptr);

  http::HttpClient& client_;
  http::Upstream auth_;
};

// The ApiError for a non-200 answer of auth: a 4xx envelope is passed on as it is (same status, message,
// error, code and details); anything else is 503 auth_unavailable.
ApiError AuthFailure(unsigned status, std::string_view body);

}  // namespace mp::user::clients

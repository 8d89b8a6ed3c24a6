#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "libs/core/outcome.hpp"
#include "libs/http/client.hpp"

// The users auth owns, read over HTTP: GET {MP_AUTH_URL}/api/v1/admin/users/{id} with the calling admin's
// own bearer token (auth checks the role again) and the request id passed on.
namespace mp::notification::clients {

// Why auth gave no user.
enum class UserLookupFailure {
  kNotFound,          // 404
  kTokenRejected,     // 401: the admin's token was valid here but auth refuses it (revoked in between)
  kForbidden,         // 403: auth refuses the caller (role changed in between)
  kTimedOut,          // no answer in time
  kUnreachable,       // no connection
  kUnexpectedAnswer,  // any other status, or a 200 without an integer data.role_id
};

class AuthClient {
 public:
  AuthClient(http::HttpClient& client, http::Upstream auth);

  // The user's role id (identity::kCustomer, ...).
  boost::asio::awaitable<Outcome<int, UserLookupFailure>> RoleOf(std::int64_t user_id,
                                                                 const std::string& bearer_token,
                                                                 const std::string& request_id);

 private:
  http::HttpClient& client_;
  http::Upstream auth_;
};

}  // namespace mp::notification::clients

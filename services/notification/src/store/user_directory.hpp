#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "libs/http/client.hpp"

// The users auth owns, read over HTTP: GET {MP_AUTH_URL}/api/v1/admin/users/{id} with the calling admin's
// own bearer token (auth checks the role again) and the request id passed on.
namespace mp::notification::store {

class UserDirectory {
 public:
  UserDirectory(http::HttpClient& client, http::Upstream auth);

  // The user's role id. Throws ApiError: 404 "User not found" (user_not_found); 401/403 when auth refuses
  // the admin's token; 503 (auth_unavailable) when auth cannot be reached, times out or answers
  // something else.
  boost::asio::awaitable<int> RoleOf(std::int64_t user_id, const std::string& bearer_token,
                                     const std::string& request_id);

 private:
  http::HttpClient& client_;
  http::Upstream auth_;
};

}  // namespace mp::notification::store

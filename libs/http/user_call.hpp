#pragma once

#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "libs/core/outcome.hpp"
#include "libs/http/client.hpp"

// A call to another service on behalf of the signed-in user, as every service client makes it: the user's
// bearer token (the other service checks role and ownership itself), JSON accepted, the request id passed
// on. What the answer means is the client's business; this only says whether there was one.
namespace mp::http {

enum class Unanswered { kUnreachable, kTimedOut };

// Sends `request` with those headers. The response, whatever its status; or, when the upstream could not
// be reached or did not answer in time, which of the two (logged as a warning with the request id).
boost::asio::awaitable<Outcome<Response, Unanswered>> SendForUser(HttpClient& client,
                                                                  const Upstream& upstream, Request request,
                                                                  std::string_view bearer_token,
                                                                  std::string_view request_id);

}  // namespace mp::http

#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "libs/core/error.hpp"
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

// A lookup: a GET of one thing for the user. Its client says why it has none with an enum of its own that
// has kTimedOut and kUnreachable (no answer), kTokenRejected (401: the token was valid for the caller but
// the other service refuses it, revoked in between) and kUnexpectedAnswer, beside the failures about the
// thing itself (not found, not the caller's).

// A warning: the upstream refused a lookup with a 4xx no status table names.
void LogRefusedLookup(const Upstream& upstream, std::string_view target, unsigned status,
                      std::string_view request_id);

// Sends GET `target`: the failure `statuses` pairs with the answer's status; Failure::kNotFound for any other
// 4xx; Failure::kTimedOut or kUnreachable when there was no answer; else the response (the client reads a
// 200 and says what any other status is).
template <class Failure>
boost::asio::awaitable<Outcome<Response, Failure>> LookupForUser(
    HttpClient& client, const Upstream& upstream, std::string target, std::string_view bearer_token,
    std::string_view request_id, std::span<const std::pair<unsigned, Failure>> statuses) {
  auto sent =
      co_await SendForUser(client, upstream, Request(Verb::get, target, 11), bearer_token, request_id);
  if (!sent) co_return sent.refusal() == Unanswered::kTimedOut ? Failure::kTimedOut : Failure::kUnreachable;
  for (const auto& [status, failure] : statuses) {
    if (sent->result_int() == status) co_return failure;
  }
  // Any other 4xx refuses what was asked for (an id it does not take): there is no such thing for the
  // caller. A refusal upstream is never the caller's 5xx.
  if (sent->result_int() >= 400 && sent->result_int() < 500) {
    LogRefusedLookup(upstream, target, sent->result_int(), request_id);
    co_return Failure::kNotFound;
  }
  co_return std::move(*sent);
}

// 401 token_rejected "Token rejected by the `service` service".
ApiError TokenRejectedBy(std::string_view service);
// 503 `service`_unavailable "<Service> service unavailable: `why`".
ApiError ServiceUnavailable(std::string_view service, std::string_view why);

// What the caller sees for the failures every lookup shares, as the other service `service` ("order") gave
// them: TokenRejectedBy, or ServiceUnavailable "timed out", "unreachable" or "unexpected answer"; 500 for
// the client's own failures, which its caller maps.
template <class Failure>
ApiError LookupError(Failure failure, std::string_view service) {
  if (failure == Failure::kTokenRejected) return TokenRejectedBy(service);
  if (failure == Failure::kTimedOut) return ServiceUnavailable(service, "timed out");
  if (failure == Failure::kUnreachable) return ServiceUnavailable(service, "unreachable");
  if (failure == Failure::kUnexpectedAnswer) return ServiceUnavailable(service, "unexpected answer");
  return ApiError::Internal();
}

}  // namespace mp::http

#include "libs/http/user_call.hpp"

#include <cctype>
#include <string>
#include <utility>

#include <boost/beast/http/field.hpp>

#include "libs/core/log.hpp"

namespace mp::http {

boost::asio::awaitable<Outcome<Response, Unanswered>> SendForUser(HttpClient& client,
                                                                  const Upstream& upstream, Request request,
                                                                  std::string_view bearer_token,
                                                                  std::string_view request_id) {
  using Field = boost::beast::http::field;
  request.set(Field::authorization, "Bearer " + std::string(bearer_token));
  request.set(Field::accept, "application/json");
  request.set("X-Request-ID", boost::beast::string_view(request_id.data(), request_id.size()));
  const std::string method(request.method_string());
  const std::string target(request.target());
  try {
    co_return co_await client.Send(upstream, std::move(request));
  } catch (const UpstreamError& error) {
    log::Warn(upstream.name + " service unreachable",
              {{"request_id", request_id}, {"method", method}, {"target", target}, {"error", error.what()}});
    co_return error.timeout() ? Unanswered::kTimedOut : Unanswered::kUnreachable;
  }
}

void LogRefusedLookup(const Upstream& upstream, std::string_view target, unsigned status,
                      std::string_view request_id) {
  log::Warn("a lookup was refused by the other service; answered as not found",
            {{"request_id", std::string(request_id)},
             {"upstream", upstream.name},
             {"target", std::string(target)},
             {"status", status}});
}

ApiError TokenRejectedBy(std::string_view service) {
  return ApiError::Unauthorized("Token rejected by the " + std::string(service) + " service",
                                "token_rejected");
}

ApiError ServiceUnavailable(std::string_view service, std::string_view why) {
  std::string title(service);
  if (!title.empty()) title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
  return ApiError::Unavailable(title + " service unavailable: " + std::string(why),
                               std::string(service) + "_unavailable");
}

}  // namespace mp::http

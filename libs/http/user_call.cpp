#include "libs/http/user_call.hpp"

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

}  // namespace mp::http

#include "services/notification/src/clients/auth_client.hpp"

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include "libs/core/log.hpp"

namespace mp::notification::clients {

namespace asio = boost::asio;
using Field = boost::beast::http::field;

AuthClient::AuthClient(http::HttpClient& client, http::Upstream auth)
    : client_(client), auth_(std::move(auth)) {}

asio::awaitable<Outcome<int, UserLookupFailure>> AuthClient::RoleOf(std::int64_t user_id,
                                                                    const std::string& bearer_token,
                                                                    const std::string& request_id) {
  http::Request request{http::Verb::get, "/api/v1/admin/users/" + std::to_string(user_id), 11};
  request.set(Field::authorization, "Bearer " + bearer_token);
  request.set(Field::accept, "application/json");
  request.set("X-Request-ID", request_id);
  http::Response response;
  try {
    response = co_await client_.Send(auth_, std::move(request));
  } catch (const http::UpstreamError& error) {
    co_return error.timeout() ? UserLookupFailure::kTimedOut : UserLookupFailure::kUnreachable;
  }
  const unsigned status = response.result_int();
  if (status == 404) co_return UserLookupFailure::kNotFound;
  if (status == 401) co_return UserLookupFailure::kTokenRejected;
  if (status == 403) co_return UserLookupFailure::kForbidden;
  if (status == 200) {
    auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (!body.is_discarded() && body.is_object() && body.contains("data") && body["data"].is_object()) {
      const auto& role = body["data"].value("role_id", nlohmann::json());
      if (role.is_number_integer()) co_return role.get<int>();
    }
  }
  log::Warn("unexpected answer from auth",
            {{"request_id", request_id}, {"status", status}, {"user_id", user_id}});
  co_return UserLookupFailure::kUnexpectedAnswer;
}

}  // namespace mp::notification::clients

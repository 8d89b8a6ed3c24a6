#include "services/notification/src/store/user_directory.hpp"

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include "libs/core/error.hpp"
#include "libs/core/log.hpp"

namespace mp::notification::store {

namespace asio = boost::asio;
using Field = boost::beast::http::field;

UserDirectory::UserDirectory(http::HttpClient& client, http::Upstream auth)
    : client_(client), auth_(std::move(auth)) {}

asio::awaitable<int> UserDirectory::RoleOf(std::int64_t user_id, const std::string& bearer_token,
                                           const std::string& request_id) {
  http::Request request{http::Verb::get, "/api/v1/admin/users/" + std::to_string(user_id), 11};
  request.set(Field::authorization, "Bearer " + bearer_token);
  request.set(Field::accept, "application/json");
  request.set("X-Request-ID", request_id);
  http::Response response;
  try {
    response = co_await client_.Send(auth_, std::move(request));
  } catch (const http::UpstreamError& error) {
    throw ApiError::Unavailable(
        std::string("Auth service unavailable: ") + (error.timeout() ? "timed out" : "unreachable"),
        "auth_unavailable");
  }
  const unsigned status = response.result_int();
  if (status == 404) throw ApiError::NotFound("User not found", "user_not_found");
  // The admin's token was valid here but auth refuses it (revoked in between, role changed): say so.
  if (status == 401) throw ApiError::Unauthorized("Token rejected by the auth service", "token_rejected");
  if (status == 403) throw ApiError::Forbidden();
  if (status == 200) {
    auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (!body.is_discarded() && body.is_object() && body.contains("data") && body["data"].is_object()) {
      const auto& role = body["data"].value("role_id", nlohmann::json());
      if (role.is_number_integer()) co_return role.get<int>();
    }
  }
  log::Warn("unexpected answer from auth",
            {{"request_id", request_id}, {"status", status}, {"user_id", user_id}});
  throw ApiError::Unavailable("Auth service unavailable: unexpected answer", "auth_unavailable");
}

}  // namespace mp::notification::store

#include "services/notification/src/clients/auth_client.hpp"

#include <nlohmann/json.hpp>

#include "libs/core/log.hpp"
#include "libs/http/user_call.hpp"

namespace mp::notification::clients {

namespace asio = boost::asio;

AuthClient::AuthClient(http::HttpClient& client, http::Upstream auth)
    : client_(client), auth_(std::move(auth)) {}

asio::awaitable<Outcome<int, UserLookupFailure>> AuthClient::RoleOf(std::int64_t user_id,
                                                                    const std::string& bearer_token,
                                                                    const std::string& request_id) {
  auto sent = co_await http::SendForUser(
      client_, auth_, {http::Verb::get, "/api/v1/admin/users/" + std::to_string(user_id), 11}, bearer_token,
      request_id);
  if (!sent)
    co_return sent.refusal() == http::Unanswered::kTimedOut ? UserLookupFailure::kTimedOut
                                                            : UserLookupFailure::kUnreachable;
  const http::Response& response = *sent;
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

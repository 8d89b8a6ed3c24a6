#include "services/notification/src/clients/auth_client.hpp"

#include <nlohmann/json.hpp>

#include "libs/core/log.hpp"
#include "libs/http/user_call.hpp"

namespace mp::notification::clients {

namespace asio = boost::asio;

namespace {

// Auth's answers that say why there is no user.
constexpr std::pair<unsigned, UserLookupFailure> kRefusals[] = {{404, UserLookupFailure::kNotFound},
                                                                {401, UserLookupFailure::kTokenRejected},
                                                                {403, UserLookupFailure::kForbidden}};

}  // namespace

AuthClient::AuthClient(http::HttpClient& client, http::Upstream auth)
    : client_(client), auth_(std::move(auth)) {}

asio::awaitable<Outcome<int, UserLookupFailure>> AuthClient::RoleOf(std::int64_t user_id,
                                                                    const std::string& bearer_token,
                                                                    const std::string& request_id) {
  auto answer = co_await http::LookupForUser<UserLookupFailure>(
      client_, auth_, "/api/v1/admin/users/" + std::to_string(user_id), bearer_token, request_id, kRefusals);
  if (!answer) co_return answer.refusal();
  const http::Response& response = *answer;
  const unsigned status = response.result_int();
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

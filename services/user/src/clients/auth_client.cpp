#include "services/user/src/clients/auth_client.hpp"

#include <charconv>
#include <vector>

#include <boost/beast/http/field.hpp>

#include "libs/core/log.hpp"
#include "libs/http/user_call.hpp"

namespace mp::user::clients {

namespace asio = boost::asio;
using Field = boost::beast::http::field;
using Json = nlohmann::json;
using Kind = ApiError::Kind;

namespace {

constexpr std::string_view kAdminUsers = "/api/v1/admin/users";

std::optional<Kind> ClientErrorKind(unsigned status) {
  switch (status) {
    case 400: return Kind::kBadRequest;
    case 401: return Kind::kUnauthorized;
    case 403: return Kind::kForbidden;
    case 404: return Kind::kNotFound;
    case 405: return Kind::kMethodNotAllowed;
    case 409: return Kind::kConflict;
    case 413: return Kind::kPayloadTooLarge;
    case 415: return Kind::kUnsupportedMediaType;
    case 422: return Kind::kValidation;
    case 429: return Kind::kRateLimited;
    default: return std::nullopt;
  }
}

std::string Text(const Json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ApiError Unavailable(std::string why) {
  return ApiError::Unavailable("Auth service unavailable: " + std::move(why), "auth_unavailable");
}

}  // namespace

ApiError AuthFailure(unsigned status, std::string_view text) {
  auto kind = ClientErrorKind(status);
  auto body = Json::parse(text, nullptr, false);
  if (!kind || body.is_discarded() || !body.is_object()) {
    return Unavailable(status >= 500 ? "it failed (HTTP " + std::to_string(status) + ")"
                                     : "unexpected answer (HTTP " + std::to_string(status) + ")");
  }
  std::vector<FieldProblem> details;
  if (auto it = body.find("details"); it != body.end() && it->is_array()) {
    for (const auto& d : *it) {
      if (d.is_object()) details.push_back({Text(d, "field"), Text(d, "problem")});
    }
  }
  std::string message = Text(body, "message");
  std::string code = Text(body, "code");
  return ApiError(*kind, code.empty() ? "auth_refused" : code, message.empty() ? "Request refused" : message,
                  Text(body, "error"), std::move(details));
}

AuthClient::AuthClient(http::HttpClient& client, http::Upstream auth)
    : client_(client), auth_(std::move(auth)) {}

asio::awaitable<Json> AuthClient::Call(http::Request request, const Caller& caller, std::int64_t* total) {
  const std::string method(request.method_string());
  const std::string target(request.target());
  auto sent = co_await http::SendForUser(client_, auth_, std::move(request), caller.token, caller.request_id);
  if (!sent) throw Unavailable(sent.refusal() == http::Unanswered::kTimedOut ? "timed out" : "unreachable");
  const http::Response& response = *sent;
  const unsigned status = response.result_int();
  if (status != 200) {
    if (status >= 500) {
      log::Warn(
          "auth failed",
          {{"request_id", caller.request_id}, {"method", method}, {"target", target}, {"status", status}});
    }
    throw AuthFailure(status, response.body());
  }
  auto body = Json::parse(response.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("data")) {
    log::Warn("unexpected answer from auth", {{"request_id", caller.request_id}, {"target", target}});
    throw Unavailable("unexpected answer");
  }
  if (total != nullptr) {
    auto header = response["X-Total-Count"];
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), value);
    *total = ec == std::errc() && end == header.data() + header.size() ? value : -1;
  }
  co_return std::move(body["data"]);
}

asio::awaitable<AuthUserPage> AuthClient::List(std::optional<int> role_id, std::int64_t limit,
                                               std::int64_t offset, const Caller& caller) {
  std::string target =
      std::string(kAdminUsers) + "?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
  if (role_id) target += "&role_id=" + std::to_string(*role_id);
  AuthUserPage page;
  std::int64_t total = 0;
  http::Request request(http::Verb::get, target, 11);
  page.items = co_await Call(std::move(request), caller, &total);
  if (!page.items.is_array()) throw Unavailable("unexpected answer");
  page.total = total >= 0 ? total : static_cast<std::int64_t>(page.items.size());
  co_return page;
}

asio::awaitable<Json> AuthClient::Get(std::int64_t user_id, const Caller& caller) {
  http::Request request(http::Verb::get, std::string(kAdminUsers) + "/" + std::to_string(user_id), 11);
  auto user = co_await Call(std::move(request), caller);
  if (!user.is_object() || !user.value("role_id", Json()).is_number_integer())
    throw Unavailable("unexpected answer");
  co_return user;
}

asio::awaitable<Json> AuthClient::Update(std::int64_t user_id, const domain::AccountChanges& changes,
                                         const Caller& caller) {
  Json fields = Json::object();
  if (changes.username) fields["username"] = *changes.username;
  if (changes.email) fields["email"] = *changes.email;
  if (changes.role_id) fields["role_id"] = *changes.role_id;
  http::Request request(http::Verb::put, std::string(kAdminUsers) + "/" + std::to_string(user_id), 11);
  request.set(Field::content_type, "application/json");
  request.body() = fields.dump();
  request.prepare_payload();
  auto user = co_await Call(std::move(request), caller);
  if (!user.is_object() || !user.value("role_id", Json()).is_number_integer())
    throw Unavailable("unexpected answer");
  co_return user;
}

asio::awaitable<Json> AuthClient::Delete(std::int64_t user_id, const Caller& caller) {
  http::Request request(http::Verb::delete_, std::string(kAdminUsers) + "/" + std::to_string(user_id), 11);
  co_return co_await Call(std::move(request), caller);
}

}  // namespace mp::user::clients

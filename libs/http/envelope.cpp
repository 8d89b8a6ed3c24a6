#include "libs/http/envelope.hpp"

#include <cctype>
#include <string>

#include <boost/beast/http/field.hpp>

namespace mp::http {
namespace {

std::string Dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Response Text(Status status, std::string body, std::string_view content_type) {
  Response response{status, 11};
  response.set(boost::beast::http::field::content_type,
               boost::beast::string_view(content_type.data(), content_type.size()));
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response Json(Status status, const nlohmann::json& body) {
  return Text(status, Dump(body), "application/json");
}

Response Ok(const nlohmann::json& data, std::string_view message) {
  nlohmann::json body = {{"success", true}, {"data", data}, {"message", message}, {"error", nullptr}};
  return Json(Status::ok, body);
}

Response OkList(const nlohmann::json& data, std::int64_t total) {
  auto response = Ok(data);
  response.set("X-Total-Count", std::to_string(total));
  return response;
}

nlohmann::json OptJson(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json OptJson(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json OptJson(const std::optional<time::TimePoint>& value) {
  return value ? nlohmann::json(time::FormatIso(*value)) : nlohmann::json(nullptr);
}

Status StatusOf(ApiError::Kind kind) {
  using K = ApiError::Kind;
  switch (kind) {
    case K::kBadRequest: return Status::bad_request;
    case K::kUnauthorized: return Status::unauthorized;
    case K::kForbidden: return Status::forbidden;
    case K::kNotFound: return Status::not_found;
    case K::kMethodNotAllowed: return Status::method_not_allowed;
    case K::kConflict: return Status::conflict;
    case K::kPayloadTooLarge: return Status::payload_too_large;
    case K::kUnsupportedMediaType: return Status::unsupported_media_type;
    case K::kValidation: return Status::unprocessable_entity;
    case K::kRateLimited: return Status::too_many_requests;
    case K::kInternal: return Status::internal_server_error;
    case K::kUnavailable: return Status::service_unavailable;
  }
  return Status::internal_server_error;
}

Response ErrorResponse(const ApiError& error) {
  nlohmann::json details = nlohmann::json::array();
  for (const auto& d : error.details()) details.push_back({{"field", d.field}, {"problem", d.problem}});
  nlohmann::json body = {{"success", false},       {"data", nullptr},      {"message", error.message()},
                         {"error", error.error()}, {"code", error.code()}, {"details", details}};
  Response response = Json(StatusOf(error.kind()), body);
  if (error.kind() == ApiError::Kind::kUnauthorized) {
    response.set(boost::beast::http::field::www_authenticate, "Bearer");
  }
  return response;
}

namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool IsJsonMediaType(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string media = Lower(TrimSpace(content_type.substr(0, semi)));
  if (media != "application/json" && !(media.starts_with("application/") && media.ends_with("+json"))) {
    return false;
  }
  // Parameters: JSON is UTF-8 (RFC 8259), so a charset may only say so; others are ignored.
  while (semi != std::string_view::npos) {
    content_type.remove_prefix(semi + 1);
    semi = content_type.find(';');
    std::string_view parameter = TrimSpace(content_type.substr(0, semi));
    auto equals = parameter.find('=');
    if (equals == std::string_view::npos) continue;
    if (Lower(TrimSpace(parameter.substr(0, equals))) != "charset") continue;
    std::string_view value = TrimSpace(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    std::string charset = Lower(value);
    if (charset != "utf-8" && charset != "utf8") return false;
  }
  return true;
}

nlohmann::json ParseJsonObject(const Request& request) {
  auto content_type = request[boost::beast::http::field::content_type];
  if (!content_type.empty() && !IsJsonMediaType({content_type.data(), content_type.size()})) {
    throw ApiError(ApiError::Kind::kUnsupportedMediaType, "unsupported_media_type", "Unsupported media type",
                   "Send the body as JSON (UTF-8) with Content-Type: application/json");
  }
  const std::string& text = request.body();
  if (text.empty()) throw ApiError::BadRequest("Request body is required (a JSON object)", "invalid_json");
  // The parser takes a NUL byte for the end of the input: one can only be a byte after the JSON value (inside
  // a string it must be escaped), and any byte there but white space makes the body invalid.
  nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded() || text.find('\0') != std::string::npos) {
    throw ApiError::BadRequest("Request body is not valid JSON", "invalid_json");
  }
  if (!body.is_object()) throw ApiError::BadRequest("Request body must be a JSON object", "invalid_json");
  return body;
}

}  // namespace mp::http

#include "libs/http/envelope.hpp"

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

nlohmann::json ParseJsonObject(const Request& request) {
  auto content_type = request[boost::beast::http::field::content_type];
  if (!content_type.empty()) {
    std::string_view ct(content_type.data(), content_type.size());
    auto semi = ct.find(';');
    std::string_view media = ct.substr(0, semi);
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    bool json = media.size() >= 4 && (media == "application/json" || media.ends_with("+json"));
    if (!json) {
      throw ApiError(ApiError::Kind::kUnsupportedMediaType, "unsupported_media_type",
                     "Unsupported media type", "Send the body as JSON with Content-Type: application/json");
    }
  }
  if (request.body().empty())
    throw ApiError::BadRequest("Request body is required (a JSON object)", "invalid_json");
  nlohmann::json body = nlohmann::json::parse(request.body(), nullptr, false);
  if (body.is_discarded()) throw ApiError::BadRequest("Request body is not valid JSON", "invalid_json");
  if (!body.is_object()) throw ApiError::BadRequest("Request body must be a JSON object", "invalid_json");
  return body;
}

}  // namespace mp::http

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "libs/core/error.hpp"
#include "libs/core/time.hpp"
#include "libs/http/types.hpp"

// The public response envelope of spec/api-v1.md:
//   success: {"success": true,  "data": ..., "message": "...", "error": null}
//   error:   {"success": false, "data": null, "message": "...", "error": "...", "code": "...", "details":
//   [...]}
namespace mp::http {

Response Ok(const nlohmann::json& data, std::string_view message = "Success");
// A list route's answer: Ok(data) with the count of every match (not only this page's) in X-Total-Count.
Response OkList(const nlohmann::json& data, std::int64_t total);
// The same for `items` written one by one with `to_json` into `data`, an array.
template <class Items, class ToJson>
Response OkList(const Items& items, std::int64_t total, ToJson to_json) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& item : items) data.push_back(to_json(item));
  return OkList(data, total);
}
Response ErrorResponse(const ApiError& error);
// A JSON body that is not the envelope (e.g. /health, internal routes).
Response Json(Status status, const nlohmann::json& body);
Response Text(Status status, std::string body, std::string_view content_type);

Status StatusOf(ApiError::Kind kind);

// A body value that may be absent: the value (a time as ISO-8601 UTC with Z), or null.
nlohmann::json OptJson(const std::optional<std::string>& value);
nlohmann::json OptJson(const std::optional<std::int64_t>& value);
nlohmann::json OptJson(const std::optional<time::TimePoint>& value);

// Whether a Content-Type names JSON: application/json or application/*+json, in any case, with optional
// parameters of which a charset may only be UTF-8.
bool IsJsonMediaType(std::string_view content_type);
// Parses the request body as a JSON object: 415 if the content type is not JSON, 400 if it does not parse
// (any byte after the JSON value but white space included) or is not an object.
nlohmann::json ParseJsonObject(const Request& request);

}  // namespace mp::http

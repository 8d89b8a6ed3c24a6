#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "libs/core/error.hpp"
#include "libs/http/types.hpp"

// The public response envelope of spec/api-v1.md:
//   success: {"success": true,  "data": ..., "message": "...", "error": null}
//   error:   {"success": false, "data": null, "message": "...", "error": "...", "code": "...", "details":
//   [...]}
namespace mp::http {

Response Ok(const nlohmann::json& data, std::string_view message = "Success");
Response ErrorResponse(const ApiError& error);
// A JSON body that is not the envelope (e.g. /health, internal routes).
Response Json(Status status, const nlohmann::json& body);
Response Text(Status status, std::string body, std::string_view content_type);

Status StatusOf(ApiError::Kind kind);

// Parses the request body as a JSON object: 415 if the content type is not JSON, 400 if it does not parse
// or is not an object.
nlohmann::json ParseJsonObject(const Request& request);

}  // namespace mp::http

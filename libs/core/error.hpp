#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "libs/core/problem.hpp"

// The one error type that crosses layers. The HTTP layer maps Kind to a status and renders the public
// error envelope {success:false, data:null, message, error, code, details} of spec/api-v1.md.
namespace mp {

class ApiError : public std::runtime_error {
 public:
  enum class Kind {
    kBadRequest,            // 400 unparseable or non-object body
    kUnauthorized,          // 401
    kForbidden,             // 403
    kNotFound,              // 404
    kMethodNotAllowed,      // 405
    kConflict,              // 409 state does not allow it, or duplicate
    kPayloadTooLarge,       // 413
    kUnsupportedMediaType,  // 415
    kValidation,            // 422 with details
    kRateLimited,           // 429
    kInternal,              // 500 (a bug)
    kUnavailable,           // 503 a backend or store is down
  };

  ApiError(Kind kind, std::string code, std::string message, std::string error = {},
           std::vector<FieldProblem> details = {})
      : std::runtime_error(message),
        kind_(kind),
        code_(std::move(code)),
        message_(std::move(message)),
        error_(error.empty() ? message_ : std::move(error)),
        details_(std::move(details)) {}

  Kind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& error() const { return error_; }
  const std::vector<FieldProblem>& details() const { return details_; }

  static ApiError BadRequest(std::string error, std::string code = "bad_request") {
    return {Kind::kBadRequest, std::move(code), "Bad request", std::move(error)};
  }
  static ApiError Unauthorized(std::string error, std::string code = "unauthorized") {
    return {Kind::kUnauthorized, std::move(code), "Unauthorized", std::move(error)};
  }
  static ApiError Forbidden(std::string error = "Permission denied", std::string code = "forbidden") {
    return {Kind::kForbidden, std::move(code), "Forbidden", std::move(error)};
  }
  static ApiError NotFound(std::string error, std::string code = "not_found") {
    return {Kind::kNotFound, std::move(code), "Not found", std::move(error)};
  }
  static ApiError Conflict(std::string error, std::string code = "conflict") {
    return {Kind::kConflict, std::move(code), "Conflict", std::move(error)};
  }
  static ApiError Validation(std::vector<FieldProblem> details) {
    std::string error = "Invalid request";
    if (!details.empty()) error = details.front().field + ": " + details.front().problem;
    return {Kind::kValidation, "validation_failed", "Validation failed", std::move(error),
            std::move(details)};
  }
  static ApiError Unavailable(std::string error, std::string code = "service_unavailable") {
    return {Kind::kUnavailable, std::move(code), "Service unavailable", std::move(error)};
  }
  static ApiError Internal(std::string error = "Internal server error") {
    return {Kind::kInternal, "internal_error", "Internal server error", std::move(error)};
  }

 private:
  Kind kind_;
  std::string code_;
  std::string message_;
  std::string error_;
  std::vector<FieldProblem> details_;
};

}  // namespace mp

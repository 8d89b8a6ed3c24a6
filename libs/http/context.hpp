#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/http/types.hpp"

namespace mp::http {

// The caller, once a guard has verified its bearer token.
struct Principal {
  std::int64_t user_id = 0;
  int role = 0;
  std::string jti;
  std::int64_t expires_at = 0;
  std::int64_t token_version = 0;
  std::string token;                // the raw bearer token, forwarded on calls made for this user
  bool revocation_checked = false;  // Redis was asked (and said: not revoked), not skipped
};

// Everything a handler needs about one request.
class Context {
 public:
  Context(Request& request, std::string remote_ip) : request_(request), remote_ip_(std::move(remote_ip)) {}

  Request& request() { return request_; }
  const Request& request() const { return request_; }
  std::string_view path() const;          // target without the query string
  std::string_view query_string() const;  // after '?', may be empty
  const std::string& remote_ip() const { return remote_ip_; }

  // Typed path parameters (set by the router).
  std::int64_t IntParam(std::string_view name) const;
  const std::string& Param(std::string_view name) const;
  void SetParams(std::vector<std::pair<std::string, std::string>> params) { params_ = std::move(params); }

  // Query parameters, percent-decoded; the first value wins.
  std::optional<std::string> Query(std::string_view name) const;
  std::vector<std::string> QueryAll(std::string_view name) const;

  // The body as a JSON object (415/400 as ApiError otherwise); parsed once.
  const nlohmann::json& Body();

  std::string request_id;
  std::string route;  // the matched route pattern, for metrics and logs
  std::optional<Principal> principal;
  // Headers a guard wants on the response whatever the handler returns (e.g. X-RateLimit-*).
  std::vector<std::pair<std::string, std::string>> response_headers;

  const Principal& User() const;  // the verified caller; throws 401 if no guard set one

 private:
  Request& request_;
  std::string remote_ip_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::optional<nlohmann::json> body_;
};

std::string PercentDecode(std::string_view text);

// `limit` (default 50, 1..200) and `offset` (>= 0) of a list route; 422 when malformed.
struct Page {
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};
Page ReadPage(const Context& context);
// An optional integer query parameter in [min, max]; 422 when present but malformed.
std::optional<std::int64_t> ReadIntQuery(const Context& context, std::string_view name, std::int64_t min,
                                         std::int64_t max);

}  // namespace mp::http

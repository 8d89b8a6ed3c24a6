#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// 12-factor settings: every value comes from the environment with a safe local default. Reading collects
// every problem, and Validate() throws one ConfigError listing all of them, so a bad start-up says at
// once everything that is wrong.
namespace mp::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// TLS to a server, as MySQL's --ssl-mode: disabled; required (encrypted, the certificate is not checked);
// verify-identity (the certificate must chain to the given CA file, or the system's CAs, and name the host).
enum class TlsMode { kDisabled, kRequired, kVerifyIdentity };

class Env {
 public:
  using Values = std::map<std::string, std::string, std::less<>>;

  Env() = default;  // reads the process environment
  // Reads only `values` (e.g. a test assembling a service with settings of its own), never the process
  // environment.
  explicit Env(Values values) : values_(std::move(values)) {}

  std::string String(std::string_view name, std::string_view fallback);
  std::string RequiredString(std::string_view name);
  std::int64_t Int(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max);
  bool Bool(std::string_view name, bool fallback);
  // A client's TLS setting: disabled (default) | required | verify-identity (TlsMode).
  TlsMode Tls(std::string_view name);
  // A secret: in production (MP_ENV=production) it must be set and not equal to the local default.
  std::string Secret(std::string_view name, std::string_view local_default, std::size_t min_length = 32);
  bool production() const;

  void Problem(std::string text) { problems_.push_back(std::move(text)); }
  void Validate() const;  // throws ConfigError if anything was wrong

 private:
  const char* Get(std::string_view name) const;

  std::optional<Values> values_;
  std::vector<std::string> problems_;
};

}  // namespace mp::config

#include "libs/core/config.hpp"

#include <charconv>
#include <cstdlib>

namespace mp::config {

const char* Env::Get(std::string_view name) const {
  if (!values_) return std::getenv(std::string(name).c_str());
  auto it = values_->find(name);
  return it == values_->end() ? nullptr : it->second.c_str();
}

std::string Env::String(std::string_view name, std::string_view fallback) {
  const char* value = Get(name);
  return value != nullptr && *value != '\0' ? std::string(value) : std::string(fallback);
}

TlsMode Env::Tls(std::string_view name) {
  const std::string value = String(name, "disabled");
  if (value == "disabled") return TlsMode::kDisabled;
  if (value == "required") return TlsMode::kRequired;
  if (value == "verify-identity") return TlsMode::kVerifyIdentity;
  problems_.push_back(std::string(name) + " must be one of disabled, required, verify-identity, not '" +
                      value + "'");
  return TlsMode::kDisabled;
}

std::string Env::RequiredString(std::string_view name) {
  const char* value = Get(name);
  if (value == nullptr || *value == '\0') {
    problems_.push_back(std::string(name) + " is required");
    return {};
  }
  return value;
}

std::int64_t Env::Int(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const char* value = Get(name);
  if (value == nullptr || *value == '\0') return fallback;
  std::string_view text(value);
  std::int64_t parsed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size() || parsed < min || parsed > max) {
    problems_.push_back(std::string(name) + "='" + std::string(text) + "' must be an integer in [" +
                        std::to_string(min) + ", " + std::to_string(max) + "]");
    return fallback;
  }
  return parsed;
}

bool Env::Bool(std::string_view name, bool fallback) {
  const char* value = Get(name);
  if (value == nullptr || *value == '\0') return fallback;
  std::string_view text(value);
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off") return false;
  problems_.push_back(std::string(name) + "='" + std::string(text) + "' must be true or false");
  return fallback;
}

bool Env::production() const {
  const char* value = Get("MP_ENV");
  return value != nullptr && std::string_view(value) == "production";
}

std::string Env::Secret(std::string_view name, std::string_view local_default, std::size_t min_length) {
  std::string value = String(name, local_default);
  if (production()) {
    if (value == local_default) {
      problems_.push_back(std::string(name) +
                          " must be set to a real secret in production (MP_ENV=production)");
    } else if (value.size() < min_length) {
      problems_.push_back(std::string(name) + " must be at least " + std::to_string(min_length) +
                          " characters");
    }
  }
  return value;
}

void Env::Validate() const {
  if (problems_.empty()) return;
  std::string text = "invalid configuration:";
  for (const auto& p : problems_) text += "\n  - " + p;
  throw ConfigError(text);
}

}  // namespace mp::config

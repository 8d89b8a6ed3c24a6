#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

// One JSON object per line on stderr: {"time","level","service","request_id"?,"message",...fields}.
// Warn and error lines are written at once; info and debug lines are batched for at most 200 ms (and
// written at exit), so a process killed with SIGKILL may lose its last 200 ms of info lines.
namespace mp::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Set once at start by main(); the service name appears on every line.
void Configure(std::string_view service, Level min_level);
Level ParseLevel(std::string_view text);  // "debug|info|warn|error"; unknown -> info
bool Enabled(Level level);

void Write(Level level, std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
void Flush();  // writes the batched info/debug lines now

inline void Debug(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, message, fields);
}
inline void Info(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kInfo, message, fields);
}
inline void Warn(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kWarn, message, fields);
}
inline void Error(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kError, message, fields);
}

}  // namespace mp::log

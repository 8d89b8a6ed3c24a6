#include "libs/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "libs/core/time.hpp"

namespace mp::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::mutex g_mutex;
std::string g_service = "marketplace";

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

void Configure(std::string_view service, Level min_level) {
  std::lock_guard lock(g_mutex);
  g_service = service;
  g_min_level = static_cast<int>(min_level);
}

Level ParseLevel(std::string_view text) {
  if (text == "debug") return Level::kDebug;
  if (text == "warn" || text == "warning") return Level::kWarn;
  if (text == "error") return Level::kError;
  return Level::kInfo;
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view message, const nlohmann::json& fields) {
  if (!Enabled(level)) return;
  nlohmann::json line = nlohmann::json::object();
  line["time"] = time::FormatIsoMillis(time::Now());
  line["level"] = LevelName(level);
  {
    std::lock_guard lock(g_mutex);
    line["service"] = g_service;
  }
  line["message"] = message;
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) line[key] = value;
  }
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  std::lock_guard lock(g_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mp::log

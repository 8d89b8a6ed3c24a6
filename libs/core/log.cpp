#include "libs/core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "libs/core/time.hpp"

namespace mp::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::mutex g_mutex;
std::string g_service = "marketplace";

// Info and debug lines wait in a buffer for at most kFlushEvery (or until it holds kFlushAt bytes): one
// write(2) per batch instead of per line, which mattered under load (an access-log line per request). Warn
// and error lines are written at once, with everything before them. Never destroyed, so the flusher thread
// and atexit can use it during static destruction.
struct Pending {
  std::mutex mutex;
  std::string text;
};
Pending& pending() {
  static auto* p = new Pending;
  return *p;
}
constexpr std::size_t kFlushAt = 32 * 1024;
constexpr auto kFlushEvery = std::chrono::milliseconds(200);

void WriteAll(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;  // a signal arrived before anything was written
    if (n <= 0) return;                     // nowhere to report it
    done += static_cast<std::size_t>(n);
  }
}

void FlushLocked(Pending& p) {
  if (p.text.empty()) return;
  WriteAll(p.text);
  p.text.clear();
}

void StartFlusher() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::atexit([] { Flush(); });
    std::thread([] {
      for (;;) {
        std::this_thread::sleep_for(kFlushEvery);
        Flush();
      }
    }).detach();
  });
}

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
  auto& p = pending();
  if (level < Level::kWarn) StartFlusher();
  std::lock_guard lock(p.mutex);
  p.text += text;
  if (level >= Level::kWarn || p.text.size() >= kFlushAt) FlushLocked(p);
}

void Flush() {
  auto& p = pending();
  std::lock_guard lock(p.mutex);
  FlushLocked(p);
}

}  // namespace mp::log

#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// UTC time helpers. The public API uses ISO-8601 with `Z` at second precision everywhere.
namespace mp::time {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

inline TimePoint Now() { return Clock::now(); }
inline std::int64_t ToUnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline std::int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixSeconds(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }
// Now at whole seconds: what a DATETIME column keeps, so a stored time reads back equal.
inline TimePoint NowSeconds() { return FromUnixSeconds(ToUnixSeconds(Now())); }

// "2025-10-25T09:00:00Z"
std::string FormatIso(TimePoint t);
// "2025-10-25T09:00:00.123Z" (logs only)
std::string FormatIsoMillis(TimePoint t);
// "2025-10-25 09:00:00" — the form MySQL DATETIME/TIMESTAMP literals take.
std::string FormatSql(TimePoint t);

// Accepts "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an optional "Z" or "+HH:MM"/"-HH:MM" offset (converted to
// UTC); a value without offset is taken as UTC. Also accepts a space instead of 'T'. nullopt if invalid or
// outside the years 1678-2261 (what a nanosecond system_clock time_point holds).
std::optional<TimePoint> ParseIso(std::string_view text);
// The first and last instants ParseIso accepts.
inline constexpr TimePoint kEarliestParsed{std::chrono::sys_days{std::chrono::year{1678} / 1 / 1}};
inline constexpr TimePoint kLatestParsed{std::chrono::sys_days{std::chrono::year{2261} / 12 / 31} +
                                         std::chrono::seconds{86399}};
// Whether the text is an ISO-8601 date-time that ParseIso refuses only for its year.
bool IsIsoOutsideYears(std::string_view text);

}  // namespace mp::time

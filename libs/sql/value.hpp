#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "libs/core/time.hpp"

namespace mp::sql {

// A statement parameter. A TimePoint is sent as the DATETIME text "YYYY-MM-DD HH:MM:SS" in UTC (every
// connection runs with time_zone '+00:00').
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string, time::TimePoint>;

// An optional as a parameter: its value, or NULL.
template <class T>
Value Nullable(const std::optional<T>& value) {
  return value ? Value(*value) : Value(nullptr);
}

// The value as a SQL literal, for logs and error messages: NULL, 42, 1.5, 'it''s', '2025-10-25 09:00:00'.
std::string FormatValue(const Value& value);

}  // namespace mp::sql

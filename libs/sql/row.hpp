#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "libs/core/time.hpp"

namespace mp::sql {

// One result row. Every column arrives as text (or NULL) and is converted on read, so a column's SQL type
// never has to match a C++ binding; a mismatch (NULL read as a value, "abc" read as a number) throws Error.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> columns) : columns_(std::move(columns)) {}

  std::size_t size() const { return columns_.size(); }
  bool IsNull(std::size_t i) const;

  std::int64_t Int(std::size_t i) const;
  std::optional<std::int64_t> OptInt(std::size_t i) const;
  double Double(std::size_t i) const;
  const std::string& String(std::size_t i) const;
  std::optional<std::string> OptString(std::size_t i) const;
  // DATETIME/TIMESTAMP read as UTC; fractional seconds are dropped.
  time::TimePoint Time(std::size_t i) const;
  std::optional<time::TimePoint> OptTime(std::size_t i) const;
  // Column `i` as `parse` reads it (a status name, a DECIMAL amount: a function of the text returning an
  // optional); a value it refuses is a corrupt row: std::runtime_error "<what>: <value>".
  template <class Parse>
  auto Parsed(std::size_t i, Parse parse, std::string_view what) const {
    auto value = parse(String(i));
    if (!value) throw std::runtime_error(std::string(what) + ": " + String(i));
    return *value;
  }

 private:
  const std::optional<std::string>& Column(std::size_t i) const;
  const std::string& NotNull(std::size_t i) const;

  std::vector<std::optional<std::string>> columns_;
};

}  // namespace mp::sql

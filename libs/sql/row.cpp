#include "libs/sql/row.hpp"

#include <charconv>

#include "libs/sql/error.hpp"

namespace mp::sql {

const std::optional<std::string>& Row::Column(std::size_t i) const {
  if (i >= columns_.size()) {
    throw Error(0, "column " + std::to_string(i) + " out of range (row has " +
                       std::to_string(columns_.size()) + " columns)");
  }
  return columns_[i];
}

const std::string& Row::NotNull(std::size_t i) const {
  const auto& column = Column(i);
  if (!column) throw Error(0, "column " + std::to_string(i) + " is NULL");
  return *column;
}

bool Row::IsNull(std::size_t i) const { return !Column(i).has_value(); }

std::int64_t Row::Int(std::size_t i) const {
  const std::string& text = NotNull(i);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error(0, "column " + std::to_string(i) + " is not a 64-bit integer: '" + text + "'");
  }
  return value;
}

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

double Row::Double(std::size_t i) const {
  const std::string& text = NotNull(i);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error(0, "column " + std::to_string(i) + " is not a number: '" + text + "'");
  }
  return value;
}

const std::string& Row::String(std::size_t i) const { return NotNull(i); }

std::optional<std::string> Row::OptString(std::size_t i) const { return Column(i); }

time::TimePoint Row::Time(std::size_t i) const {
  const std::string& text = NotNull(i);
  auto parsed = time::ParseIso(text);
  if (!parsed) throw Error(0, "column " + std::to_string(i) + " is not a date-time: '" + text + "'");
  return *parsed;
}

std::optional<time::TimePoint> Row::OptTime(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Time(i);
}

}  // namespace mp::sql

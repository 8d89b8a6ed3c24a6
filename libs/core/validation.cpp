#include "libs/core/validation.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace mp {

const nlohmann::json* JsonReader::Find(std::string_view field, Presence presence) {
  auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) {
    if (presence == Presence::kRequired) Problem(std::string(field), "is required");
    return nullptr;
  }
  return &*it;
}

bool JsonReader::Has(std::string_view field) const {
  auto it = object_.find(field);
  return it != object_.end() && !it->is_null();
}

std::optional<std::string> JsonReader::String(std::string_view field, Presence presence,
                                              std::size_t min_length, std::size_t max_length) {
  const nlohmann::json* value = Find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    Problem(std::string(field), "must be a string");
    return std::nullopt;
  }
  const auto& text = value->get_ref<const std::string&>();
  auto length = Utf8Length(text);
  if (!length) {
    Problem(std::string(field), "must be valid UTF-8");
    return std::nullopt;
  }
  if (*length < min_length) {
    Problem(std::string(field), min_length == 1
                                    ? "must not be empty"
                                    : "must be at least " + std::to_string(min_length) + " characters");
    return std::nullopt;
  }
  if (*length > max_length) {
    Problem(std::string(field), "must be at most " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> JsonReader::Int(std::string_view field, Presence presence, std::int64_t min,
                                            std::int64_t max) {
  return IntIn(field, presence, min, max,
               "must be between " + std::to_string(min) + " and " + std::to_string(max));
}

std::optional<std::int64_t> JsonReader::Id(std::string_view field, Presence presence) {
  return IntIn(field, presence, 1, kMaxId, std::string(kIdProblem));
}

std::optional<std::int64_t> JsonReader::IntIn(std::string_view field, Presence presence, std::int64_t min,
                                              std::int64_t max, const std::string& range) {
  const nlohmann::json* value = Find(field, presence);
  if (value == nullptr) return std::nullopt;
  std::int64_t number = 0;
  if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    Problem(std::string(field), range);
    return std::nullopt;
  }
  if (value->is_number_integer()) {
    number = value->get<std::int64_t>();
  } else if (value->is_number_float() && std::floor(value->get<double>()) == value->get<double>()) {
    double d = value->get<double>();
    if (std::fabs(d) >= 9.2e18) {  // beyond any int64 (a whole number written as 5.0 is an integer)
      Problem(std::string(field), range);
      return std::nullopt;
    }
    number = static_cast<std::int64_t>(d);
  } else {
    Problem(std::string(field), "must be an integer");
    return std::nullopt;
  }
  if (number < min || number > max) {
    Problem(std::string(field), range);
    return std::nullopt;
  }
  return number;
}

std::optional<bool> JsonReader::Bool(std::string_view field, Presence presence) {
  const nlohmann::json* value = Find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    Problem(std::string(field), "must be true or false");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<money::Cents> JsonReader::Money(std::string_view field, Presence presence, money::Cents min,
                                              money::Cents max) {
  const nlohmann::json* value = Find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    Problem(std::string(field), "must be a number");
    return std::nullopt;
  }
  double number = value->get<double>();
  if (!(number >= money::ToDouble(min) && number <= money::ToDouble(max))) {
    Problem(std::string(field), "must be between " + money::Format(min) + " and " + money::Format(max));
    return std::nullopt;
  }
  auto cents = money::FromDouble(number);
  if (!cents) {
    Problem(std::string(field), "must have at most 2 decimals");
    return std::nullopt;
  }
  return cents;
}

std::optional<time::TimePoint> JsonReader::Time(std::string_view field, Presence presence,
                                                time::TimePoint earliest, time::TimePoint latest) {
  const nlohmann::json* value = Find(field, presence);
  if (value == nullptr) return std::nullopt;
  std::string range = "must be between " + time::FormatIso(earliest) + " and " + time::FormatIso(latest);
  if (!value->is_string()) {
    Problem(std::string(field), "must be an ISO-8601 date-time such as 2025-10-25T09:00:00Z");
    return std::nullopt;
  }
  const auto& text = value->get_ref<const std::string&>();
  auto parsed = time::ParseIso(text);
  if (!parsed) {
    Problem(std::string(field), time::IsIsoOutsideYears(text)
                                    ? range
                                    : "must be an ISO-8601 date-time such as 2025-10-25T09:00:00Z");
    return std::nullopt;
  }
  if (*parsed < earliest || *parsed > latest) {
    Problem(std::string(field), range);
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::string> JsonReader::Enum(std::string_view field, Presence presence,
                                            const std::vector<std::string_view>& allowed) {
  const nlohmann::json* value = Find(field, presence);
  if (value == nullptr) return std::nullopt;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  if (!value->is_string() ||
      std::find(allowed.begin(), allowed.end(), value->get_ref<const std::string&>()) == allowed.end()) {
    Problem(std::string(field), "must be one of: " + list);
    return std::nullopt;
  }
  return value->get<std::string>();
}

void JsonReader::Finish() const {
  if (!problems_.empty()) throw ApiError::Validation(problems_);
}

}  // namespace mp

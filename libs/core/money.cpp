#include "libs/core/money.hpp"

#include <cmath>

namespace mp::money {

std::optional<Cents> FromDouble(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  double scaled = value * 100.0;
  if (std::fabs(scaled) > static_cast<double>(kMaxCents) + 0.5) return std::nullopt;
  auto cents = static_cast<Cents>(std::round(scaled));
  // Exact: the double a JSON parser makes of "19.99" is the one nearest to 19.99, and so is 1999 / 100.0;
  // any further digit in the text (19.990001, 0.30000000000000004) makes another double.
  if (static_cast<double>(cents) / 100.0 != value) return std::nullopt;
  return cents;
}

std::optional<Cents> Parse(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  auto dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || fraction.size() > 2 ||
      (dot != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  Cents cents = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    cents = cents * 10 + (c - '0');
  }
  for (std::size_t i = 0; i < 2; ++i) {
    char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    cents = cents * 10 + (c - '0');
  }
  if (cents > kMaxCents) return std::nullopt;
  return negative ? -cents : cents;
}

std::optional<std::string> AmountProblem(std::string_view text, Cents min, Cents max) {
  if (auto cents = Parse(text); cents && *cents >= min && *cents <= max) return std::nullopt;
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
  auto dot = digits.find('.');
  std::string_view whole = digits.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : digits.substr(dot + 1);
  auto all_digits = [](std::string_view part) {
    return part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    return "must be a number";
  }
  if (fraction.size() > 2) return "must have at most 2 decimals";
  return "must be between " + Format(min) + " and " + Format(max);
}

std::string Format(Cents cents) {
  bool negative = cents < 0;
  std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  std::string fraction = std::to_string(magnitude % 100);
  if (fraction.size() < 2) fraction.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + fraction;
}

double ToDouble(Cents cents) { return static_cast<double>(cents) / 100.0; }

}  // namespace mp::money

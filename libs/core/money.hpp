#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Money is exact: integer cents in memory, DECIMAL(10,2) in SQL, a JSON number with at most 2 decimals on
// the wire (DESIGN.md). These convert between the three without ever rounding silently.
namespace mp::money {

using Cents = std::int64_t;

// The largest DECIMAL(10,2): 99,999,999.99.
inline constexpr Cents kMaxCents = 9'999'999'999;

// A JSON number as cents: nullopt when it is not finite, has more than 2 decimals, or exceeds kMaxCents in
// magnitude. (JSON numbers reach us as doubles: 19.99 is accepted because its double is exactly the one
// nearest to 1999 / 100; 120.5000000001 and -1e-10 are refused, never rounded.)
std::optional<Cents> FromDouble(double value);
// "123", "123.4", "123.45", "-0.50" (SQL DECIMAL text and query strings); nullopt otherwise.
std::optional<Cents> Parse(std::string_view text);
// Why `text` (a query value) is not an amount in [min, max], naming the rule it breaks: "must be a number",
// "must have at most 2 decimals" or "must be between <min> and <max>"; nullopt when it is one.
std::optional<std::string> AmountProblem(std::string_view text, Cents min, Cents max);
// "123.45", "-0.50": for SQL parameters.
std::string Format(Cents cents);
// For JSON output: 12345 -> 123.45.
double ToDouble(Cents cents);

}  // namespace mp::money

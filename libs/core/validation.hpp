#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/core/error.hpp"
#include "libs/core/money.hpp"
#include "libs/core/text.hpp"
#include "libs/core/time.hpp"

// Reads typed fields out of a JSON request object, collecting every problem; Finish() throws one 422
// ApiError with all of them in `details`. Types are strict: "5" is not an integer, true is not 1, 2.5 is
// not an integer, and null counts as absent.
namespace mp {

enum class Presence { kRequired, kOptional };

class JsonReader {
 public:
  explicit JsonReader(const nlohmann::json& object) : object_(object) {}

  // Length limits count Unicode code points; leading/trailing spaces are kept as sent.
  std::optional<std::string> String(std::string_view field, Presence presence, std::size_t min_length,
                                    std::size_t max_length);
  std::optional<std::int64_t> Int(std::string_view field, Presence presence, std::int64_t min,
                                  std::int64_t max);
  std::optional<bool> Bool(std::string_view field, Presence presence);
  // A JSON number with at most 2 decimals, as cents in [min, max].
  std::optional<money::Cents> Money(std::string_view field, Presence presence, money::Cents min,
                                    money::Cents max);
  // An ISO-8601 string (time::ParseIso), as UTC.
  std::optional<time::TimePoint> Time(std::string_view field, Presence presence);
  // One of the listed values, case-sensitive.
  std::optional<std::string> Enum(std::string_view field, Presence presence,
                                  const std::vector<std::string_view>& allowed);

  bool Has(std::string_view field) const;
  void Problem(std::string field, std::string problem) {
    problems_.push_back({std::move(field), std::move(problem)});
  }
  bool ok() const { return problems_.empty(); }
  const std::vector<FieldProblem>& problems() const { return problems_; }
  void Finish() const;

 private:
  const nlohmann::json* Find(std::string_view field, Presence presence);

  const nlohmann::json& object_;
  std::vector<FieldProblem> problems_;
};

}  // namespace mp

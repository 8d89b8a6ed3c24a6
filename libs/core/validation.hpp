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

// Every id of the API, in paths and in bodies: 1 to 2^53 - 1, the largest integer every JSON client keeps
// exact (anything else is refused with 422, docs/openapi.yaml).
inline constexpr std::int64_t kMaxId = 9'007'199'254'740'991;
inline constexpr std::string_view kIdProblem = "must be an integer from 1 to 9007199254740991";

class JsonReader {
 public:
  explicit JsonReader(const nlohmann::json& object) : object_(object) {}

  // Length limits count Unicode code points; leading/trailing spaces are kept as sent.
  std::optional<std::string> String(std::string_view field, Presence presence, std::size_t min_length,
                                    std::size_t max_length);
  std::optional<std::int64_t> Int(std::string_view field, Presence presence, std::int64_t min,
                                  std::int64_t max);
  // An id: an integer in [1, kMaxId].
  std::optional<std::int64_t> Id(std::string_view field, Presence presence);
  std::optional<bool> Bool(std::string_view field, Presence presence);
  // A JSON number with at most 2 decimals, as cents in [min, max] (out of range and too many decimals are
  // told apart).
  std::optional<money::Cents> Money(std::string_view field, Presence presence, money::Cents min,
                                    money::Cents max);
  // An ISO-8601 string (time::ParseIso), as UTC, within [earliest, latest] (a well-formed date-time outside
  // them, even one of a year ParseIso cannot hold, is told the range).
  std::optional<time::TimePoint> Time(std::string_view field, Presence presence, time::TimePoint earliest,
                                      time::TimePoint latest);
  std::optional<time::TimePoint> Time(std::string_view field, Presence presence) {
    return Time(field, presence, time::kEarliestParsed, time::kLatestParsed);
  }
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
  // An integer in [min, max]; `range` is the problem when it is outside.
  std::optional<std::int64_t> IntIn(std::string_view field, Presence presence, std::int64_t min,
                                    std::int64_t max, const std::string& range);

  const nlohmann::json& object_;
  std::vector<FieldProblem> problems_;
};

}  // namespace mp

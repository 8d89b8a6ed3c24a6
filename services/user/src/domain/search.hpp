#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libs/core/money.hpp"
#include "libs/core/problem.hpp"

// The public provider search (GET /providers/search): typed filters only, so nothing a client sends can
// become a query operator.
namespace mp::user::domain {

inline constexpr std::size_t kSearchSkillsMax = 20;

// The query parameters as sent (percent-decoded); `skills` holds every `skills=` value (each may be a
// comma-separated list). Every member defaults to empty, so a query names only what it sets.
struct SearchQuery {
  std::vector<std::string> skills{};
  std::optional<std::string> min_rating{};
  std::optional<std::string> max_hourly_rate{};
  std::optional<std::string> location{};
};

struct ProviderSearch {
  std::vector<std::string> skill_keys;  // any of them (SkillKey form); empty: any skills
  std::optional<double> min_rating;     // 0..5
  std::optional<money::Cents> max_hourly_rate;
  std::optional<std::string> location;  // one of kLocations: the provider serves it
  std::int64_t limit = 50;
  std::int64_t offset = 0;

  friend bool operator==(const ProviderSearch&, const ProviderSearch&) = default;
};

// Empty values count as absent. Adds a problem to `problems` for every bad parameter: a skill longer than
// kSkillMax or with control characters, more than kSearchSkillsMax skills, min_rating not a number in
// 0..5, max_hourly_rate not a number >= 0 with at most 2 decimals, location not a known one.
// limit/offset are the caller's (http::ReadPage).
ProviderSearch ParseSearch(const SearchQuery& query, std::vector<FieldProblem>& problems);

}  // namespace mp::user::domain

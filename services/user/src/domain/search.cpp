#include "services/user/src/domain/search.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <string_view>

#include "libs/core/text.hpp"
#include "services/user/src/domain/profile.hpp"

namespace mp::user::domain {
namespace {

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

ProviderSearch ParseSearch(const SearchQuery& query, std::vector<FieldProblem>& problems) {
  ProviderSearch search;

  std::set<std::string> seen;
  bool skills_ok = true;
  for (const auto& value : query.skills) {
    std::string_view rest = value;
    while (skills_ok) {
      auto comma = rest.find(',');
      std::string key = SkillKey(rest.substr(0, comma));
      if (!key.empty()) {
        auto length = Utf8Length(key);
        if (!length || *length > kSkillMax || HasControlCharacter(key, false)) {
          problems.push_back({"skills", "each skill must be valid text of at most " +
                                            std::to_string(kSkillMax) + " characters"});
          skills_ok = false;
        } else if (seen.insert(key).second) {
          search.skill_keys.push_back(std::move(key));
        }
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (skills_ok && search.skill_keys.size() > kSearchSkillsMax) {
    problems.push_back({"skills", "give at most " + std::to_string(kSearchSkillsMax) + " skills"});
  }

  if (query.min_rating && !query.min_rating->empty()) {
    auto rating = ParseNumber(*query.min_rating);
    if (!rating || *rating < 0 || *rating > kMaxRating) {
      problems.push_back({"min_rating", "must be a number between 0 and 5"});
    } else {
      search.min_rating = rating;
    }
  }

  if (query.max_hourly_rate && !query.max_hourly_rate->empty()) {
    if (auto problem = money::AmountProblem(*query.max_hourly_rate, 0, money::kMaxCents)) {
      problems.push_back({"max_hourly_rate", *problem});
    } else {
      search.max_hourly_rate = money::Parse(*query.max_hourly_rate);
    }
  }

  if (query.location && !query.location->empty()) {
    if (IsLocation(*query.location)) {
      search.location = query.location;
    } else {
      problems.push_back({"location", "must be one of: NORTH, SOUTH, EAST, WEST, MID"});
    }
  }

  return search;
}

}  // namespace mp::user::domain

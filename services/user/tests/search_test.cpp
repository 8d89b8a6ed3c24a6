#include "services/user/src/domain/search.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "libs/core/error.hpp"

namespace mp::user::domain {
namespace {

std::map<std::string, std::string> Problems(const SearchQuery& query) {
  try {
    ParseSearch(query);
  } catch (const ApiError& error) {
    EXPECT_EQ(error.kind(), ApiError::Kind::kValidation);
    std::map<std::string, std::string> problems;
    for (const auto& d : error.details()) problems[d.field] = d.problem;
    return problems;
  }
  ADD_FAILURE() << "accepted";
  return {};
}

TEST(SearchFilters, NothingGivenMeansEveryProvider) {
  auto search = ParseSearch({});
  EXPECT_TRUE(search.skill_keys.empty());
  EXPECT_FALSE(search.min_rating);
  EXPECT_FALSE(search.max_hourly_rate);
  EXPECT_FALSE(search.location);
  SearchQuery empty_values;
  empty_values.skills = {""};
  empty_values.min_rating = "";
  empty_values.max_hourly_rate = "";
  empty_values.location = "";
  EXPECT_EQ(ParseSearch(empty_values), ParseSearch({}));
}

TEST(SearchFilters, SkillsAreCommaSeparatedOrRepeatedAndMatchedCaseInsensitively) {
  SearchQuery query;
  query.skills = {"Plumbing, wiring,,", "PLUMBING", " Tiling "};
  EXPECT_EQ(ParseSearch(query).skill_keys, (std::vector<std::string>{"plumbing", "wiring", "tiling"}));
}

TEST(SearchFilters, TypedValuesOnly) {
  SearchQuery query;
  query.min_rating = "4.5";
  query.max_hourly_rate = "80.25";
  query.location = "SOUTH";
  auto search = ParseSearch(query);
  EXPECT_DOUBLE_EQ(*search.min_rating, 4.5);
  EXPECT_EQ(search.max_hourly_rate, 8025);
  EXPECT_EQ(search.location, "SOUTH");
}

TEST(SearchFilters, BadValuesAre422NamingEachParameter) {
  SearchQuery query;
  query.min_rating = "6";
  query.max_hourly_rate = "-1";
  query.location = "CENTRAL";
  auto problems = Problems(query);
  EXPECT_EQ(problems["min_rating"], "must be a number between 0 and 5");
  EXPECT_EQ(problems["max_hourly_rate"], "must be a number >= 0 with at most 2 decimals");
  EXPECT_EQ(problems["location"], "must be one of: NORTH, SOUTH, EAST, WEST, MID");

  for (const char* bad : {"abc", "nan", "inf", "4.5x", " 4", "{\"$gt\":0}"}) {
    SearchQuery q;
    q.min_rating = bad;
    EXPECT_TRUE(Problems(q).contains("min_rating")) << bad;
  }
  SearchQuery many_decimals;
  many_decimals.max_hourly_rate = "10.001";
  EXPECT_TRUE(Problems(many_decimals).contains("max_hourly_rate"));
}

TEST(SearchFilters, SkillLimits) {
  SearchQuery too_long;
  too_long.skills = {std::string(51, 'a')};
  EXPECT_TRUE(Problems(too_long).contains("skills"));
  SearchQuery too_many;
  std::string list;
  for (int i = 0; i < 21; ++i) list += "s" + std::to_string(i) + ",";
  too_many.skills = {list};
  EXPECT_EQ(Problems(too_many)["skills"], "give at most 20 skills");
  SearchQuery control;
  control.skills = {"a\nb"};
  EXPECT_TRUE(Problems(control).contains("skills"));
}

TEST(SearchFilters, OperatorLookingTextIsJustASkill) {
  SearchQuery query;
  query.skills = {"$ne"};
  EXPECT_EQ(ParseSearch(query).skill_keys, std::vector<std::string>{"$ne"});
}

}  // namespace
}  // namespace mp::user::domain

#include "services/user/src/domain/search.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace mp::user::domain {
namespace {

// The problems of a query expected to be refused, as {field: problem}.
std::map<std::string, std::string> Problems(const SearchQuery& query) {
  std::vector<FieldProblem> found;
  (void)ParseSearch(query, found);
  EXPECT_FALSE(found.empty()) << "accepted";
  std::map<std::string, std::string> problems;
  for (const auto& d : found) problems[d.field] = d.problem;
  return problems;
}

// The search of a query expected to be accepted.
ProviderSearch Accepted(const SearchQuery& query) {
  std::vector<FieldProblem> problems;
  auto search = ParseSearch(query, problems);
  EXPECT_TRUE(problems.empty()) << problems.front().field << ": " << problems.front().problem;
  return search;
}

TEST(SearchFilters, NothingGivenMeansEveryProvider) {
  auto search = Accepted({});
  EXPECT_TRUE(search.skill_keys.empty());
  EXPECT_FALSE(search.min_rating);
  EXPECT_FALSE(search.max_hourly_rate);
  EXPECT_FALSE(search.location);
  SearchQuery empty_values;
  empty_values.skills = {""};
  empty_values.min_rating = "";
  empty_values.max_hourly_rate = "";
  empty_values.location = "";
  EXPECT_EQ(Accepted(empty_values), Accepted({}));
}

TEST(SearchFilters, SkillsAreCommaSeparatedOrRepeatedAndMatchedCaseInsensitively) {
  SearchQuery query;
  query.skills = {"Plumbing, wiring,,", "PLUMBING", " Tiling "};
  EXPECT_EQ(Accepted(query).skill_keys, (std::vector<std::string>{"plumbing", "wiring", "tiling"}));
}

TEST(SearchFilters, TypedValuesOnly) {
  SearchQuery query;
  query.min_rating = "4.5";
  query.max_hourly_rate = "80.25";
  query.location = "SOUTH";
  auto search = Accepted(query);
  EXPECT_DOUBLE_EQ(*search.min_rating, 4.5);
  EXPECT_EQ(search.max_hourly_rate, 8025);
  EXPECT_EQ(search.location, "SOUTH");
}

TEST(SearchFilters, BadValuesAreProblemsNamingEachParameter) {
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
  EXPECT_EQ(Accepted(query).skill_keys, std::vector<std::string>{"$ne"});
}

}  // namespace
}  // namespace mp::user::domain

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
  EXPECT_EQ(Accepted({.skills = {""}, .min_rating = "", .max_hourly_rate = "", .location = ""}),
            Accepted({}));
}

TEST(SearchFilters, SkillsAreCommaSeparatedOrRepeatedAndMatchedCaseInsensitively) {
  EXPECT_EQ(Accepted({.skills = {"Plumbing, wiring,,", "PLUMBING", " Tiling "}}).skill_keys,
            (std::vector<std::string>{"plumbing", "wiring", "tiling"}));
}

TEST(SearchFilters, TypedValuesOnly) {
  auto search = Accepted({.min_rating = "4.5", .max_hourly_rate = "80.25", .location = "SOUTH"});
  EXPECT_DOUBLE_EQ(*search.min_rating, 4.5);
  EXPECT_EQ(search.max_hourly_rate, 8025);
  EXPECT_EQ(search.location, "SOUTH");
}

TEST(SearchFilters, BadValuesAreProblemsNamingEachParameter) {
  auto problems = Problems({.min_rating = "6", .max_hourly_rate = "-1", .location = "CENTRAL"});
  EXPECT_EQ(problems["min_rating"], "must be a number between 0 and 5");
  EXPECT_EQ(problems["max_hourly_rate"], "must be between 0.00 and 99999999.99");
  EXPECT_EQ(problems["location"], "must be one of: NORTH, SOUTH, EAST, WEST, MID");

  for (const char* bad : {"abc", "nan", "inf", "4.5x", " 4", "{\"$gt\":0}"}) {
    EXPECT_TRUE(Problems({.min_rating = bad}).contains("min_rating")) << bad;
  }
  EXPECT_EQ(Problems({.max_hourly_rate = "10.001"})["max_hourly_rate"], "must have at most 2 decimals");
  EXPECT_EQ(Problems({.max_hourly_rate = "100000000"})["max_hourly_rate"],
            "must be between 0.00 and 99999999.99");
}

TEST(SearchFilters, SkillLimits) {
  EXPECT_TRUE(Problems({.skills = {std::string(51, 'a')}}).contains("skills"));
  std::string list;
  for (int i = 0; i < 21; ++i) list += "s" + std::to_string(i) + ",";
  EXPECT_EQ(Problems({.skills = {list}})["skills"], "give at most 20 skills");
  EXPECT_TRUE(Problems({.skills = {"a\nb"}}).contains("skills"));
}

TEST(SearchFilters, OperatorLookingTextIsJustASkill) {
  EXPECT_EQ(Accepted({.skills = {"$ne"}}).skill_keys, std::vector<std::string>{"$ne"});
}

}  // namespace
}  // namespace mp::user::domain

#include "services/user/src/domain/profile.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mp::user::domain {
namespace {

TEST(ProfileRoles, OnlyCustomersAndProvidersHaveProfiles) {
  EXPECT_EQ(ProfileTypeForRole(1), ProfileType::kCustomer);
  EXPECT_EQ(ProfileTypeForRole(2), ProfileType::kProvider);
  EXPECT_FALSE(ProfileTypeForRole(3));
  EXPECT_FALSE(ProfileTypeForRole(0));
  EXPECT_EQ(RoleOf(ProfileType::kProvider), 2);
  EXPECT_EQ(ProfileTypeName(ProfileType::kCustomer), "customer");
}

TEST(ProfileDefaults, AProfileNobodyWroteHasTheReferenceDefaultsAndNoTimestamps) {
  auto customer = DefaultCustomer(7);
  EXPECT_EQ(customer.user_id, 7);
  EXPECT_EQ(customer.location, "NORTH");
  EXPECT_FALSE(customer.address);
  EXPECT_EQ(customer.budget_preference, 0);
  EXPECT_FALSE(customer.created_at);
  auto provider = DefaultProvider(8);
  EXPECT_EQ(provider.user_id, 8);
  EXPECT_TRUE(provider.skills.empty());
  EXPECT_EQ(provider.rating, kDefaultRating);
  EXPECT_EQ(provider.total_reviews, 0);
  EXPECT_FALSE(provider.updated_at);
}

TEST(NewProfile, IsTheDefaultsWithTheChangesMadeNow) {
  const auto now = time::FromUnixSeconds(1'761'382'800);
  CustomerChanges customer;
  customer.location = "EAST";
  customer.budget_preference = 12050;
  auto made = NewProfile(3, customer, now);
  EXPECT_EQ(made.location, "EAST");
  EXPECT_EQ(made.budget_preference, 12050);
  EXPECT_FALSE(made.address);
  EXPECT_EQ(made.created_at, now);
  EXPECT_EQ(made.updated_at, now);

  ProviderChanges provider;
  provider.skills = std::vector<std::string>{"Plumbing"};
  auto made_provider = NewProfile(4, provider, now);
  EXPECT_EQ(made_provider.skills, std::vector<std::string>{"Plumbing"});
  EXPECT_EQ(made_provider.rating, kDefaultRating);
  EXPECT_EQ(made_provider.created_at, now);
}

TEST(Apply, ChangesOnlyWhatIsGiven) {
  auto profile = DefaultProvider(1);
  profile.hourly_rate = 4000;
  profile.portfolio = {"a"};
  ProviderChanges changes;
  changes.availability = "weekends";
  changes.skills = std::vector<std::string>{};
  auto changed = Apply(profile, changes);
  EXPECT_EQ(changed.availability, "weekends");
  EXPECT_EQ(changed.hourly_rate, 4000);
  EXPECT_EQ(changed.portfolio, std::vector<std::string>{"a"});
  EXPECT_TRUE(changed.skills.empty());
  EXPECT_TRUE(CustomerChanges{}.empty());
  EXPECT_FALSE(changes.empty());
}

TEST(ListItems, ItemsMustBeShortVisibleText) {
  EXPECT_FALSE(ListItemProblem("Plumbing", kSkillMax));
  EXPECT_EQ(ListItemProblem("", kSkillMax), "must not be empty");
  EXPECT_EQ(ListItemProblem(std::string(51, 'x'), kSkillMax), "must be at most 50 characters");
  EXPECT_EQ(ListItemProblem("a\x01"
                            "b",
                            kSkillMax),
            "must not contain control characters");
  EXPECT_EQ(ListItemProblem("\xff", kSkillMax), "must be valid UTF-8");
  EXPECT_EQ(Trim(" \tPlumbing \r\n"), "Plumbing");
  EXPECT_EQ(Trim("   "), "");
}

TEST(Skills, AreMatchedTrimmedAndCaseInsensitively) {
  EXPECT_EQ(SkillKey(" Plumbing "), "plumbing");
  EXPECT_EQ(SkillKeys({"Plumbing", "plumbing ", "Wiring"}), (std::vector<std::string>{"plumbing", "wiring"}));
}

TEST(Locations, AreTheFiveKnownOnes) {
  EXPECT_TRUE(IsLocation("MID"));
  EXPECT_FALSE(IsLocation("mid"));
  EXPECT_FALSE(IsLocation("CENTRAL"));
  EXPECT_EQ(kLocations.size(), 5U);
}

}  // namespace
}  // namespace mp::user::domain

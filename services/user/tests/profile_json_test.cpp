// The profile bodies the routes read and the shapes they and the events write.
#include "services/user/src/api/profile_json.hpp"
#include "services/user/src/events/profile_shape.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/topology.hpp"
#include "libs/core/error.hpp"
#include "services/user/src/events/profile_events.hpp"

namespace mp::user::api {
namespace {

using domain::CustomerChanges;
using domain::DefaultCustomer;
using domain::DefaultProvider;
using domain::ProfileType;
using domain::ProviderChanges;
using domain::ProviderProfile;
using Json = nlohmann::json;

// The 422 a call throws, with its details as {field: problem}.
template <class F>
std::map<std::string, std::string> Problems(F call) {
  try {
    call();
  } catch (const ApiError& error) {
    EXPECT_EQ(error.kind(), ApiError::Kind::kValidation) << error.error();
    std::map<std::string, std::string> problems;
    for (const auto& d : error.details()) problems[d.field] = d.problem;
    return problems;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return {};
}

TEST(ProfileDefaults, CustomerAndProviderDefaultsAreThoseOfTheReference) {
  EXPECT_EQ(events::CustomerJson(DefaultCustomer(7)),
            Json::parse(R"({"user_id":7,"location":"NORTH","address":null,"budget_preference":0.0,
                            "created_at":null,"updated_at":null})"));
  EXPECT_EQ(
      events::ProviderJson(DefaultProvider(8)),
      Json::parse(R"({"user_id":8,"skills":[],"experience_years":0,"hourly_rate":0.0,"availability":null,
                            "portfolio":[],"service_areas":[],"rating":5.0,"total_reviews":0,
                            "created_at":null,"updated_at":null})"));
}

TEST(CustomerFields, CreateTakesDefaultsForWhatIsMissing) {
  auto changes = ParseCustomerCreate(Json::object());
  EXPECT_TRUE(changes.empty());
  auto profile = domain::Apply(DefaultCustomer(3),
                               ParseCustomerCreate(Json{{"location", "EAST"}, {"budget_preference", 120.5}}));
  EXPECT_EQ(profile.location, "EAST");
  EXPECT_EQ(profile.budget_preference, 12050);
  EXPECT_FALSE(profile.address);
}

TEST(CustomerFields, LocationMustBeKnownOnCreateAndUpdate) {
  EXPECT_EQ(Problems([] {
              ParseCustomerCreate(Json{{"location", "CENTRAL"}});
            })["location"],
            "must be one of: NORTH, SOUTH, EAST, WEST, MID");
  EXPECT_TRUE(Problems([] { ParseCustomerUpdate(Json{{"location", "north"}}); }).contains("location"));
  EXPECT_TRUE(Problems([] { ParseCustomerUpdate(Json{{"location", 1}}); }).contains("location"));
}

TEST(CustomerFields, NumbersAndLengthsAreChecked) {
  auto problems = Problems([] {
    ParseCustomerUpdate(Json{{"budget_preference", -1}, {"address", std::string(256, 'a')}});
  });
  EXPECT_TRUE(problems.contains("budget_preference"));
  EXPECT_TRUE(problems.contains("address"));
  EXPECT_TRUE(Problems([] {
                ParseCustomerUpdate(Json{{"budget_preference", "10"}});
              }).contains("budget_preference"));
  EXPECT_TRUE(Problems([] {
                ParseCustomerUpdate(Json{{"budget_preference", 1.005}});
              }).contains("budget_preference"));
  EXPECT_EQ(ParseCustomerUpdate(Json{{"address", std::string(255, 'a')}}).address->size(), 255U);
}

TEST(CustomerFields, AnEmptyUpdateIsRefusedButNullsAreDropped) {
  EXPECT_TRUE(Problems([] { ParseCustomerUpdate(Json::object()); }).contains("body"));
  EXPECT_TRUE(Problems([] { ParseCustomerUpdate(Json{{"address", nullptr}}); }).contains("body"));
  auto changes = ParseCustomerUpdate(Json{{"address", nullptr}, {"location", "MID"}});
  EXPECT_FALSE(changes.address);
  EXPECT_EQ(changes.location, "MID");
}

TEST(CustomerFields, ReadOnlyFieldsCannotBeWritten) {
  auto problems = Problems([] {
    ParseCustomerUpdate(Json{{"user_id", 5}, {"created_at", "x"}, {"location", "MID"}});
  });
  EXPECT_EQ(problems["user_id"], "cannot be changed");
  EXPECT_EQ(problems["created_at"], "cannot be changed");
}

TEST(ProviderFields, RangesOfApiV1) {
  EXPECT_EQ(ParseProviderUpdate(Json{{"experience_years", 80}}).experience_years, 80);
  EXPECT_TRUE(Problems([] {
                ParseProviderUpdate(Json{{"experience_years", 81}});
              }).contains("experience_years"));
  EXPECT_TRUE(Problems([] {
                ParseProviderUpdate(Json{{"experience_years", -1}});
              }).contains("experience_years"));
  EXPECT_TRUE(Problems([] {
                ParseProviderUpdate(Json{{"experience_years", 2.5}});
              }).contains("experience_years"));
  EXPECT_EQ(ParseProviderUpdate(Json{{"hourly_rate", 100000}}).hourly_rate, 10'000'000);
  EXPECT_TRUE(Problems([] {
                ParseProviderUpdate(Json{{"hourly_rate", 100000.01}});
              }).contains("hourly_rate"));
  EXPECT_TRUE(Problems([] { ParseProviderUpdate(Json{{"hourly_rate", -0.01}}); }).contains("hourly_rate"));
  EXPECT_TRUE(Problems([] { ParseProviderUpdate(Json{{"rating", 1}}); }).contains("rating"));
  EXPECT_TRUE(Problems([] { ParseProviderUpdate(Json{{"total_reviews", 1}}); }).contains("total_reviews"));
}

TEST(ProviderFields, SkillsAreTrimmedDeduplicatedAndLimited) {
  auto changes = ParseProviderUpdate(Json{{"skills", {" Plumbing ", "plumbing", "Wiring"}}});
  ASSERT_TRUE(changes.skills);
  EXPECT_EQ(*changes.skills, (std::vector<std::string>{"Plumbing", "Wiring"}));
  EXPECT_EQ(domain::SkillKeys(*changes.skills), (std::vector<std::string>{"plumbing", "wiring"}));

  EXPECT_EQ(Problems([] {
              ParseProviderUpdate(Json{{"skills", "plumbing"}});
            })["skills"],
            "must be an array of strings");
  EXPECT_EQ(Problems([] {
              ParseProviderUpdate(Json{{"skills", {"a", 5}}});
            })["skills[1]"],
            "must be a string");
  EXPECT_EQ(Problems([] {
              ParseProviderUpdate(Json{{"skills", {"  "}}});
            })["skills[0]"],
            "must not be empty");
  EXPECT_TRUE(Problems([] {
                ParseProviderUpdate(Json{{"skills", {std::string(51, 'x')}}});
              }).contains("skills[0]"));
  EXPECT_TRUE(Problems([] {
                ParseProviderUpdate(Json{{"skills",
                                          {"a\x01"
                                           "b"}}});
              }).contains("skills[0]"));
  EXPECT_TRUE(Problems([] {
                ParseProviderUpdate(Json{{"skills", Json(std::vector<std::string>(31, "x"))}});
              }).contains("skills"));
  EXPECT_TRUE(
      Problems([] { ParseProviderUpdate(Json::parse(R"({"skills":[{"$ne":1}]})")); }).contains("skills[0]"));
  // An empty list clears the skills (it is a value, not "absent").
  EXPECT_EQ(ParseProviderUpdate(Json{{"skills", Json::array()}}).skills, std::vector<std::string>{});
}

TEST(ProviderFields, PortfolioAndServiceAreas) {
  auto changes = ParseProviderCreate(
      Json{{"portfolio", {"https://example.com/a"}}, {"service_areas", {"NORTH", "MID", "NORTH"}}});
  EXPECT_EQ(*changes.portfolio, std::vector<std::string>{"https://example.com/a"});
  EXPECT_EQ(*changes.service_areas, (std::vector<std::string>{"NORTH", "MID"}));
  EXPECT_TRUE(Problems([] {
                ParseProviderCreate(Json{{"service_areas", {"CENTRAL"}}});
              }).contains("service_areas[0]"));
  EXPECT_TRUE(Problems([] {
                ParseProviderCreate(Json{{"portfolio", Json(std::vector<std::string>(21, "x"))}});
              }).contains("portfolio"));
  EXPECT_TRUE(Problems([] {
                ParseProviderCreate(Json{{"availability", std::string(201, 'a')}});
              }).contains("availability"));
}

TEST(ProviderFields, OtherKindsFieldsAreNotRead) {
  // The customer routes do not look at provider keys and the other way round (as the reference).
  EXPECT_TRUE(ParseProviderCreate(Json{{"location", "CENTRAL"}}).empty());
  EXPECT_TRUE(ParseCustomerCreate(Json{{"skills", 5}}).empty());
}

TEST(ProfileJson, MoneyAndRatingAreRoundedForOutput) {
  ProviderProfile p = DefaultProvider(1);
  p.hourly_rate = 4550;
  p.rating = 4.666666;
  p.total_reviews = 3;
  p.created_at = time::FromUnixSeconds(1'761'382'800);  // 2025-10-25T09:00:00Z
  auto json = events::ProviderJson(p);
  EXPECT_DOUBLE_EQ(json["hourly_rate"].get<double>(), 45.5);
  EXPECT_DOUBLE_EQ(json["rating"].get<double>(), 4.67);
  EXPECT_EQ(json["created_at"], "2025-10-25T09:00:00Z");
  EXPECT_TRUE(json["updated_at"].is_null());
}

TEST(ProfileEvents, UpdatedNamesOnlyWhatChanged) {
  const auto at = time::FromUnixSeconds(1'761'382'800);
  CustomerChanges c;
  c.budget_preference = 1999;
  auto customer = events::ProfileUpdated(5, c, at, "api");
  EXPECT_EQ(customer.body["updated_fields"], Json::parse(R"({"budget_preference":19.99})"));
  EXPECT_EQ(customer.body["profile_type"], "customer");
  ProviderChanges p;
  p.skills = std::vector<std::string>{"a"};
  p.availability = "weekends";
  auto provider = events::ProfileUpdated(6, p, at, "api");
  EXPECT_EQ(provider.body["updated_fields"], Json::parse(R"({"skills":["a"],"availability":"weekends"})"));
  EXPECT_EQ(provider.body["profile_type"], "provider");
}

TEST(ProfileEvents, CreatedAndUpdatedCarryTheProfileOnUserEvents) {
  auto profile = DefaultCustomer(42);
  profile.created_at = profile.updated_at = time::FromUnixSeconds(1'761'382'800);
  auto created = events::CustomerCreated(profile, "api");
  EXPECT_EQ(created.exchange, "user_events");
  EXPECT_EQ(created.routing_key, "profile.created");
  EXPECT_EQ(created.body["user_id"], 42);
  EXPECT_EQ(created.body["role_id"], 1);
  EXPECT_EQ(created.body["profile_type"], "customer");
  EXPECT_EQ(created.body["source"], "api");
  EXPECT_EQ(created.body["occurred_at"], "2025-10-25T09:00:00Z");
  EXPECT_EQ(created.body["profile"], events::CustomerJson(profile));

  ProviderChanges rate;
  rate.hourly_rate = 5000;
  auto updated = events::ProfileUpdated(9, rate, time::FromUnixSeconds(1'761'382'800), "admin");
  EXPECT_EQ(updated.routing_key, "profile.updated");
  EXPECT_EQ(updated.body["role_id"], 2);
  EXPECT_EQ(updated.body["updated_fields"], Json::parse(R"({"hourly_rate":50.0})"));
  EXPECT_FALSE(updated.event_id.empty());
}

TEST(ProfileEvents, TheQueueTakesRegistrationsDeletionsAndRatings) {
  auto spec = events::IncomingQueue();
  EXPECT_EQ(spec.queue, "user.events");
  std::set<std::pair<std::string, std::string>> bindings(spec.bindings.begin(), spec.bindings.end());
  EXPECT_TRUE(bindings.contains({"auth_events", "user.registered"}));
  EXPECT_TRUE(bindings.contains({"auth_events", "user.updated"}));
  EXPECT_TRUE(bindings.contains({"auth_events", "user.deleted"}));
  EXPECT_TRUE(bindings.contains({"review_events", "rating.updated"}));
  EXPECT_EQ(spec.bindings, bus::SubscriptionsOf(spec.queue)) << "the topology declares what the queue binds";
}

}  // namespace
}  // namespace mp::user::api

// The profile store against a real FerretDB/MongoDB (a database of its own per fixture), and its embedded
// outbox published by the relay to a real RabbitMQ.
#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/outbox.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/bus/topology.hpp"
#include "libs/mongo/outbox.hpp"
#include "services/user/src/events/profile_events.hpp"
#include "services/user/src/store/profile_store.hpp"
#include "services/user/tests/user_test_support.hpp"

namespace mp::user::store {
namespace {

using domain::CustomerProfile;
using domain::ProviderProfile;
using mongo::Document;
using Json = nlohmann::json;

class ProfileStoreTest : public ::testing::Test {
 protected:
  ProfileStoreTest() : store_(db_.get()) { store_.EnsureIndexes(); }

  CustomerProfile Customer(std::int64_t id) {
    auto p = domain::DefaultCustomer(id);
    p.created_at = p.updated_at = time::Now();
    return p;
  }
  ProviderProfile Provider(std::int64_t id, std::vector<std::string> skills, money::Cents rate, double rating,
                           std::vector<std::string> areas = {}) {
    auto p = domain::DefaultProvider(id);
    p.skills = std::move(skills);
    p.hourly_rate = rate;
    p.rating = rating;
    p.service_areas = std::move(areas);
    p.created_at = p.updated_at = time::Now();
    return p;
  }

  // The stored document as it is, outbox included.
  Json Raw(const char* collection, std::int64_t id) {
    auto doc = db_.get().collection(collection).FindOne(Document{{"_id", id}});
    return doc ? *doc : Json();
  }
  std::vector<std::string> OutboxKeys(const char* collection, std::int64_t id) {
    std::vector<std::string> keys;
    for (const auto& entry : Raw(collection, id).value("outbox", Json::array())) {
      keys.push_back(entry.value("routing_key", std::string()));
    }
    return keys;
  }

  test::TestDatabase db_;
  ProfileStore store_;
};

TEST_F(ProfileStoreTest, CreateStoresTheProfileWithItsCreatedEventInOneDocument) {
  const auto id = test::RandomId();
  auto profile = Customer(id);
  profile.location = "EAST";
  profile.address = "1 Main St";
  profile.budget_preference = 12345;
  auto event = events::CustomerCreated(profile, "api");
  ASSERT_EQ(store_.CreateCustomer(profile, {event}), CreateResult::kCreated);

  auto found = store_.FindCustomer(id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->location, "EAST");
  EXPECT_EQ(found->address, "1 Main St");
  EXPECT_EQ(found->budget_preference, 12345);
  EXPECT_EQ(time::FormatIso(*found->created_at), time::FormatIso(*profile.created_at));

  auto raw = Raw(kCustomerProfiles, id);
  EXPECT_EQ(raw["user_id"], id);
  ASSERT_EQ(raw["outbox"].size(), 1U);
  EXPECT_EQ(raw["outbox"][0]["event_id"], event.event_id);
  EXPECT_EQ(raw["outbox"][0]["exchange"], "user_events");
  EXPECT_EQ(raw["outbox"][0]["routing_key"], "profile.created");
  EXPECT_EQ(Json::parse(raw["outbox"][0]["body"].get<std::string>())["user_id"], id);
}

TEST_F(ProfileStoreTest, ASecondProfileOfTheSameKindIsRefusedAndWritesNothing) {
  const auto id = test::RandomId();
  ASSERT_EQ(store_.CreateCustomer(Customer(id), {events::CustomerCreated(Customer(id), "api")}),
            CreateResult::kCreated);
  auto again = Customer(id);
  again.location = "WEST";
  EXPECT_EQ(store_.CreateCustomer(again, {events::CustomerCreated(again, "user.registered")}),
            CreateResult::kExists);
  EXPECT_EQ(store_.FindCustomer(id)->location, "NORTH");
  EXPECT_EQ(OutboxKeys(kCustomerProfiles, id), std::vector<std::string>{"profile.created"});
  // A provider profile is another kind.
  EXPECT_EQ(store_.CreateProvider(Provider(id, {}, 0, 5.0), {}), CreateResult::kCreated);
}

TEST_F(ProfileStoreTest, UpdateChangesTheFieldsAndAppendsItsEvent) {
  const auto id = test::RandomId();
  ASSERT_EQ(store_.CreateProvider(Provider(id, {"Plumbing"}, 1000, 5.0),
                                  {events::ProviderCreated(Provider(id, {}, 0, 5), "api")}),
            CreateResult::kCreated);
  domain::ProviderChanges changes;
  changes.skills = std::vector<std::string>{"Tiling", "Wiring"};
  changes.hourly_rate = 4550;
  changes.availability = "weekends";
  changes.service_areas = std::vector<std::string>{"MID"};
  const auto now = time::Now();
  auto event = events::ProfileUpdated(id, changes, now, "api");
  auto updated = store_.UpdateProvider(id, changes, now, event);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->skills, (std::vector<std::string>{"Tiling", "Wiring"}));
  EXPECT_EQ(updated->hourly_rate, 4550);
  EXPECT_EQ(updated->availability, "weekends");
  EXPECT_EQ(updated->service_areas, std::vector<std::string>{"MID"});
  EXPECT_EQ(updated->experience_years, 0);
  EXPECT_DOUBLE_EQ(updated->rating, 5.0);

  auto raw = Raw(kProviderProfiles, id);
  EXPECT_EQ(raw["version"], 2);
  EXPECT_EQ(raw["skill_keys"], Json::parse(R"(["tiling","wiring"])"));
  EXPECT_EQ(OutboxKeys(kProviderProfiles, id),
            (std::vector<std::string>{"profile.created", "profile.updated"}));
  EXPECT_EQ(raw["outbox"][1]["event_id"], event.event_id);

  domain::CustomerChanges customer;
  customer.location = "MID";
  EXPECT_FALSE(store_.UpdateCustomer(id, customer, now, event));
}

TEST_F(ProfileStoreTest, RatingsOnlyMoveForwardAndAreNotLostWithoutAProfile) {
  const auto id = test::RandomId();
  auto missing = Provider(id, {}, 0, 4.5);
  missing.total_reviews = 2;
  auto created = events::ProviderCreated(missing, "rating.updated");
  EXPECT_EQ(store_.ApplyRating(id, 4.5, 2, missing, created), RatingResult::kCreated);
  EXPECT_DOUBLE_EQ(store_.FindProvider(id)->rating, 4.5);
  EXPECT_EQ(OutboxKeys(kProviderProfiles, id), std::vector<std::string>{"profile.created"});

  EXPECT_EQ(store_.ApplyRating(id, 4.0, 3, missing, created), RatingResult::kApplied);
  EXPECT_EQ(store_.ApplyRating(id, 4.5, 2, missing, created), RatingResult::kStale);  // late
  EXPECT_EQ(store_.ApplyRating(id, 4.0, 3, missing, created), RatingResult::kStale);  // repeated
  auto profile = store_.FindProvider(id);
  EXPECT_DOUBLE_EQ(profile->rating, 4.0);
  EXPECT_EQ(profile->total_reviews, 3);

  // user.registered afterwards leaves the rated profile alone.
  EXPECT_EQ(store_.CreateProvider(Provider(id, {}, 0, 5.0), {}), CreateResult::kExists);
  EXPECT_DOUBLE_EQ(store_.FindProvider(id)->rating, 4.0);
}

// 400 writes of one provider's profile at once: 200 ratings arriving in any order and 200 profile edits,
// each with its event. The newest rating wins and no edit or event is lost (on FerretDB v1 by the local
// store's version check and UpdateOne's retries; docs/adr/0014-exact-updates-on-ferretdb.md).
TEST_F(ProfileStoreTest, FourHundredConcurrentWritesOfOneProfileLoseNothing) {
  const auto id = test::RandomId();
  ASSERT_EQ(store_.CreateProvider(Provider(id, {}, 0, 5.0),
                                  {events::ProviderCreated(Provider(id, {}, 0, 5), "api")}),
            CreateResult::kCreated);
  constexpr int kRatings = 200;
  constexpr int kEdits = 200;
  auto rating_after = [](int total) { return 1.0 + (total % 41) / 10.0; };
  std::vector<int> order;
  for (int i = 1; i <= kRatings + kEdits; ++i) order.push_back(i);
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  std::vector<std::string> edit_events(kEdits + 1);
  std::vector<std::thread> threads;
  threads.reserve(order.size());
  for (int n : order) {
    threads.emplace_back([&, n] {
      if (n <= kRatings) {
        auto missing = Provider(id, {}, 0, rating_after(n));
        store_.ApplyRating(id, rating_after(n), n, missing,
                           events::ProviderCreated(missing, "rating.updated"));
        return;
      }
      const int edit = n - kRatings;
      domain::ProviderChanges changes;
      changes.hourly_rate = 1000 + edit;
      const auto now = time::Now();
      auto event = events::ProfileUpdated(id, changes, now, "api");
      edit_events[edit] = event.event_id;
      EXPECT_TRUE(store_.UpdateProvider(id, changes, now, event));
    });
  }
  for (auto& thread : threads) thread.join();

  auto profile = store_.FindProvider(id);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->total_reviews, kRatings);
  EXPECT_DOUBLE_EQ(profile->rating, rating_after(kRatings));
  const auto raw = Raw(kProviderProfiles, id);
  std::set<std::string> in_outbox;
  for (const auto& entry : raw.at("outbox")) in_outbox.insert(entry["event_id"].get<std::string>());
  EXPECT_EQ(in_outbox.size(), static_cast<std::size_t>(1 + kEdits));  // profile.created and every edit
  for (int edit = 1; edit <= kEdits; ++edit) EXPECT_TRUE(in_outbox.contains(edit_events[edit])) << edit;
}

TEST_F(ProfileStoreTest, DeletionRemovesBothKindsKeepsPendingEventsAndBlocksLateCreation) {
  const auto id = test::RandomId();
  auto customer_event = events::CustomerCreated(Customer(id), "api");
  ASSERT_EQ(store_.CreateCustomer(Customer(id), {customer_event}), CreateResult::kCreated);
  ASSERT_EQ(store_.CreateProvider(Provider(id, {}, 0, 5.0), {}), CreateResult::kCreated);

  EXPECT_EQ(store_.DeleteUser(id, time::Now()), 2);
  EXPECT_FALSE(store_.FindCustomer(id));
  EXPECT_FALSE(store_.FindProvider(id));
  EXPECT_TRUE(store_.IsDeleted(id));
  // The unpublished profile.created moved to the tombstone, where the relay finds it.
  auto tombstone = Raw(kDeletedUsers, id);
  ASSERT_EQ(tombstone["outbox"].size(), 1U);
  EXPECT_EQ(tombstone["outbox"][0]["event_id"], customer_event.event_id);

  EXPECT_EQ(store_.DeleteUser(id, time::Now()), 0);  // idempotent
  EXPECT_EQ(store_.CreateCustomer(Customer(id), {}), CreateResult::kUserDeleted);
  auto late = Provider(id, {}, 0, 3.0);
  EXPECT_EQ(store_.ApplyRating(id, 3.0, 1, late, events::ProviderCreated(late, "rating.updated")),
            RatingResult::kUserDeleted);
  EXPECT_FALSE(store_.FindCustomer(id));
  EXPECT_FALSE(store_.FindProvider(id));
}

TEST_F(ProfileStoreTest, ARegistrationRacingTheDeletionLeavesNothing) {
  const auto base = test::RandomId();
  constexpr int kUsers = 20;
  std::thread creator([&] {
    for (int i = 0; i < kUsers; ++i) store_.CreateCustomer(Customer(base + i), {});
  });
  std::thread deleter([&] {
    for (int i = 0; i < kUsers; ++i) store_.DeleteUser(base + i, time::Now());
  });
  creator.join();
  deleter.join();
  for (int i = 0; i < kUsers; ++i) EXPECT_FALSE(store_.FindCustomer(base + i)) << i;
}

TEST_F(ProfileStoreTest, OwnersTellWhoHasWhichProfile) {
  const auto a = test::RandomId(), b = a + 1, c = a + 2;
  ASSERT_EQ(store_.CreateCustomer(Customer(a), {}), CreateResult::kCreated);
  ASSERT_EQ(store_.CreateProvider(Provider(b, {}, 0, 5.0), {}), CreateResult::kCreated);
  auto owners = store_.Owners({a, b, c});
  EXPECT_EQ(owners.customers, std::set<std::int64_t>{a});
  EXPECT_EQ(owners.providers, std::set<std::int64_t>{b});
  EXPECT_TRUE(store_.Owners({}).customers.empty());
}

TEST_F(ProfileStoreTest, SearchFiltersSortsAndPages) {
  const auto base = test::RandomId();
  ASSERT_EQ(store_.CreateProvider(Provider(base + 1, {"Plumbing", "Tiling"}, 5000, 4.8, {"NORTH"}), {}),
            CreateResult::kCreated);
  ASSERT_EQ(store_.CreateProvider(Provider(base + 2, {"plumbing"}, 9000, 4.8, {"SOUTH", "NORTH"}), {}),
            CreateResult::kCreated);
  ASSERT_EQ(store_.CreateProvider(Provider(base + 3, {"Wiring"}, 3000, 3.9, {"MID"}), {}),
            CreateResult::kCreated);
  ASSERT_EQ(store_.CreateProvider(Provider(base + 4, {}, 0, 5.0), {}), CreateResult::kCreated);

  auto ids = [](const SearchResult& r) {
    std::vector<std::int64_t> v;
    v.reserve(r.items.size());
    for (const auto& p : r.items) v.push_back(p.user_id);
    return v;
  };
  domain::ProviderSearch all;
  auto everyone = store_.SearchProviders(all);
  EXPECT_EQ(ids(everyone), (std::vector<std::int64_t>{base + 4, base + 1, base + 2, base + 3}));
  EXPECT_EQ(everyone.total, 4);

  domain::ProviderSearch plumbing;
  plumbing.skill_keys = {"plumbing", "carpentry"};
  EXPECT_EQ(ids(store_.SearchProviders(plumbing)), (std::vector<std::int64_t>{base + 1, base + 2}));

  domain::ProviderSearch cheap = plumbing;
  cheap.max_hourly_rate = 5000;
  EXPECT_EQ(ids(store_.SearchProviders(cheap)), std::vector<std::int64_t>{base + 1});

  domain::ProviderSearch rated;
  rated.min_rating = 4.0;
  rated.location = "NORTH";
  EXPECT_EQ(ids(store_.SearchProviders(rated)), (std::vector<std::int64_t>{base + 1, base + 2}));

  domain::ProviderSearch page;
  page.limit = 2;
  page.offset = 1;
  auto second = store_.SearchProviders(page);
  EXPECT_EQ(ids(second), (std::vector<std::int64_t>{base + 1, base + 2}));
  EXPECT_EQ(second.total, 4);

  domain::ProviderSearch none;
  none.skill_keys = {"$ne"};
  EXPECT_EQ(store_.SearchProviders(none).total, 0);
}

TEST_F(ProfileStoreTest, IndexesAreUniqueOnUserIdAndCreatedIdempotently) {
  store_.EnsureIndexes();
  for (const char* collection : {kCustomerProfiles, kProviderProfiles}) {
    auto reply = db_.get().Command(Document{{"listIndexes", collection}});
    bool unique_user_id = false;
    for (const auto& index : reply["cursor"]["firstBatch"]) {
      if (index["key"] == Json{{"user_id", 1}} && index.value("unique", false)) unique_user_id = true;
    }
    EXPECT_TRUE(unique_user_id) << collection << ": " << reply.dump();
  }
}

TEST_F(ProfileStoreTest, TheRelayPublishesProfileEventsAndEmptiesTheOutbox) {
  auto amqp = bus::test::TestAmqpOptions();
  bus::DeclareTopology(amqp);
  bus::test::TestQueue queue(amqp, "user.test.profiles." + bus::test::UniqueSuffix());
  queue.Declare("user_events", "profile.*");

  const auto id = test::RandomId();
  auto profile = Customer(id);
  auto created = events::CustomerCreated(profile, "api");
  ASSERT_EQ(store_.CreateCustomer(profile, {created}), CreateResult::kCreated);
  domain::CustomerChanges changes;
  changes.location = "MID";
  auto updated = events::ProfileUpdated(id, changes, time::Now(), "api");
  ASSERT_TRUE(store_.UpdateCustomer(id, changes, time::Now(), updated));

  bus::OutboxRelay relay(std::make_unique<mongo::EmbeddedOutbox>(db_.get(), OutboxCollections()), amqp);
  relay.Start();
  relay.Notify();
  std::vector<bus::test::ReceivedMessage> ours;
  EXPECT_TRUE(test::WaitUntil([&] {
    while (auto message = queue.Get()) {
      if (Json::parse(message->body).value("user_id", std::int64_t{0}) == id) ours.push_back(*message);
    }
    return ours.size() >= 2;
  }));
  relay.Stop();
  queue.Delete();
  ASSERT_EQ(ours.size(), 2U);
  std::set<std::string> ids{ours[0].message_id, ours[1].message_id};
  EXPECT_EQ(ids, (std::set<std::string>{created.event_id, updated.event_id}));
  EXPECT_EQ(ours[0].delivery_mode, 2);
  EXPECT_TRUE(test::WaitUntil([&] { return Raw(kCustomerProfiles, id)["outbox"].empty(); }));
}

TEST(ProfileStoreDown, AnUnreachableStoreThrowsUnavailable) {
  mongo::Database database(test::UnreachableMongo());
  ProfileStore store(database);
  try {
    store.FindCustomer(1);
    FAIL() << "no error";
  } catch (const mongo::Error& error) {
    EXPECT_TRUE(error.unavailable()) << error.what();
  }
}

}  // namespace
}  // namespace mp::user::store

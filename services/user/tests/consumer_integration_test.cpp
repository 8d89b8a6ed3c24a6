// The event consumer wired as the service wires it, against real RabbitMQ and FerretDB/MongoDB. Each run
// uses exchanges, a queue and a database of its own, so runs never see each other's events (nor a running
// user service's).
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/consumer.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/service/testing/test_topology.hpp"
#include "services/user/src/events/profile_events.hpp"
#include "services/user/tests/user_test_support.hpp"

namespace mp::user::events {
namespace {

using Json = nlohmann::json;

class UserConsumerTest : public ::testing::Test {
 public:
  UserConsumerTest() : store_(db_.get()), handler_(store_, [this] { ++notified_; }) {
    names_.queue = topology_.Queue("user.test");
    names_.auth_exchange = topology_.Exchange("auth");
    names_.review_exchange = topology_.Exchange("review");
    store_.EnsureIndexes();
    consumer_ = std::make_unique<bus::Consumer>(topology_.amqp(), IncomingQueue(names_),
                                                [this](const bus::Event& event) { handler_.Handle(event); });
    consumer_->Start();
    EXPECT_TRUE(test::WaitUntil([&] { return consumer_->connected(); }));
  }

  bus::Event Event(const std::string& routing_key, Json fields) {
    auto exchange = routing_key.starts_with("rating.") ? names_.review_exchange : names_.auth_exchange;
    return bus::MakeEvent(exchange, routing_key, std::move(fields));
  }

  // Publishes and waits until the consumer has handled (or dead-lettered) `events.size()` more messages.
  void Deliver(const std::vector<bus::Event>& events) {
    auto before = consumer_->handled_total() + consumer_->dead_lettered_total();
    topology_.Publish(events);
    ASSERT_TRUE(test::WaitUntil([&] {
      return consumer_->handled_total() + consumer_->dead_lettered_total() >= before + events.size();
    }));
  }

  std::size_t OutboxSize(const char* collection, std::int64_t id) {
    auto doc = db_.get().collection(collection).FindOne(mongo::Document{{"_id", id}});
    return doc ? doc->value("outbox", Json::array()).size() : 0;
  }

  service::testing::TestTopology topology_;
  QueueNames names_;
  test::TestDatabase db_;
  store::ProfileStore store_;
  std::atomic<int> notified_{0};
  EventHandler handler_;
  std::unique_ptr<bus::Consumer> consumer_;
};

TEST_F(UserConsumerTest, RegistrationCreatesTheRolesProfileOnceHoweverOftenItArrives) {
  const auto customer = test::RandomId(), provider = customer + 1, admin = customer + 2;
  auto registered = Event("user.registered", {{"user_id", customer}, {"username", "c"}, {"role_id", 1}});
  Deliver({registered, registered, Event("user.registered", {{"user_id", provider}, {"role_id", 2}}),
           Event("user.registered", {{"user_id", admin}, {"role_id", 3}})});

  auto profile = store_.FindCustomer(customer);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->location, "NORTH");
  EXPECT_EQ(profile->budget_preference, 0);
  EXPECT_EQ(OutboxSize(store::kCustomerProfiles, customer), 1U);  // one profile.created, not two
  auto provider_profile = store_.FindProvider(provider);
  ASSERT_TRUE(provider_profile);
  EXPECT_DOUBLE_EQ(provider_profile->rating, 5.0);
  EXPECT_FALSE(store_.FindCustomer(provider));
  EXPECT_FALSE(store_.FindCustomer(admin));
  EXPECT_FALSE(store_.FindProvider(admin));
  EXPECT_EQ(handler_.profiles_created(), 2U);
  EXPECT_GE(notified_.load(), 2);
  EXPECT_EQ(consumer_->dead_lettered_total(), 0U);
}

TEST_F(UserConsumerTest, AnExistingProfileIsLeftAlone) {
  const auto id = test::RandomId();
  auto mine = domain::DefaultCustomer(id);
  mine.location = "WEST";
  mine.created_at = mine.updated_at = time::Now();
  ASSERT_EQ(store_.CreateCustomer(mine, {}), store::CreateResult::kCreated);
  Deliver({Event("user.registered", {{"user_id", id}, {"role_id", 1}})});
  EXPECT_EQ(store_.FindCustomer(id)->location, "WEST");
}

TEST_F(UserConsumerTest, DeletionRemovesProfilesAndALateRegistrationCreatesNothing) {
  const auto id = test::RandomId();
  Deliver({Event("user.registered", {{"user_id", id}, {"role_id", 2}})});
  ASSERT_TRUE(store_.FindProvider(id));
  auto deleted = Event("user.deleted", {{"user_id", id}, {"role_id", 2}});
  Deliver({deleted, deleted});
  EXPECT_FALSE(store_.FindProvider(id));
  // Out of order: the registration (or a rating) arriving after the deletion creates nothing.
  Deliver({Event("user.registered", {{"user_id", id}, {"role_id", 2}}),
           Event("rating.updated", {{"provider_id", id}, {"average_rating", 4.0}, {"total_reviews", 1}})});
  EXPECT_FALSE(store_.FindProvider(id));
  EXPECT_EQ(consumer_->dead_lettered_total(), 0U);
}

TEST_F(UserConsumerTest, RatingsApplyInReviewOrderWhateverTheDeliveryOrder) {
  const auto id = test::RandomId();
  Deliver({Event("user.registered", {{"user_id", id}, {"role_id", 2}})});
  Deliver({Event("rating.updated", {{"provider_id", id}, {"average_rating", 4.5}, {"total_reviews", 2}})});
  Deliver({Event("rating.updated", {{"provider_id", id}, {"average_rating", 3.0}, {"total_reviews", 1}})});
  auto profile = store_.FindProvider(id);
  EXPECT_DOUBLE_EQ(profile->rating, 4.5);
  EXPECT_EQ(profile->total_reviews, 2);
  // `rating` is accepted as the field's other name.
  Deliver({Event("rating.updated", {{"provider_id", id}, {"rating", 4.0}, {"total_reviews", 3}})});
  EXPECT_DOUBLE_EQ(store_.FindProvider(id)->rating, 4.0);
}

TEST_F(UserConsumerTest, ARatingBeforeTheProfileIsKept) {
  const auto id = test::RandomId();
  Deliver({Event("rating.updated", {{"provider_id", id}, {"average_rating", 4.25}, {"total_reviews", 4}})});
  Deliver({Event("user.registered", {{"user_id", id}, {"role_id", 2}})});
  auto profile = store_.FindProvider(id);
  ASSERT_TRUE(profile);
  EXPECT_DOUBLE_EQ(profile->rating, 4.25);
  EXPECT_EQ(profile->total_reviews, 4);
}

TEST_F(UserConsumerTest, ARoleChangeGivesTheNewRolesProfile) {
  const auto id = test::RandomId();
  Deliver({Event("user.registered", {{"user_id", id}, {"role_id", 1}})});
  Deliver({Event("user.updated",
                 {{"user_id", id}, {"role_id", 2}, {"previous_role_id", 1}, {"changed", {"role_id"}}})});
  EXPECT_TRUE(store_.FindProvider(id));
  EXPECT_TRUE(store_.FindCustomer(id));  // kept: invisible to a provider, back if the role changes back
}

TEST_F(UserConsumerTest, UnusablePayloadsGoToTheDeadLetterQueueAtOnce) {
  Deliver({Event("rating.updated", {{"average_rating", 4.0}, {"total_reviews", 1}}),
           Event("user.registered", {{"user_id", "7"}, {"role_id", 1}}),
           Event("rating.updated", {{"provider_id", 5}, {"average_rating", 9.0}, {"total_reviews", 1}})});
  ASSERT_TRUE(test::WaitUntil([&] { return consumer_->dead_lettered_total() == 3; }));
  bus::test::TestQueue dead(topology_.amqp(), names_.queue + ".dead");
  EXPECT_TRUE(test::WaitUntil([&] { return dead.MessageCount() == 3; }));
  EXPECT_EQ(consumer_->failed_total(), 3U);  // not retried
}

TEST(UserEventHandlerDown, MongoDownIsRetryLater) {
  mongo::Database database(test::UnreachableMongo());
  store::ProfileStore store(database);
  EventHandler handler(store, [] {});
  auto event = bus::MakeEvent("auth_events", "user.registered", {{"user_id", 5}, {"role_id", 1}});
  EXPECT_THROW(handler.Handle(event), bus::RetryLater);
}

TEST(UserEventHandlerPayloads, UnknownEventsAreIgnoredAndBadOnesArePoison) {
  mongo::Database database(test::UnreachableMongo());  // never reached
  store::ProfileStore store(database);
  EventHandler handler(store, [] {});
  EXPECT_NO_THROW(handler.Handle(bus::MakeEvent("auth_events", "user.logged_in", {{"user_id", 5}})));
  EXPECT_THROW(handler.Handle(bus::MakeEvent("auth_events", "user.deleted", {{"user_id", -1}})), bus::Poison);
  EXPECT_THROW(handler.Handle(bus::MakeEvent("auth_events", "user.registered", {{"user_id", 5}})),
               bus::Poison);
  EXPECT_THROW(
      handler.Handle(bus::MakeEvent("review_events", "rating.updated",
                                    {{"provider_id", 5}, {"average_rating", "4"}, {"total_reviews", 1}})),
      bus::Poison);
  EXPECT_THROW(
      handler.Handle(bus::MakeEvent("review_events", "rating.updated",
                                    {{"provider_id", 5}, {"average_rating", 4.0}, {"total_reviews", -1}})),
      bus::Poison);
}

}  // namespace
}  // namespace mp::user::events

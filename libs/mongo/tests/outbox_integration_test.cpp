#include "libs/mongo/outbox.hpp"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/bus/topology.hpp"
#include "libs/mongo/tests/test_database.hpp"

namespace mp::mongo {
namespace {

using std::chrono::seconds;

class EmbeddedOutboxTest : public ::testing::Test {
 public:
  EmbeddedOutboxTest() : db_(test::TestDatabaseOptions("mp_test_mongo_outbox")) {}
  void SetUp() override {
    amqp_ = bus::test::TestAmqpOptions();
    bus::DeclareTopology(amqp_);
    suffix_ = bus::test::UniqueSuffix();
    EmbeddedOutbox::EnsureIndexes(db_, {"profiles", "ratings"});
  }
  ~EmbeddedOutboxTest() override {
    try {
      db_.Drop();
    } catch (const std::exception&) {
      // Best effort clean-up.
    }
  }

  std::string Key(const std::string& what) const { return "test." + suffix_ + "." + what; }
  bus::Event NewEvent(const std::string& what, nlohmann::json fields) {
    return bus::MakeEvent("user_events", Key(what), std::move(fields));
  }
  // `document` with `events` as its outbox, as the services insert one.
  static Document Outboxed(Document document, const std::vector<bus::Event>& events) {
    AppendOutbox(document, events);
    return document;
  }
  std::int64_t Pending(const std::string& collection) {
    return db_.collection(collection).Count(Document{{"outbox.event_id", Document{{"$exists", true}}}});
  }

  Database db_;
  bus::AmqpOptions amqp_;
  std::string suffix_;
};

TEST_F(EmbeddedOutboxTest, EventsWrittenWithTheirDocumentArriveOnceAndLeaveTheOutbox) {
  bus::test::TestQueue queue(amqp_, Key("queue"));
  queue.Declare("user_events", Key("#"));
  auto profiles = db_.collection("profiles");
  auto ratings = db_.collection("ratings");

  // An insert carrying one event, an update pushing two more, and a second collection.
  bus::Event created = NewEvent("created", {{"user_id", 7}});
  profiles.InsertOne(Outboxed(Document{{"_id", 7}, {"bio", "hi"}}, {created}));
  std::vector<bus::Event> updates{NewEvent("updated", {{"user_id", 7}, {"n", 1}}),
                                  NewEvent("updated", {{"user_id", 7}, {"n", 2}})};
  profiles.UpdateOne(
      Document{{"_id", 7}},
      Document{{"$set", Document{{"bio", "hello"}, {kPendingField, true}}},
               {"$push", Document{{kOutboxField, Document{{"$each", OutboxEntries(updates)}}}}}});
  bus::Event rated = NewEvent("rated", {{"provider_id", 9}, {"rating", 4.5}});
  ratings.InsertOne(Document{{"_id", 9}, {"total", 2}});
  ratings.UpdateOne(Document{{"_id", 9}}, Document{{"$set", Document{{kPendingField, true}}},
                                                   {"$push", Document{{kOutboxField, OutboxEntry(rated)}}}});
  EXPECT_EQ(Pending("profiles"), 1);
  EXPECT_EQ(Pending("ratings"), 1);

  bus::OutboxRelay relay(
      std::make_unique<EmbeddedOutbox>(db_, std::vector<std::string>{"profiles", "ratings"}), amqp_,
      bus::RelayOptions{.poll_interval = std::chrono::milliseconds(100)});
  relay.Start();
  relay.Notify();

  std::set<std::string> expected{created.event_id, updates[0].event_id, updates[1].event_id, rated.event_id};
  std::set<std::string> received;
  std::vector<std::string> bodies;
  ASSERT_TRUE(bus::test::WaitUntil(
      [&] {
        while (auto message = queue.Get()) {
          received.insert(message->message_id);
          bodies.push_back(message->body);
        }
        return received.size() == expected.size();
      },
      seconds(15)));
  EXPECT_EQ(received, expected);
  ASSERT_TRUE(
      bus::test::WaitUntil([&] { return Pending("profiles") == 0 && Pending("ratings") == 0; }, seconds(5)));
  relay.Stop();

  // The state change is intact; only the delivered entries were removed.
  auto profile = profiles.FindOne(Document{{"_id", 7}});
  ASSERT_TRUE(profile);
  EXPECT_EQ((*profile)["bio"], "hello");
  EXPECT_TRUE((*profile)[kOutboxField].empty());
  EXPECT_FALSE(profile->contains(kPendingField));  // unmarked once empty: later passes do not read it
  for (const auto& body : bodies) {
    auto json = nlohmann::json::parse(body);
    EXPECT_TRUE(json.contains("event_id"));
    EXPECT_TRUE(json.contains("occurred_at"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(queue.Get().has_value()) << "an event was published twice";
  queue.Delete();
}

TEST_F(EmbeddedOutboxTest, GaugesCountPendingEntriesAndTheirAge) {
  auto profiles = db_.collection("profiles");
  profiles.InsertOne(Outboxed(Document{{"_id", 1}}, {NewEvent("a", nullptr), NewEvent("b", nullptr)}));
  profiles.InsertOne(Document{{"_id", 2}, {kOutboxField, Array{}}});
  profiles.InsertOne(Document{{"_id", 3}});
  EmbeddedOutbox outbox(db_, {"profiles"});
  bus::OutboxGauges gauges = outbox.Measure();
  EXPECT_EQ(gauges.backlog, 2);
  EXPECT_GE(gauges.oldest_age_seconds, 0.0);
  EXPECT_LT(gauges.oldest_age_seconds, 60.0);
}

TEST_F(EmbeddedOutboxTest, EntriesWrittenBeforeThePendingMarkExistedAreMarkedAtStartUp) {
  auto profiles = db_.collection("profiles");
  profiles.InsertOne(Document{{"_id", 1}, {kOutboxField, OutboxEntries({NewEvent("old", nullptr)})}});
  profiles.InsertOne(Document{{"_id", 2}, {kOutboxField, Array{}}});
  EmbeddedOutbox outbox(db_, {"profiles"});
  EXPECT_EQ(outbox.Measure().backlog, 0);  // not found by the mark
  EmbeddedOutbox::EnsureIndexes(db_, {"profiles"});
  EXPECT_EQ(profiles.Count(Document{{kPendingField, true}}), 1);
  EXPECT_EQ(outbox.Measure().backlog, 1);
}

TEST_F(EmbeddedOutboxTest, EntriesNobodySubscribesToLeaveAtOnceAndAreCountedAsDropped) {
  bus::test::TestQueue queue(amqp_, Key("queue"));
  queue.Declare("user_events", Key("wanted"));
  auto profiles = db_.collection("profiles");
  for (int id = 1; id <= 3; ++id) {  // returned by the broker: no queue is bound for them
    profiles.InsertOne(Outboxed(Document{{"_id", id}}, {NewEvent("nobody", nullptr)}));
  }
  bus::Event wanted = NewEvent("wanted", {{"n", 4}});
  profiles.InsertOne(Outboxed(Document{{"_id", 4}}, {wanted}));

  bus::OutboxRelay relay(std::make_unique<EmbeddedOutbox>(db_, std::vector<std::string>{"profiles"}), amqp_);
  relay.Start();
  relay.Notify();
  ASSERT_TRUE(bus::test::WaitUntil([&] { return Pending("profiles") == 0; }, seconds(5)));
  relay.Stop();
  EXPECT_EQ(relay.published_total(), 1u);
  EXPECT_EQ(relay.dropped_total(bus::DropReason::kNoSubscriber), 3u);
  EXPECT_EQ(relay.refused_total(), 0u);
  auto message = queue.Get();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->message_id, wanted.event_id);
  queue.Delete();
}

TEST_F(EmbeddedOutboxTest, EntriesTheBrokerRefusesWaitWithoutHoldingBackTheOthers) {
  bus::test::TestQueue refusing(amqp_, Key("refusing"));
  refusing.DeclareRefusing("user_events", Key("refused"));
  bus::test::TestQueue queue(amqp_, Key("queue"));
  queue.Declare("user_events", Key("wanted"));
  auto profiles = db_.collection("profiles");
  for (int id = 1; id <= 6; ++id) {  // nacked by the broker
    profiles.InsertOne(Outboxed(Document{{"_id", id}}, {NewEvent("refused", nullptr)}));
  }
  bus::Event wanted = NewEvent("wanted", {{"n", 7}});
  profiles.InsertOne(Outboxed(Document{{"_id", 7}}, {wanted}));

  EmbeddedOutbox outbox(db_, {"profiles"});
  bus::ConfirmPublisher publisher(amqp_);
  // Batches of 3: the first two are refused and wait 2 s before their next attempt; the third poll reads
  // past them instead of finding only entries that wait.
  bus::OutboxBatch total;
  for (int poll = 0; poll < 3; ++poll) {
    bus::OutboxBatch batch = outbox.PublishBatch(publisher, 3);
    total.published += batch.published;
    total.refused += batch.refused;
    EXPECT_FALSE(batch.broker_failed);
  }
  EXPECT_EQ(total.published, 1u);
  EXPECT_EQ(total.refused, 6u);
  auto message = queue.Get();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->message_id, wanted.event_id);
  EXPECT_EQ(Pending("profiles"), 6);  // the refused ones stay for their next attempt
  queue.Delete();
  refusing.Delete();
}

TEST_F(EmbeddedOutboxTest, UnreachableBrokerKeepsTheEvents) {
  auto profiles = db_.collection("profiles");
  profiles.InsertOne(Outboxed(Document{{"_id", 1}}, {NewEvent("kept", nullptr)}));
  bus::AmqpOptions nowhere = amqp_;
  nowhere.port = 1;  // nothing listens there
  EmbeddedOutbox outbox(db_, {"profiles"});
  bus::ConfirmPublisher publisher(nowhere);
  EXPECT_ANY_THROW(outbox.PublishBatch(publisher, 10));
  EXPECT_EQ(Pending("profiles"), 1);
}

}  // namespace
}  // namespace mp::mongo

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "libs/bus/sql_outbox.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/bus/topology.hpp"
#include "libs/core/time.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/pool.hpp"
#include "libs/sql/tests/test_database.hpp"
#include "libs/sql/transaction.hpp"

namespace mp::bus {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<sql::Pool>(sql::test::TestDatabaseOptions());
    sql::Migrate(*pool_, OutboxMigrations());
    amqp_ = test::TestAmqpOptions();
    DeclareTopology(amqp_);
    suffix_ = test::UniqueSuffix();
  }
  void TearDown() override {
    if (pool_) {
      pool_->Acquire()->Execute("DELETE FROM outbox WHERE routing_key LIKE ?", {"test." + suffix_ + ".%"});
    }
  }

  std::string Key(const std::string& what) const { return "test." + suffix_ + "." + what; }

  Event EnqueueCommitted(const std::string& routing_key, nlohmann::json fields = nullptr,
                         const std::string& exchange = "order_events") {
    auto connection = pool_->Acquire();
    sql::Transaction tx(connection);
    Event event = MakeEvent(exchange, routing_key, std::move(fields));
    Enqueue(connection, event);
    tx.Commit();
    return event;
  }

  // How the row ended: "published", "dropped:<reason>", "pending"; nullopt when it does not exist.
  std::optional<std::string> State(const std::string& event_id) {
    auto rows = pool_->Acquire()->Query(
        "SELECT published_at IS NOT NULL, drop_reason FROM outbox WHERE event_id = ?", {event_id});
    if (rows.empty()) return std::nullopt;
    if (rows[0].Int(0) == 1) return "published";
    if (auto reason = rows[0].OptString(1)) return "dropped:" + *reason;
    return "pending";
  }
  std::int64_t Attempts(const std::string& event_id) {
    return pool_->Acquire()->Query("SELECT attempts FROM outbox WHERE event_id = ?", {event_id}).at(0).Int(0);
  }

  // nullopt when the row does not exist.
  std::optional<bool> Published(const std::string& event_id) {
    auto rows =
        pool_->Acquire()->Query("SELECT published_at IS NOT NULL FROM outbox WHERE event_id = ?", {event_id});
    if (rows.empty()) return std::nullopt;
    return rows[0].Int(0) == 1;
  }

  std::unique_ptr<sql::Pool> pool_;
  AmqpOptions amqp_;
  std::string suffix_;
};

TEST_F(OutboxTest, CommittedEventArrivesExactlyOnceWithAllProperties) {
  test::TestQueue queue(amqp_, Key("queue"));
  queue.Declare("order_events", Key("#"));
  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_);
  relay.Start();

  Event event = EnqueueCommitted(Key("created"), {{"order_id", 42}, {"title", "Fix the sink 🚰"}});
  relay.Notify();

  std::optional<test::ReceivedMessage> received;
  ASSERT_TRUE(test::WaitUntil([&] { return (received = queue.Get()).has_value(); }, seconds(10)));
  EXPECT_EQ(received->exchange, "order_events");
  EXPECT_EQ(received->routing_key, Key("created"));
  EXPECT_EQ(received->delivery_mode, 2);
  EXPECT_EQ(received->content_type, "application/json");
  EXPECT_EQ(received->message_id, event.event_id);
  EXPECT_EQ(received->type, Key("created"));
  auto body = nlohmann::json::parse(received->body);
  EXPECT_EQ(body["event_id"], event.event_id);
  EXPECT_EQ(body["event_type"], Key("created"));
  EXPECT_TRUE(time::ParseIso(body["occurred_at"].get<std::string>()).has_value());
  EXPECT_EQ(body["order_id"], 42);
  EXPECT_EQ(body["title"], "Fix the sink 🚰");

  ASSERT_TRUE(test::WaitUntil([&] { return Published(event.event_id) == true; }, seconds(10)));
  EXPECT_GE(relay.published_total(), 1u);
  relay.Stop();
  EXPECT_EQ(queue.MessageCount(), 0u);  // not published a second time
  queue.Delete();
}

TEST_F(OutboxTest, RolledBackEventNeverArrives) {
  test::TestQueue queue(amqp_, Key("queue"));
  queue.Declare("order_events", Key("#"));
  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_);
  relay.Start();

  std::string lost_id;
  try {
    auto connection = pool_->Acquire();
    sql::Transaction tx(connection);
    Event lost = MakeEvent("order_events", Key("lost"), {{"order_id", 1}});
    lost_id = lost.event_id;
    Enqueue(connection, lost);
    throw std::runtime_error("the state change failed");
  } catch (const std::runtime_error&) {
  }
  Event kept = EnqueueCommitted(Key("kept"), {{"order_id", 2}});
  relay.Notify();

  std::optional<test::ReceivedMessage> received;
  ASSERT_TRUE(test::WaitUntil([&] { return (received = queue.Get()).has_value(); }, seconds(10)));
  EXPECT_EQ(received->message_id, kept.event_id);
  ASSERT_TRUE(test::WaitUntil([&] { return Published(kept.event_id) == true; }, seconds(10)));
  relay.Stop();
  EXPECT_EQ(Published(lost_id), std::nullopt);
  EXPECT_EQ(queue.MessageCount(), 0u);
  queue.Delete();
}

TEST_F(OutboxTest, StopFlushesEverythingAlreadyCommitted) {
  test::TestQueue queue(amqp_, Key("queue"));
  queue.Declare("order_events", Key("#"));
  RelayOptions options;
  options.poll_interval = milliseconds(60000);  // only Stop() can make it publish
  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_, options);
  relay.Start();
  std::vector<std::string> ids;
  ids.reserve(5);
  for (int i = 0; i < 5; ++i) ids.push_back(EnqueueCommitted(Key("flush"), {{"n", i}}).event_id);
  relay.Stop(seconds(10));
  for (const auto& id : ids) EXPECT_EQ(Published(id), true) << id;
  EXPECT_EQ(queue.MessageCount(), 5u);
  queue.Delete();
}

// Every subscriber's queue is declared before anything is published (DeclareTopology), so an event the
// broker returns has no subscriber: a normal, finished publish, not a failure to retry.
TEST_F(OutboxTest, EventNobodySubscribesToIsDroppedAtOnceAndOneWithASubscriberIsPublished) {
  test::TestQueue queue(amqp_, Key("queue"));
  queue.Declare("order_events", Key("wanted"));
  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_);
  relay.Start();
  Event nobody = EnqueueCommitted(Key("nobody.listens"));
  Event wanted = EnqueueCommitted(Key("wanted"));
  relay.Notify();

  ASSERT_TRUE(test::WaitUntil([&] { return State(nobody.event_id) != "pending"; }, seconds(5)));
  EXPECT_EQ(State(nobody.event_id), "dropped:no_subscriber");
  EXPECT_EQ(Attempts(nobody.event_id), 1);  // not retried
  ASSERT_TRUE(test::WaitUntil([&] { return State(wanted.event_id) == "published"; }, seconds(5)));
  auto received = queue.Get();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->message_id, wanted.event_id);
  ASSERT_TRUE(test::WaitUntil([&] { return relay.backlog() == 0; }, seconds(5)));
  relay.Stop();
  EXPECT_EQ(relay.published_total(), 1u);
  EXPECT_EQ(relay.dropped_total(DropReason::kNoSubscriber), 1u);
  EXPECT_EQ(relay.dropped_total(DropReason::kBrokerRefused), 0u);
  EXPECT_EQ(relay.refused_total(), 0u);
  queue.Delete();
}

TEST_F(OutboxTest, TheTopologyDeclaresEverySubscribersQueueSoEarlyEventsWaitThere) {
  for (const Subscription& subscription : kSubscriptions) {
    EXPECT_NO_THROW(test::TestQueue(amqp_, std::string(subscription.queue)).MessageCount())
        << subscription.queue;
  }
  // A queue declared as the topology does catches an event published before any consumer ran, and its
  // dead-letter queue exists; declaring it again when it exists (even with other arguments, as a broker of
  // an older version may hold it) changes nothing and is not refused.
  const std::string name = Key("subscriber");
  test::TestQueue queue(amqp_, name);
  test::TestQueue dead(amqp_, name + ".dead");
  {
    AmqpConnection connection(amqp_, 0);
    DeclareSubscriberQueue(connection, name);
    DeclareSubscriberQueue(connection, name);
    amqp_queue_bind(connection.get(), AmqpConnection::kChannel, Bytes(name), Bytes("order_events"),
                    Bytes(Key("early")), amqp_empty_table);
    connection.Check("queue.bind");
  }
  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_);
  relay.Start();
  Event early = EnqueueCommitted(Key("early"));
  relay.Notify();
  ASSERT_TRUE(test::WaitUntil([&] { return State(early.event_id) == "published"; }, seconds(5)));
  relay.Stop();
  EXPECT_EQ(queue.MessageCount(), 1u);
  EXPECT_EQ(dead.MessageCount(), 0u);
  queue.Delete();
  dead.Delete();

  test::TestQueue older(amqp_, Key("older"));
  older.Declare("order_events", Key("older"));  // no arguments at all
  AmqpConnection connection(amqp_, 0);
  EXPECT_NO_THROW(DeclareSubscriberQueue(connection, Key("older")));
  older.Delete();
}

TEST_F(OutboxTest, EventTheBrokerRefusesIsTriedAgainLaterThenDroppedAfterTheCap) {
  test::TestQueue queue(amqp_, Key("refusing"));
  queue.DeclareRefusing("order_events", Key("refused"));
  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_);
  relay.Start();
  Event refused = EnqueueCommitted(Key("refused"));
  relay.Notify();

  // Refused once: kept, to be tried again after a delay, without failing the relay.
  ASSERT_TRUE(test::WaitUntil([&] { return relay.refused_total() == 1; }, seconds(5)));
  EXPECT_EQ(State(refused.event_id), "pending");
  EXPECT_EQ(Attempts(refused.event_id), 1);
  EXPECT_EQ(pool_->Acquire()
                ->Query("SELECT next_attempt_at > NOW(3) FROM outbox WHERE event_id = ?", {refused.event_id})
                .at(0)
                .Int(0),
            1);

  // As if it had been refused in all its attempts but the last, and its delay were over.
  pool_->Acquire()->Execute("UPDATE outbox SET attempts = ?, next_attempt_at = NULL WHERE event_id = ?",
                            {kMaxRefusals - 1, refused.event_id});
  relay.Notify();
  ASSERT_TRUE(test::WaitUntil([&] { return State(refused.event_id) != "pending"; }, seconds(5)));
  EXPECT_EQ(State(refused.event_id), "dropped:broker_refused");
  relay.Stop();
  EXPECT_EQ(relay.refused_total(), 1u);
  EXPECT_EQ(relay.dropped_total(DropReason::kBrokerRefused), 1u);
  EXPECT_EQ(relay.published_total(), 0u);
  queue.Delete();
}

TEST_F(OutboxTest, CommitsSucceedWhileTheBrokerIsUnreachableAndGaugesShowTheBacklog) {
  test::TestQueue queue(amqp_, Key("queue"));
  queue.Declare("order_events", Key("#"));
  AmqpOptions nowhere = amqp_;
  nowhere.port = 1;
  nowhere.timeout = milliseconds(500);
  std::vector<std::string> ids;
  {
    OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), nowhere);
    relay.Start();
    for (int i = 0; i < 3; ++i) {
      ids.push_back(EnqueueCommitted(Key("waiting"), {{"n", i}}).event_id);
      relay.Notify();
    }
    ASSERT_TRUE(
        test::WaitUntil([&] { return relay.backlog() >= 3 && relay.oldest_age_seconds() > 0; }, seconds(10)));
    EXPECT_EQ(relay.published_total(), 0u);
    relay.Stop(milliseconds(200));
  }
  for (const auto& id : ids) EXPECT_EQ(Published(id), false);

  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_);
  relay.Start();
  ASSERT_TRUE(
      test::WaitUntil([&] { return relay.published_total() >= 3 && relay.backlog() == 0; }, seconds(10)));
  EXPECT_EQ(relay.oldest_age_seconds(), 0.0);
  relay.Stop();
  EXPECT_EQ(queue.MessageCount(), 3u);
  queue.Delete();
}

}  // namespace
}  // namespace mp::bus

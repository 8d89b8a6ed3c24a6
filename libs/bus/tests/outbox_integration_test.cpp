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
    pool_->Acquire()->ExecuteScript(kOutboxTableSql);
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

TEST_F(OutboxTest, EventForANewExchangeWaitsInTheOutboxUntilAQueueIsBound) {
  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_);
  relay.Start();
  const std::string exchange = Key("events");  // declared by the relay on first use
  Event event = EnqueueCommitted(Key("nobody.listens"), nullptr, exchange);
  relay.Notify();
  ASSERT_TRUE(test::WaitUntil(
      [&] {
        return pool_->Acquire()
                   ->Query(
                       "SELECT attempts FROM outbox WHERE event_id = ? AND published_at IS NULL "
                       "AND next_attempt_at IS NOT NULL",
                       {event.event_id})
                   .size() == 1;
      },
      seconds(10)));

  test::TestQueue queue(amqp_, Key("late.queue"));
  queue.Declare(exchange, Key("#"));
  std::optional<test::ReceivedMessage> received;
  ASSERT_TRUE(test::WaitUntil([&] { return (received = queue.Get()).has_value(); }, seconds(15)));
  EXPECT_EQ(received->message_id, event.event_id);
  EXPECT_EQ(received->exchange, exchange);
  ASSERT_TRUE(test::WaitUntil([&] { return Published(event.event_id) == true; }, seconds(10)));
  relay.Stop();
  queue.Delete();
  AmqpConnection connection(amqp_, 0);
  amqp_exchange_delete(connection.get(), 1, Bytes(exchange), 0);
  connection.Check("exchange.delete");
}

TEST_F(OutboxTest, EventNobodySubscribesToIsDroppedAfterItsLastAttempt) {
  Event event = EnqueueCommitted(Key("nobody.ever.listens"));
  // As if it had already been returned by the broker in all attempts but the last.
  pool_->Acquire()->Execute("UPDATE outbox SET attempts = ? WHERE event_id = ?",
                            {kMaxUnroutableAttempts - 1, event.event_id});
  OutboxRelay relay(std::make_unique<SqlOutbox>(*pool_), amqp_);
  relay.Start();
  relay.Notify();
  ASSERT_TRUE(test::WaitUntil([&] { return Published(event.event_id) == true; }, seconds(10)));
  relay.Stop();
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

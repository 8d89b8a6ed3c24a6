#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/consumer.hpp"
#include "libs/bus/sql_outbox.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/bus/topology.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/pool.hpp"
#include "libs/sql/tests/test_database.hpp"
#include "libs/sql/transaction.hpp"

namespace mp::bus {
namespace {

using std::chrono::seconds;

// Runs `$MP_MARKETPLACE infra start|stop rabbitmq --instance test`.
class TestBroker {
 public:
  TestBroker() {
    const char* marketplace = std::getenv("MP_MARKETPLACE");
    if (marketplace == nullptr || *marketplace == '\0') {
      throw std::runtime_error(
          "set MP_MARKETPLACE to the ./marketplace script: this test stops and starts RabbitMQ");
    }
    command_ = marketplace;
  }
  ~TestBroker() {
    if (stopped_) Run("start");  // never leave the shared test broker down
  }
  void Stop() {
    Run("stop");
    stopped_ = true;
  }
  void Start() {
    Run("start");
    stopped_ = false;
  }

 private:
  void Run(const std::string& verb) {
    std::string command = "'" + command_ + "' infra " + verb + " rabbitmq --instance test";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }

  std::string command_;
  bool stopped_ = false;
};

TEST(BrokerOutage, OutboxDeliversEveryEventExactlyOnceAfterBrokerOutage) {
  constexpr int kEvents = 50;
  TestBroker broker;
  sql::Pool pool(sql::test::TestDatabaseOptions());
  sql::Migrate(pool, OutboxMigrations());
  const AmqpOptions amqp = test::TestAmqpOptions();
  DeclareTopology(amqp);
  const std::string suffix = test::UniqueSuffix();
  const std::string routing_key = "test." + suffix + ".outage";

  std::mutex mutex;
  std::map<std::string, int> deliveries;  // event_id -> times handled
  QueueSpec spec{.queue = "test." + suffix, .bindings = {{"order_events", "test." + suffix + ".#"}}};
  Consumer consumer(amqp, spec, [&](const Event& event) {
    std::lock_guard lock(mutex);
    ++deliveries[event.event_id];
  });
  consumer.Start();
  ASSERT_TRUE(test::WaitUntil([&] { return consumer.connected(); }, seconds(10)));
  auto delivered = [&] {
    std::lock_guard lock(mutex);
    return deliveries.size();
  };

  OutboxRelay relay(std::make_unique<SqlOutbox>(pool), amqp);
  relay.Start();
  auto enqueue = [&] {
    auto connection = pool.Acquire();
    sql::Transaction tx(connection);
    Event event = MakeEvent("order_events", routing_key, {{"suffix", suffix}});
    Enqueue(connection, event);
    tx.Commit();
    relay.Notify();
    return event.event_id;
  };
  // One event first, so the relay and the consumer hold live connections when the broker goes away.
  std::vector<std::string> ids{enqueue()};
  ASSERT_TRUE(test::WaitUntil([&] { return delivered() == 1; }, seconds(10)));

  broker.Stop();
  for (int i = 0; i < kEvents; ++i) ASSERT_NO_THROW(ids.push_back(enqueue()));
  auto unpublished = [&] {
    return pool.Acquire()
        ->Query(
            "SELECT COUNT(*) FROM outbox WHERE routing_key = ? AND published_at IS NULL AND dropped_at IS "
            "NULL",
            {routing_key})
        .at(0)
        .Int(0);
  };
  EXPECT_EQ(unpublished(), kEvents);
  broker.Start();

  EXPECT_TRUE(test::WaitUntil([&] { return delivered() == ids.size(); }, seconds(90)))
      << delivered() << " of " << ids.size() << " delivered";
  EXPECT_TRUE(test::WaitUntil([&] { return unpublished() == 0; }, seconds(30)));
  // Quiet period check without a fixed sleep: the queue is drained and nothing is in flight.
  EXPECT_TRUE(
      test::WaitUntil([&] { return test::TestQueue(amqp, spec.queue).MessageCount() == 0; }, seconds(10)));
  relay.Stop();
  consumer.Stop();

  std::lock_guard lock(mutex);
  EXPECT_EQ(deliveries.size(), ids.size());
  for (const auto& id : ids) EXPECT_EQ(deliveries[id], 1) << id;
  test::TestQueue(amqp, spec.queue).Delete();
  test::TestQueue(amqp, spec.queue + ".dead").Delete();
  pool.Acquire()->Execute("DELETE FROM outbox WHERE routing_key = ?", {routing_key});
}

}  // namespace
}  // namespace mp::bus

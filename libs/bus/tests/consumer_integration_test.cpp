#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/consumer.hpp"
#include "libs/bus/publisher.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/bus/topology.hpp"

namespace mp::bus {
namespace {

using std::chrono::seconds;

class ConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    amqp_ = test::TestAmqpOptions();
    DeclareTopology(amqp_);
    suffix_ = test::UniqueSuffix();
    spec_.queue = "test." + suffix_;
    spec_.bindings = {{"order_events", "test." + suffix_ + ".#"}};
  }
  void TearDown() override {
    test::TestQueue(amqp_, spec_.queue).Delete();
    test::TestQueue(amqp_, spec_.queue + ".dead").Delete();
    for (const auto& wait_queue : WaitQueues(spec_.queue)) test::TestQueue(amqp_, wait_queue).Delete();
  }

  Event Publish(const std::string& what) {
    Event event = MakeEvent("order_events", "test." + suffix_ + "." + what, {{"order_id", 7}});
    ConfirmPublisher publisher(amqp_);
    auto outcomes = publisher.Publish({OutgoingMessage{.exchange = event.exchange,
                                                       .routing_key = event.routing_key,
                                                       .message_id = event.event_id,
                                                       .type = event.routing_key,
                                                       .body = event.body.dump()}});
    EXPECT_EQ(outcomes.at(0), PublishOutcome::kConfirmed);
    return event;
  }

  // Starts `consumer`; false when it did not connect within 10 s.
  static bool Started(Consumer& consumer) {
    consumer.Start();
    return test::WaitUntil([&] { return consumer.connected(); }, seconds(10));
  }

  // Runs `consumer` on one event published as `what` until the event is dead-lettered (15 s at most), then
  // stops it: the event and its dead letter (nullopt when none came).
  std::pair<Event, std::optional<test::ReceivedMessage>> DeadLettered(Consumer& consumer,
                                                                      const std::string& what) {
    EXPECT_TRUE(Started(consumer));
    Event sent = Publish(what);
    test::TestQueue dead(amqp_, spec_.queue + ".dead");
    std::optional<test::ReceivedMessage> dead_letter;
    test::WaitUntil([&] { return (dead_letter = dead.Get()).has_value(); }, seconds(15));
    consumer.Stop();
    return {sent, dead_letter};
  }

  AmqpOptions amqp_;
  std::string suffix_;
  QueueSpec spec_;
  std::mutex mutex_;
  std::vector<Event> seen_;
};

TEST_F(ConsumerTest, HandledEventIsDeliveredOnceAndAcked) {
  Consumer consumer(amqp_, spec_, [&](const Event& event) {
    std::lock_guard lock(mutex_);
    seen_.push_back(event);
  });
  ASSERT_TRUE(Started(consumer));
  Event sent = Publish("created");
  ASSERT_TRUE(test::WaitUntil([&] { return consumer.handled_total() == 1; }, seconds(10)));
  consumer.Stop();
  std::lock_guard lock(mutex_);
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].event_id, sent.event_id);
  EXPECT_EQ(seen_[0].exchange, "order_events");
  EXPECT_EQ(seen_[0].routing_key, sent.routing_key);
  EXPECT_EQ(seen_[0].body, sent.body);
  EXPECT_GE(consumer.lag_seconds(), 0.0);  // occurred_at = when Publish made it
  EXPECT_LT(consumer.lag_seconds(), 10.0);
  EXPECT_EQ(test::TestQueue(amqp_, spec_.queue).MessageCount(), 0u);
  EXPECT_EQ(test::TestQueue(amqp_, spec_.queue + ".dead").MessageCount(), 0u);
}

TEST_F(ConsumerTest, FailingHandlerIsRetriedThenDeadLettered) {
  spec_.max_attempts = 3;
  Consumer consumer(amqp_, spec_, [&](const Event& event) {
    std::lock_guard lock(mutex_);
    seen_.push_back(event);
    throw std::runtime_error("handler bug");
  });
  auto [sent, dead_letter] = DeadLettered(consumer, "doomed");
  ASSERT_TRUE(dead_letter);
  EXPECT_EQ(dead_letter->message_id, sent.event_id);
  EXPECT_EQ(nlohmann::json::parse(dead_letter->body), sent.body);
  EXPECT_EQ(dead_letter->headers.value("x-attempts", 0), 2);  // failures before the last one
  EXPECT_EQ(consumer.failed_total(), 3u);
  EXPECT_EQ(consumer.dead_lettered_total(), 1u);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(seen_.size(), 3u);
  for (const Event& event : seen_) {
    EXPECT_EQ(event.event_id, sent.event_id);
    EXPECT_EQ(event.exchange, "order_events");  // retries keep where the event was published
    EXPECT_EQ(event.routing_key, sent.routing_key);
  }
  EXPECT_EQ(test::TestQueue(amqp_, spec_.queue).MessageCount(), 0u);
}

TEST_F(ConsumerTest, RetryLaterRequeuesWithoutSpendingAttempts) {
  spec_.max_attempts = 1;  // any counted failure would dead-letter at once
  std::atomic<int> calls{0};
  Consumer consumer(amqp_, spec_, [&](const Event&) {
    if (++calls <= 2) throw RetryLater("own database is down");
  });
  ASSERT_TRUE(Started(consumer));
  Publish("transient");
  ASSERT_TRUE(test::WaitUntil([&] { return consumer.handled_total() == 1; }, seconds(10)));
  consumer.Stop();
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(consumer.dead_lettered_total(), 0u);
  EXPECT_EQ(test::TestQueue(amqp_, spec_.queue + ".dead").MessageCount(), 0u);
}

TEST_F(ConsumerTest, NotYetComesBackAfterItsWaitWithoutSpendingAttempts) {
  spec_.max_attempts = 2;
  std::atomic<int> calls{0};
  std::vector<std::chrono::steady_clock::time_point> at;
  Consumer consumer(amqp_, spec_, [&](const Event&) {
    {
      std::lock_guard lock(mutex_);
      at.push_back(std::chrono::steady_clock::now());
    }
    ++calls;
    if (calls == 1) throw std::runtime_error("a failure first");  // attempts and waits count apart
    if (calls == 2) throw NotYet("the state it needs is not there yet");
  });
  ASSERT_TRUE(Started(consumer));
  Event sent = Publish("early");
  ASSERT_TRUE(test::WaitUntil([&] { return consumer.handled_total() == 1; }, seconds(15)));
  consumer.Stop();
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(consumer.failed_total(), 1u);
  EXPECT_EQ(consumer.waits_total(), 1u);
  EXPECT_EQ(consumer.dead_lettered_total(), 0u);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(at.size(), 3u);
  EXPECT_GE(at[2] - at[1], std::chrono::milliseconds(900));  // it waited its first step (1 s), no hot loop
  EXPECT_EQ(test::TestQueue(amqp_, spec_.queue + ".dead").MessageCount(), 0u);
  for (const auto& wait_queue : WaitQueues(spec_.queue)) {
    EXPECT_EQ(test::TestQueue(amqp_, wait_queue).MessageCount(), 0u) << wait_queue;
  }
}

TEST_F(ConsumerTest, NotYetAfterTheLongestWaitIsDeadLetteredAsNotApplicable) {
  spec_.max_wait = seconds(1);
  std::atomic<int> calls{0};
  Consumer consumer(amqp_, spec_, [&](const Event&) {
    ++calls;
    throw NotYet("never");
  });
  auto [sent, dead_letter] = DeadLettered(consumer, "never");
  ASSERT_TRUE(dead_letter);
  EXPECT_EQ(dead_letter->message_id, sent.event_id);
  EXPECT_EQ(dead_letter->headers.value("x-waits", 0), 1);
  EXPECT_EQ(dead_letter->headers.value("x-original-routing-key", ""), sent.routing_key);
  EXPECT_EQ(calls.load(), 2);  // first NotYet waited 1 s; the second was past max_wait
  EXPECT_EQ(consumer.waits_total(), 1u);
  EXPECT_EQ(consumer.not_applicable_total(), 1u);
  EXPECT_EQ(consumer.dead_lettered_total(), 1u);
  EXPECT_EQ(consumer.failed_total(), 0u);
}

TEST_F(ConsumerTest, MalformedMessageIsDeadLetteredWithoutCallingTheHandler) {
  std::atomic<int> calls{0};
  Consumer consumer(amqp_, spec_, [&](const Event&) { ++calls; });
  ASSERT_TRUE(Started(consumer));
  ConfirmPublisher publisher(amqp_);
  ASSERT_EQ(publisher
                .Publish({OutgoingMessage{.exchange = "order_events",
                                          .routing_key = "test." + suffix_ + ".garbage",
                                          .message_id = "garbage",
                                          .type = "garbage",
                                          .body = "{not json"}})
                .at(0),
            PublishOutcome::kConfirmed);
  test::TestQueue dead(amqp_, spec_.queue + ".dead");
  ASSERT_TRUE(test::WaitUntil([&] { return dead.MessageCount() == 1; }, seconds(10)));
  consumer.Stop();
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(consumer.dead_lettered_total(), 1u);
}

}  // namespace
}  // namespace mp::bus

namespace mp::bus {
namespace {

// MP_TEST_AMQPS_PORT and MP_TEST_TLS_CA: the test broker's TLS listener and its CA (./marketplace test).
TEST(AmqpTls, VerifiedConnectionWorksAndAnotherCaIsRefused) {
  const char* port = std::getenv("MP_TEST_AMQPS_PORT");
  const char* ca = std::getenv("MP_TEST_TLS_CA");
  if (port == nullptr || ca == nullptr) GTEST_SKIP() << "MP_TEST_AMQPS_PORT / MP_TEST_TLS_CA are not set";
  AmqpOptions options = test::TestAmqpOptions();
  options.host = "localhost";  // the certificate's DNS name (rabbitmq-c checks DNS names, not addresses)
  options.port = std::stoi(port);
  options.tls = AmqpOptions::Tls::kVerifyIdentity;
  options.tls_ca = ca;
  EXPECT_NO_THROW(AmqpConnection connection(options, 0));

  std::string other = ca;
  other.replace(other.rfind("ca.pem"), 6, "server.pem");  // a certificate, but not the one that signed it
  options.tls_ca = other;
  EXPECT_THROW(AmqpConnection connection(options, 0), AmqpError);
  options.tls = AmqpOptions::Tls::kDisabled;  // plain AMQP to the TLS port: refused, not hung
  options.timeout = std::chrono::milliseconds(2000);
  EXPECT_THROW(AmqpConnection connection(options, 0), AmqpError);
}

}  // namespace
}  // namespace mp::bus

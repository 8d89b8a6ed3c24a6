#pragma once

#include <string>
#include <vector>

#include <amqp.h>
#include <gtest/gtest.h>

#include "libs/bus/amqp_connection.hpp"
#include "libs/bus/event.hpp"
#include "libs/bus/options.hpp"
#include "libs/bus/publisher.hpp"
#include "libs/bus/tests/bus_test_support.hpp"

namespace mp::service::testing {

// A consumer test's own corner of the test broker (MP_AMQP_*): queues and exchanges named for this run only,
// so runs never see each other's events (nor a running service's); at the end the queues, their dead-letter
// queues and the exchanges are deleted. Declare it before the consumers, so they stop first.
class TestTopology {
 public:
  TestTopology() : amqp_(bus::test::TestAmqpOptions()), suffix_(bus::test::UniqueSuffix()) {}
  ~TestTopology() {
    for (const auto& queue : queues_) {
      bus::test::TestQueue(amqp_, queue).Delete();
      bus::test::TestQueue(amqp_, queue + ".dead").Delete();
    }
    try {
      bus::AmqpConnection connection(amqp_, 0);
      for (const auto& exchange : exchanges_) {
        amqp_exchange_delete(connection.get(), 1, bus::Bytes(exchange), 0);
        connection.Check("exchange.delete");
      }
    } catch (const std::exception&) {
      // Best effort clean-up.
    }
  }
  TestTopology(const TestTopology&) = delete;
  TestTopology& operator=(const TestTopology&) = delete;

  const bus::AmqpOptions& amqp() const { return amqp_; }
  const std::string& suffix() const { return suffix_; }

  // "<prefix>.<suffix>" (a consumer's queue).
  std::string Queue(const std::string& prefix) { return queues_.emplace_back(prefix + "." + suffix_); }
  // "test_<suffix>_<producer>_events" (the exchange `producer` publishes on).
  std::string Exchange(const std::string& producer) {
    return exchanges_.emplace_back("test_" + suffix_ + "_" + producer + "_events");
  }

  // Publishes `events` as a producer's relay does, with publisher confirms; each must be confirmed.
  void Publish(const std::vector<bus::Event>& events) const {
    std::vector<bus::OutgoingMessage> messages;
    messages.reserve(events.size());
    for (const auto& event : events) {
      messages.push_back(bus::OutgoingMessage{.exchange = event.exchange,
                                              .routing_key = event.routing_key,
                                              .message_id = event.event_id,
                                              .type = event.routing_key,
                                              .body = event.body.dump()});
    }
    bus::ConfirmPublisher publisher(amqp_);
    for (auto outcome : publisher.Publish(messages)) ASSERT_EQ(outcome, bus::PublishOutcome::kConfirmed);
  }

 private:
  bus::AmqpOptions amqp_;
  std::string suffix_;
  std::vector<std::string> queues_;
  std::vector<std::string> exchanges_;
};

}  // namespace mp::service::testing

// The order store and consumer against a real MariaDB and RabbitMQ (./marketplace test provides both):
// concurrent state changes have exactly one winner, and incoming events apply exactly once.
#include <algorithm>
#include <atomic>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/consumer.hpp"
#include "libs/bus/publisher.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/core/testing/race.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/tests/test_database.hpp"
#include "services/order/src/api/refusals.hpp"
#include "services/order/src/events/order_events.hpp"
#include "services/order/src/store/migrations.hpp"
#include "services/order/src/store/order_store.hpp"

namespace mp::order {
namespace {

using domain::Order;
using domain::OrderRefusal;
using domain::Status;

using Decision = std::function<Outcome<Order, OrderRefusal>(const Order&)>;

// The decision's order, or its answer thrown as the API throws it (rolling the change back).
Order Decided(const Order& before, Outcome<Order, OrderRefusal> after) {
  if (!after) throw api::ToApiError(after.refusal(), before);
  return *std::move(after);
}

// A fresh database of our own (mp_test_order), migrated like the service does at start.
sql::Options OrderDatabase() {
  auto options = sql::test::TestDatabaseOptions();
  {
    sql::Connection admin(options);
    admin.ExecuteScript("DROP DATABASE IF EXISTS mp_test_order; CREATE DATABASE mp_test_order");
  }
  options.database = "mp_test_order";
  options.pool_size = 16;
  options.acquire_timeout = std::chrono::milliseconds(20'000);
  return options;
}

class OrderStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    options_ = new sql::Options(OrderDatabase());
    pool_ = new sql::Pool(*options_);
    sql::Migrate(*pool_, store::Migrations());
  }
  static void TearDownTestSuite() {
    delete pool_;
    delete options_;
  }

  Order Publish(std::int64_t customer_id) {
    Order order;
    order.customer_id = customer_id;
    order.title = "Fix the kitchen sink";
    order.service_type = "cleaning_repair";
    order.price = 19999;
    order.location = "NORTH";
    return orders_.Create(order, events::Created);
  }

  Order Step(const Order& order, const Decision& decide) {
    auto changed = orders_.Change(
        order.id, [&](const Order& o) { return Decided(o, decide(o)); }, events::ForChange);
    EXPECT_TRUE(changed);
    return *changed;
  }

  std::int64_t OutboxCount(std::int64_t order_id, std::string_view routing_key) {
    auto connection = pool_->Acquire();
    auto rows = connection->Query(
        "SELECT COUNT(*) FROM outbox WHERE routing_key = ? AND JSON_VALUE(body, '$.order_id') = ?",
        {std::string(routing_key), std::to_string(order_id)});
    return rows.front().Int(0);
  }

  static sql::Options* options_;
  static sql::Pool* pool_;
  store::OrderStore orders_{*pool_};
};

sql::Options* OrderStoreTest::options_ = nullptr;
sql::Pool* OrderStoreTest::pool_ = nullptr;

using mp::testing::RaceOf;

TEST_F(OrderStoreTest, FiftyConcurrentAcceptsHaveExactlyOneWinner) {
  auto order = Step(Publish(101), domain::ApproveOrder);
  std::atomic<std::int64_t> winner{0};
  auto [wins, refusals] = RaceOf(50, [&](int i) {
    std::int64_t provider = 1000 + i;
    orders_.Change(
        order.id, [&](const Order& o) { return Decided(o, domain::AcceptOrder(o, provider)); },
        events::ForChange);
    winner = provider;
  });
  EXPECT_EQ(wins, 1);
  ASSERT_EQ(refusals.size(), 49u);
  for (const auto& code : refusals) EXPECT_EQ(code, "order_already_accepted");
  auto stored = orders_.Find(order.id);
  EXPECT_EQ(stored->status, Status::kAccepted);
  EXPECT_EQ(stored->provider_id, winner.load());
  EXPECT_EQ(OutboxCount(order.id, "order.accepted"), 1);
}

TEST_F(OrderStoreTest, CancelRacingAcceptHasOneWinner) {
  for (int round = 0; round < 10; ++round) {
    auto order = Step(Publish(102), domain::ApproveOrder);
    auto [wins, refusals] = RaceOf(2, [&](int i) {
      if (i == 0) {
        Step(order, [](const Order& o) { return domain::AcceptOrder(o, 2000); });
      } else {
        Step(order, [](const Order& o) { return domain::CancelOrder(o, 102); });
      }
    });
    // Cancel is allowed after accept, so either both succeed in the order accept->cancel, or cancel wins
    // and the accept is refused; never an accepted order without its provider or two accepts.
    auto stored = orders_.Find(order.id);
    EXPECT_EQ(stored->status, Status::kCancelled);
    if (wins == 1) {
      ASSERT_EQ(refusals.size(), 1u);
      EXPECT_EQ(refusals[0], "order_not_available");
      EXPECT_FALSE(stored->provider_id);
    } else {
      EXPECT_EQ(wins, 2);
      EXPECT_EQ(stored->provider_id, 2000);
    }
    EXPECT_EQ(OutboxCount(order.id, "order.cancelled"), 1);
  }
}

TEST_F(OrderStoreTest, DoubleApproveAppliesOnce) {
  auto order = Publish(103);
  auto [wins, refusals] = RaceOf(10, [&](int) { Step(order, domain::ApproveOrder); });
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(refusals.size(), 9u);
  EXPECT_EQ(OutboxCount(order.id, "order.approved"), 1);
}

TEST_F(OrderStoreTest, ListsFilterEscapeAndCount) {
  Order a = Publish(104);
  Order b;
  b.customer_id = 104;
  b.title = "100% cotton_cleaning";
  b.description = "wildcards in text";
  b.service_type = "other";
  b.price = 5000;
  b.location = "EAST";
  b = orders_.Create(b, events::Created);
  Step(a, domain::ApproveOrder);
  Step(b, domain::ApproveOrder);

  store::ListQuery mine;
  mine.customer_id = 104;
  auto all = orders_.List(mine);
  EXPECT_EQ(all.total, 2);
  ASSERT_EQ(all.items.size(), 2u);
  EXPECT_EQ(all.items[0].id, b.id);  // newest first

  store::ListQuery search;
  search.statuses = {Status::kPending};
  search.customer_id = 104;
  search.keyword = "0%";
  auto found = orders_.List(search);
  ASSERT_EQ(found.total, 1);
  EXPECT_EQ(found.items[0].id, b.id);
  search.keyword = "_";  // a literal underscore, not "any character"
  EXPECT_EQ(orders_.List(search).total, 1);
  search.keyword = "COTTON";  // case-insensitive
  EXPECT_EQ(orders_.List(search).total, 1);
  search.keyword.reset();
  search.min_price = 5000;
  search.max_price = 5000;
  EXPECT_EQ(orders_.List(search).total, 1);
  search.location = "NORTH";
  EXPECT_EQ(orders_.List(search).total, 0);

  mine.limit = 1;
  mine.offset = 1;
  auto page = orders_.List(mine);
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, a.id);
}

TEST_F(OrderStoreTest, ListQueriesUseAnIndex) {
  auto connection = pool_->Acquire();
  for (const char* query : {
           "EXPLAIN SELECT id FROM orders WHERE customer_id = 1 ORDER BY created_at DESC, id DESC LIMIT 50",
           "EXPLAIN SELECT id FROM orders WHERE provider_id = 1 ORDER BY updated_at DESC, id DESC LIMIT 50",
           "EXPLAIN SELECT id FROM orders WHERE status = 'pending' ORDER BY created_at DESC, id DESC LIMIT "
           "50",
           "EXPLAIN SELECT id FROM orders WHERE status = 'pending' AND location = 'EAST' ORDER BY created_at "
           "DESC LIMIT 50",
       }) {
    auto rows = connection->Query(query);
    ASSERT_FALSE(rows.empty());
    // EXPLAIN columns: id, select_type, table, type, possible_keys, key, ...
    EXPECT_FALSE(rows.front().IsNull(5)) << query << " uses no index";
  }
}

TEST_F(OrderStoreTest, IncomingEventsApplyExactlyOnce) {
  auto amqp = bus::test::TestAmqpOptions();
  auto suffix = bus::test::UniqueSuffix();
  // Exchanges of this test only, so the platform's own order service never sees these events.
  std::string payments = "test_payment_events." + suffix, reviews = "test_review_events." + suffix;
  auto spec = events::IncomingQueue();
  spec.queue = "order.events.test." + suffix;
  spec.bindings = {
      {payments, "payment.completed"}, {payments, "refund.processed"}, {reviews, "review.created"}};
  spec.max_attempts = 2;
  bus::Consumer consumer(amqp, spec, [&](const bus::Event& e) { events::HandleIncoming(orders_, e); });
  consumer.Start();
  ASSERT_TRUE(bus::test::WaitUntil([&] { return consumer.connected(); }, std::chrono::seconds(10)));

  auto order = Publish(105);
  order = Step(order, domain::ApproveOrder);
  order = Step(order, [](const Order& o) { return domain::AcceptOrder(o, 3000); });
  order = Step(order, [](const Order& o) { return domain::StartOrder(o, 3000); });
  order = Step(order, [](const Order& o) { return domain::CompleteOrder(o, 3000); });

  bus::ConfirmPublisher publisher(amqp);
  auto send = [&](const std::string& exchange, const bus::Event& event, int copies) {
    std::vector<bus::OutgoingMessage> messages(
        copies, bus::OutgoingMessage{exchange, event.routing_key, event.event_id, event.routing_key,
                                     event.body.dump()});
    for (auto outcome : publisher.Publish(messages)) ASSERT_EQ(outcome, bus::PublishOutcome::kConfirmed);
  };
  auto paid = bus::MakeEvent(payments, "payment.completed",
                             {{"payment_id", 1},
                              {"order_id", order.id},
                              {"customer_id", 105},
                              {"provider_id", 3000},
                              {"amount", 199.99}});
  send(payments, paid, 3);  // a redelivered / re-published event
  ASSERT_TRUE(bus::test::WaitUntil([&] { return consumer.handled_total() >= 3; }, std::chrono::seconds(10)));
  auto stored = orders_.Find(order.id);
  EXPECT_EQ(stored->payment_status, domain::PaymentStatus::kPaid);
  EXPECT_EQ(stored->version, order.version + 1);  // changed once

  auto reviewed = bus::MakeEvent(reviews, "review.created",
                                 {{"review_id", "r1"},
                                  {"order_id", order.id},
                                  {"customer_id", 105},
                                  {"provider_id", 3000},
                                  {"stars", 5}});
  send(reviews, reviewed, 2);
  ASSERT_TRUE(bus::test::WaitUntil([&] { return consumer.handled_total() >= 5; }, std::chrono::seconds(10)));
  stored = orders_.Find(order.id);
  EXPECT_EQ(stored->status, Status::kReviewed);
  EXPECT_TRUE(stored->has_review);
  EXPECT_EQ(OutboxCount(order.id, "order.status_changed"), 3);  // in_progress, completed, reviewed

  auto refunded = bus::MakeEvent(
      payments, "refund.processed",
      {{"refund_id", 1}, {"order_id", order.id}, {"customer_id", 105}, {"status", "completed"}});
  send(payments, refunded, 1);
  ASSERT_TRUE(bus::test::WaitUntil([&] { return consumer.handled_total() >= 6; }, std::chrono::seconds(10)));
  EXPECT_EQ(orders_.Find(order.id)->payment_status, domain::PaymentStatus::kRefunded);

  // A payload without an order id can never be applied: dead-lettered at once, not retried.
  auto poison = bus::MakeEvent(payments, "payment.completed", {{"payment_id", 2}});
  send(payments, poison, 1);
  EXPECT_TRUE(
      bus::test::WaitUntil([&] { return consumer.dead_lettered_total() >= 1; }, std::chrono::seconds(15)));
  EXPECT_EQ(consumer.failed_total(), 1u);
  consumer.Stop();
  bus::test::TestQueue(amqp, spec.queue).Delete();
  bus::test::TestQueue(amqp, spec.queue + ".dead").Delete();
  for (const auto& wait_queue : bus::WaitQueues(spec.queue)) bus::test::TestQueue(amqp, wait_queue).Delete();
}

// The order service's queue on exchanges of a test of its own (so the platform's order service never sees
// these events), consumed into the test's database; events are sent one at a time and awaited.
class IncomingEvents {
 public:
  explicit IncomingEvents(store::OrderStore& orders)
      : amqp_(bus::test::TestAmqpOptions()), suffix_(bus::test::UniqueSuffix()), publisher_(amqp_) {
    payments_ = "test_payment_events." + suffix_;
    reviews_ = "test_review_events." + suffix_;
    spec_ = events::IncomingQueue();
    spec_.queue = "order.events.test." + suffix_;
    spec_.bindings = {
        {payments_, "payment.completed"}, {payments_, "refund.processed"}, {reviews_, "review.created"}};
    consumer_ = std::make_unique<bus::Consumer>(
        amqp_, spec_, [&orders](const bus::Event& e) { events::HandleIncoming(orders, e); });
    consumer_->Start();
    EXPECT_TRUE(bus::test::WaitUntil([&] { return consumer_->connected(); }, std::chrono::seconds(10)));
  }
  ~IncomingEvents() {
    consumer_->Stop();
    for (const auto& queue : bus::WaitQueues(spec_.queue)) bus::test::TestQueue(amqp_, queue).Delete();
    bus::test::TestQueue(amqp_, spec_.queue).Delete();
    bus::test::TestQueue(amqp_, spec_.queue + ".dead").Delete();
  }
  IncomingEvents(const IncomingEvents&) = delete;
  IncomingEvents& operator=(const IncomingEvents&) = delete;

  // What the payment and review services publish about `order`.
  bus::Event Make(std::string_view routing_key, const Order& order) {
    std::string exchange = routing_key == "review.created" ? reviews_ : payments_;
    nlohmann::json fields = {{"order_id", order.id},
                             {"customer_id", order.customer_id},
                             {"provider_id", order.provider_id.value_or(0)}};
    if (routing_key == "refund.processed") fields["status"] = "completed";
    if (routing_key == "review.created") fields["stars"] = 4;
    return bus::MakeEvent(exchange, std::string(routing_key), std::move(fields));
  }

  void Send(const bus::Event& event) {
    auto outcomes = publisher_.Publish({bus::OutgoingMessage{
        event.exchange, event.routing_key, event.event_id, event.routing_key, event.body.dump()}});
    ASSERT_EQ(outcomes.at(0), bus::PublishOutcome::kConfirmed);
  }

  // Sends the event and waits until the consumer acknowledged it.
  void Deliver(const bus::Event& event) {
    auto handled = consumer_->handled_total();
    Send(event);
    ASSERT_TRUE(
        bus::test::WaitUntil([&] { return consumer_->handled_total() > handled; }, std::chrono::seconds(10)))
        << event.routing_key;
  }

  bus::Consumer& consumer() { return *consumer_; }

 private:
  bus::AmqpOptions amqp_;
  std::string suffix_;
  std::string payments_, reviews_;
  bus::QueueSpec spec_;
  bus::ConfirmPublisher publisher_;
  std::unique_ptr<bus::Consumer> consumer_;
};

// What the events leave: the order's state and the events it emitted.
struct FinalState {
  Status status;
  domain::PaymentStatus payment_status;
  bool has_review;
  std::int64_t status_changed_events;
  bool operator==(const FinalState&) const = default;
};

std::ostream& operator<<(std::ostream& out, const FinalState& s) {
  return out << domain::Name(s.status) << "/" << domain::Name(s.payment_status)
             << (s.has_review ? "/reviewed" : "") << " after " << s.status_changed_events
             << " order.status_changed";
}

class OrderEventsInAnyOrderTest : public OrderStoreTest {
 protected:
  Order Started(std::int64_t customer_id) {
    auto order = Step(Publish(customer_id), domain::ApproveOrder);
    order = Step(order, [](const Order& o) { return domain::AcceptOrder(o, 3100); });
    return Step(order, [](const Order& o) { return domain::StartOrder(o, 3100); });
  }
  Order Complete(const Order& order) {
    return Step(order, [](const Order& o) { return domain::CompleteOrder(o, 3100); });
  }
  FinalState StateOf(std::int64_t order_id) {
    auto order = orders_.Find(order_id);
    EXPECT_TRUE(order);
    return {order->status, order->payment_status, order->has_review,
            OutboxCount(order_id, "order.status_changed")};
  }
  bool Processed(const bus::Event& event) {
    auto connection = pool_->Acquire();
    return !connection->Query("SELECT 1 FROM processed_events WHERE event_id = ?", {event.event_id}).empty();
  }
};

// Every pair (and every order of all three) of the events the order service consumes about one completed
// order, delivered in each order: the same order state and the same events emitted, whatever came first.
TEST_F(OrderEventsInAnyOrderTest, EachPairOfIncomingEventsEndsTheSameInBothOrders) {
  IncomingEvents incoming(orders_);
  // Every ordered pair of them and every order of all three (kinds is sorted: next_permutation starts there).
  const std::vector<std::string_view> kinds = {"payment.completed", "refund.processed", "review.created"};
  std::vector<std::vector<std::string_view>> sequences;
  for (auto first : kinds) {
    for (auto second : kinds) {
      if (first != second) sequences.push_back({first, second});
    }
  }
  auto all = kinds;
  do {
    sequences.push_back(all);
  } while (std::ranges::next_permutation(all).found);
  ASSERT_EQ(sequences.size(), 12u);
  using domain::PaymentStatus;
  // The state each set of events must leave (in_progress and completed were emitted before any of them).
  auto expected = [](const std::vector<std::string_view>& events) {
    auto has = [&](std::string_view key) { return std::ranges::find(events, key) != events.end(); };
    bool reviewed = has("review.created");
    return FinalState{reviewed ? Status::kReviewed : Status::kCompleted,
                      has("refund.processed") ? PaymentStatus::kRefunded : PaymentStatus::kPaid, reviewed,
                      reviewed ? 3 : 2};
  };
  for (const auto& sequence : sequences) {
    auto order = Complete(Started(106));
    for (auto routing_key : sequence) {
      auto event = incoming.Make(routing_key, order);
      incoming.Deliver(event);
      incoming.Deliver(event);  // and a redelivered copy, which changes nothing
    }
    std::string order_of_arrival;
    for (auto key : sequence) order_of_arrival += std::string(key) + " ";
    EXPECT_EQ(StateOf(order.id), expected(sequence)) << order_of_arrival;
  }
  EXPECT_EQ(incoming.consumer().waits_total(), 0u);  // none of these has to wait for a completed order
  EXPECT_EQ(incoming.consumer().dead_lettered_total(), 0u);
}

// The order's own completion and the review (and payment) of it, both ways round: a review that arrives
// before the completion is visible waits (recorded nowhere) and applies once it is; the same end either way.
TEST_F(OrderEventsInAnyOrderTest, AReviewBeforeTheCompletionWaitsAndEndsAsIfItCameAfter) {
  IncomingEvents incoming(orders_);
  auto in_order = Complete(Started(107));
  incoming.Deliver(incoming.Make("payment.completed", in_order));
  incoming.Deliver(incoming.Make("review.created", in_order));

  auto early = Started(107);
  auto review = incoming.Make("review.created", early);
  incoming.Send(review);
  ASSERT_TRUE(
      bus::test::WaitUntil([&] { return incoming.consumer().waits_total() >= 1; }, std::chrono::seconds(10)));
  EXPECT_FALSE(Processed(review));  // not taken as processed: it will come again
  EXPECT_FALSE(orders_.Find(early.id)->has_review);
  incoming.Deliver(incoming.Make("payment.completed", early));
  auto handled = incoming.consumer().handled_total();
  Complete(early);
  ASSERT_TRUE(bus::test::WaitUntil([&] { return incoming.consumer().handled_total() > handled; },
                                   std::chrono::seconds(90)));
  EXPECT_TRUE(Processed(review));
  EXPECT_EQ(StateOf(early.id), StateOf(in_order.id));
  EXPECT_EQ(StateOf(early.id), (FinalState{Status::kReviewed, domain::PaymentStatus::kPaid, true, 3}));
  EXPECT_EQ(incoming.consumer().dead_lettered_total(), 0u);
}

// processed_events keeps an event id for store::kProcessedEventsKept, then the purge forgets it.
TEST_F(OrderStoreTest, ProcessedEventsAreForgottenAfterTheirWindow) {
  auto order = Publish(108);
  auto old_event = bus::MakeEvent("payment_events", "payment.completed", {{"order_id", order.id}});
  auto recent_event = bus::MakeEvent("payment_events", "refund.processed", {{"order_id", order.id}});
  for (const auto* event : {&old_event, &recent_event}) {
    EXPECT_EQ(orders_.ApplyEvent(*event, order.id, domain::RecordPayment, events::ForChange),
              store::ApplyResult::kApplied);
  }
  {
    auto connection = pool_->Acquire();
    connection->Execute(
        "UPDATE processed_events SET processed_at = ? WHERE event_id = ?",
        {time::Now() - store::kProcessedEventsKept - std::chrono::hours(1), old_event.event_id});
  }
  EXPECT_GE(orders_.PurgeProcessedEvents(time::Now() - store::kProcessedEventsKept), 1);
  auto connection = pool_->Acquire();
  auto left = [&](const bus::Event& e) {
    return connection->Query("SELECT 1 FROM processed_events WHERE event_id = ?", {e.event_id}).size();
  };
  EXPECT_EQ(left(old_event), 0u);
  EXPECT_EQ(left(recent_event), 1u);
  // The window outlasts every way an event can come again: 24 h in a queue plus its waits, and a replay from
  // an outbox that keeps published rows for 7 days.
  EXPECT_GT(store::kProcessedEventsKept, std::chrono::hours(24 * 8) + std::chrono::minutes(15));
}

}  // namespace
}  // namespace mp::order

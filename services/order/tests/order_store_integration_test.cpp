// The order store and consumer against a real MariaDB and RabbitMQ (./marketplace test provides both):
// concurrent state changes have exactly one winner, and incoming events apply exactly once.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "libs/bus/consumer.hpp"
#include "libs/bus/publisher.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
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

// Runs `attempt(i)` on n threads released together; returns how many returned normally and the ApiError
// codes of the others.
template <class F>
std::pair<int, std::vector<std::string>> RaceOf(int n, F attempt) {
  std::atomic<bool> go{false};
  std::atomic<int> wins{0};
  std::mutex mutex;
  std::vector<std::string> refusals;
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      try {
        attempt(i);
        ++wins;
      } catch (const ApiError& e) {
        std::lock_guard lock(mutex);
        refusals.push_back(e.code());
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return {wins.load(), refusals};
}

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
}

}  // namespace
}  // namespace mp::order

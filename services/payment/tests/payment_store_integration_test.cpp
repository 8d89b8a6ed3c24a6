// The payment store against a real MariaDB (and RabbitMQ for the relay): concurrent pays charge once,
// Idempotency-Key answers replay, refund requests and decisions write their ledger and outbox rows exactly
// once, lists page newest first on an index.
#include <gtest/gtest.h>

#include "libs/bus/amqp_connection.hpp"
#include "libs/bus/sql_outbox.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/pool.hpp"
#include "services/payment/src/api/refusals.hpp"
#include "services/payment/src/events/payment_events.hpp"
#include "services/payment/src/store/migrations.hpp"
#include "services/payment/src/store/payment_store.hpp"
#include "services/payment/tests/payment_test_support.hpp"

namespace mp::payment {
namespace {

using domain::Payment;
using domain::Refund;
using domain::StoredAnswer;

constexpr std::int64_t kAdmin = 3;

domain::StoredAnswer Render(const Payment& p) {
  return {p.order_id, 200,
          R"({"payment_id":)" + std::to_string(p.id) + R"(,"order_id":)" + std::to_string(p.order_id) + "}"};
}

class PaymentStoreTest : public ::testing::Test {
 protected:
  static constexpr const char* kDatabase = "mp_test_payment";

  static void SetUpTestSuite() {
    options_ = new sql::Options(test::FreshDatabase(kDatabase));
    pool_ = new sql::Pool(*options_);
    sql::Migrate(*pool_, store::Migrations());
  }
  static void TearDownTestSuite() {
    delete pool_;
    delete options_;
    test::DropDatabase(kDatabase);
  }

  // A completed, unpaid order of `customer` as the order service would describe it (ids unique per test run).
  static Payment Draft(std::int64_t customer, money::Cents amount = 12050) {
    static std::atomic<std::int64_t> next_order{1000};
    domain::OrderSnapshot order;
    order.id = next_order++;
    order.customer_id = customer;
    order.provider_id = 500;
    order.status = "completed";
    order.payment_status = "unpaid";
    order.price = amount;
    return domain::DecidePayment(order, customer).value();
  }

  // The store's outcomes; a refusal is thrown as the API answers it, so races count its codes.
  store::PayResult Pay(const Payment& draft, const std::optional<std::string>& key = std::nullopt) {
    auto paid = payments_.Pay(draft, key, Render, events::PaymentCompleted);
    if (!paid) throw api::ToApiError(paid.refusal());
    return *std::move(paid);
  }

  Payment Paid(std::int64_t customer, money::Cents amount = 12050) {
    return *Pay(Draft(customer, amount)).created;
  }

  Refund Request(const Payment& payment, std::string reason = "The work was not done") {
    auto refund = payments_.RequestRefund(payment.order_id, payment.customer_id, std::move(reason),
                                          events::RefundRequested);
    EXPECT_TRUE(refund || refund.refusal() != domain::PaymentRefusal::kNoPayment)
        << "the payment of order " << payment.order_id << " is gone";
    if (!refund) throw api::ToApiError(refund.refusal());
    return *std::move(refund);
  }

  // nullopt when the refund does not exist.
  std::optional<Refund> Decide(std::int64_t refund_id, bool approved,
                               std::optional<std::string> reason = std::nullopt) {
    auto decided =
        payments_.DecideRefund(refund_id, kAdmin, approved, std::move(reason), events::RefundProcessed);
    if (!decided && decided.refusal() == domain::PaymentRefusal::kRefundNotFound) return std::nullopt;
    if (!decided) throw api::ToApiError(decided.refusal());
    return *std::move(decided);
  }

  static std::int64_t Count(const std::string& sql, const std::vector<sql::Value>& params) {
    auto connection = pool_->Acquire();
    return connection->Query(sql, params).front().Int(0);
  }
  static std::int64_t PaymentRows(std::int64_t order_id) {
    return Count("SELECT COUNT(*) FROM payments WHERE order_id = ?", {order_id});
  }
  static std::int64_t LedgerRows(std::int64_t order_id, const std::string& type) {
    return Count("SELECT COUNT(*) FROM transactions WHERE order_id = ? AND transaction_type = ?",
                 {order_id, type});
  }
  static std::int64_t OutboxRows(std::int64_t order_id, const std::string& routing_key) {
    return Count("SELECT COUNT(*) FROM outbox WHERE routing_key = ? AND JSON_VALUE(body, '$.order_id') = ?",
                 {routing_key, std::to_string(order_id)});
  }
  static nlohmann::json LastEvent(std::int64_t order_id, const std::string& routing_key) {
    auto connection = pool_->Acquire();
    auto rows = connection->Query(
        "SELECT body FROM outbox WHERE routing_key = ? AND JSON_VALUE(body, '$.order_id') = ? ORDER BY id "
        "DESC LIMIT 1",
        {routing_key, std::to_string(order_id)});
    return rows.empty() ? nlohmann::json() : nlohmann::json::parse(rows.front().String(0));
  }

  static sql::Options* options_;
  static sql::Pool* pool_;
  store::PaymentStore payments_{*pool_};
};

sql::Options* PaymentStoreTest::options_ = nullptr;
sql::Pool* PaymentStoreTest::pool_ = nullptr;

TEST_F(PaymentStoreTest, PayWritesPaymentLedgerAndEventTogether) {
  auto draft = Draft(41, 12050);
  auto result = Pay(draft);
  ASSERT_TRUE(result.created);
  const Payment& payment = *result.created;
  EXPECT_GT(payment.id, 0);
  EXPECT_EQ(payment.status, domain::PaymentStatus::kCompleted);
  EXPECT_EQ(payment.transaction_id.size(), 36u);
  EXPECT_EQ(result.answer.body, Render(payment).body);

  auto stored = payments_.FindPayment(payment.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->amount, 12050);
  EXPECT_EQ(stored->order_id, draft.order_id);
  EXPECT_EQ(stored->provider_id, 500);
  EXPECT_EQ(stored->transaction_id, payment.transaction_id);
  EXPECT_EQ(stored->created_at, payment.created_at);

  EXPECT_EQ(LedgerRows(draft.order_id, "payment"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM transactions WHERE reference_id = ? AND transaction_type = 'payment' "
                  "AND amount = '120.50' AND user_id = 41",
                  {payment.id}),
            1);
  auto event = LastEvent(draft.order_id, "payment.completed");
  EXPECT_EQ(event["payment_id"], payment.id);
  EXPECT_EQ(event["customer_id"], 41);
  EXPECT_EQ(event["provider_id"], 500);
  EXPECT_EQ(event["amount"], "120.50");
  // Without a key nothing is kept for replays.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM idempotency_keys WHERE payment_id = ?", {payment.id}), 0);
}

TEST_F(PaymentStoreTest, TwentyFourConcurrentPaysOfOneOrderChargeOnce) {
  auto draft = Draft(42);
  auto [wins, refusals] = test::RaceOf(24, [&](int) { Pay(draft); });
  EXPECT_EQ(wins, 1);
  ASSERT_EQ(refusals.size(), 23u);
  for (const auto& code : refusals) EXPECT_EQ(code, "order_already_paid");
  EXPECT_EQ(PaymentRows(draft.order_id), 1);
  EXPECT_EQ(LedgerRows(draft.order_id, "payment"), 1);
  EXPECT_EQ(OutboxRows(draft.order_id, "payment.completed"), 1);
}

TEST_F(PaymentStoreTest, ConcurrentPaysWithOneKeyAllGetTheFirstAnswer) {
  auto draft = Draft(43);
  std::mutex mutex;
  std::vector<store::PayResult> results;
  auto [wins, refusals] = test::RaceOf(20, [&](int) {
    auto result = Pay(draft, "key-43");
    std::lock_guard lock(mutex);
    results.push_back(std::move(result));
  });
  EXPECT_EQ(wins, 20);
  EXPECT_TRUE(refusals.empty());
  int created = 0;
  for (const auto& r : results) {
    created += r.created ? 1 : 0;
    EXPECT_EQ(r.answer.body, results.front().answer.body);
    EXPECT_EQ(r.answer.status, 200);
    EXPECT_EQ(r.answer.order_id, draft.order_id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(PaymentRows(draft.order_id), 1);
  EXPECT_EQ(LedgerRows(draft.order_id, "payment"), 1);
}

TEST_F(PaymentStoreTest, AKeyIsTheCustomersAndRemembersItsFirstAnswer) {
  auto draft = Draft(44);
  auto first = Pay(draft, "Key-A");
  ASSERT_TRUE(first.created);
  auto stored = payments_.FindAnswer(44, "Key-A");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->order_id, draft.order_id);
  EXPECT_EQ(stored->status, 200);
  EXPECT_EQ(stored->body, first.answer.body);
  EXPECT_FALSE(payments_.FindAnswer(44, "key-a"));  // case-sensitive
  EXPECT_FALSE(payments_.FindAnswer(45, "Key-A"));  // another customer's key space

  // The same key again: the first answer, nothing new written.
  auto again = Pay(draft, "Key-A");
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.answer.body, first.answer.body);
  // The same key for another order: the store hands back the first answer; the rule says 422.
  auto other = Draft(44);
  auto reused = Pay(other, "Key-A");
  EXPECT_FALSE(reused.created);
  std::vector<FieldProblem> problems;
  domain::CheckKeyReuse(reused.answer, other.order_id, problems);
  EXPECT_EQ(problems.size(), 1u);
  EXPECT_EQ(PaymentRows(other.order_id), 0);
  // Another customer may use the same text for their own payment.
  EXPECT_TRUE(Pay(Draft(45), "Key-A").created);
  // A paid order with a fresh key is still a 409 (the key does not bypass the unique key).
  try {
    Pay(draft, "Key-B");
    FAIL() << "paid twice";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "order_already_paid");
  }
  EXPECT_FALSE(payments_.FindAnswer(44, "Key-B"));
  EXPECT_EQ(LedgerRows(draft.order_id, "payment"), 1);
}

TEST_F(PaymentStoreTest, ApprovedRefundRefundsThePaymentWithLedgerAndEvents) {
  Payment payment = Paid(46, 9999);
  Refund refund = Request(payment, "Nobody came");
  EXPECT_EQ(refund.status, domain::RefundStatus::kPending);
  EXPECT_EQ(refund.amount, 9999);
  EXPECT_EQ(refund.payment_id, payment.id);
  auto requested = LastEvent(payment.order_id, "refund.requested");
  EXPECT_EQ(requested["refund_id"], refund.id);
  EXPECT_EQ(requested["reason"], "Nobody came");
  EXPECT_EQ(requested["amount"], "99.99");

  try {
    Request(payment);
    FAIL() << "two open refunds";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "refund_pending");
  }

  auto decided = Decide(refund.id, true);
  ASSERT_TRUE(decided);
  EXPECT_EQ(decided->status, domain::RefundStatus::kCompleted);
  EXPECT_EQ(decided->decided_by, kAdmin);
  EXPECT_TRUE(decided->decided_at);
  EXPECT_EQ(payments_.FindRefund(refund.id)->status, domain::RefundStatus::kCompleted);
  EXPECT_EQ(payments_.FindPayment(payment.id)->status, domain::PaymentStatus::kRefunded);
  EXPECT_EQ(LedgerRows(payment.order_id, "refund"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM transactions WHERE transaction_type = 'refund' AND reference_id = ? "
                  "AND payment_id = ? AND amount = '99.99'",
                  {refund.id, payment.id}),
            1);
  auto processed = LastEvent(payment.order_id, "refund.processed");
  EXPECT_EQ(processed["status"], "completed");
  EXPECT_EQ(processed["refund_id"], refund.id);
  EXPECT_EQ(processed["customer_id"], 46);
  EXPECT_EQ(processed["provider_id"], 500);

  // A second decision either way is a conflict and changes nothing.
  for (bool approved : {true, false}) {
    try {
      Decide(refund.id, approved, "again");
      FAIL() << "decided twice";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), "refund_not_pending");
    }
  }
  EXPECT_EQ(OutboxRows(payment.order_id, "refund.processed"), 1);
  EXPECT_EQ(LedgerRows(payment.order_id, "refund"), 1);
  // Refunded: no new request.
  try {
    Request(payment);
    FAIL() << "refunded twice";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "order_already_refunded");
  }
}

TEST_F(PaymentStoreTest, RejectedRefundLeavesThePaymentAndAllowsANewRequest) {
  Payment payment = Paid(47);
  Refund refund = Request(payment);
  auto rejected = Decide(refund.id, false, "The work was done");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, domain::RefundStatus::kRejected);
  EXPECT_EQ(rejected->decision_reason, "The work was done");
  EXPECT_EQ(payments_.FindPayment(payment.id)->status, domain::PaymentStatus::kCompleted);
  EXPECT_EQ(LedgerRows(payment.order_id, "refund"), 0);
  auto processed = LastEvent(payment.order_id, "refund.processed");
  EXPECT_EQ(processed["status"], "rejected");
  EXPECT_EQ(processed["reason"], "The work was done");

  Refund second = Request(payment, "Please look again");
  EXPECT_EQ(second.status, domain::RefundStatus::kPending);
  EXPECT_NE(second.id, refund.id);
  EXPECT_EQ(OutboxRows(payment.order_id, "refund.requested"), 2);
}

TEST_F(PaymentStoreTest, ConcurrentRefundRequestsOpenOne) {
  Payment payment = Paid(48);
  auto [wins, refusals] = test::RaceOf(20, [&](int i) { Request(payment, "reason " + std::to_string(i)); });
  EXPECT_EQ(wins, 1);
  ASSERT_EQ(refusals.size(), 19u);
  for (const auto& code : refusals) EXPECT_EQ(code, "refund_pending");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refunds WHERE order_id = ?", {payment.order_id}), 1);
  EXPECT_EQ(OutboxRows(payment.order_id, "refund.requested"), 1);
}

TEST_F(PaymentStoreTest, ConcurrentRefundRequestsForDifferentOrdersAllSucceed) {
  // They once deadlocked on the gap lock of the open-refund lookup (503 store_busy).
  std::vector<Payment> payments;
  payments.reserve(12);
  for (int i = 0; i < 12; ++i) payments.push_back(Paid(900 + i));
  auto [wins, refusals] = test::RaceOf(12, [&](int i) { Request(payments[static_cast<std::size_t>(i)]); });
  EXPECT_EQ(wins, 12);
  EXPECT_TRUE(refusals.empty()) << refusals.front();
}

TEST_F(PaymentStoreTest, ConcurrentDecisionsHaveExactlyOneWinner) {
  Payment payment = Paid(49);
  Refund refund = Request(payment);
  auto [wins, refusals] =
      test::RaceOf(20, [&](int i) { Decide(refund.id, i % 2 == 0, "reason " + std::to_string(i)); });
  EXPECT_EQ(wins, 1);
  ASSERT_EQ(refusals.size(), 19u);
  for (const auto& code : refusals) EXPECT_EQ(code, "refund_not_pending");
  EXPECT_EQ(OutboxRows(payment.order_id, "refund.processed"), 1);
  auto final_refund = payments_.FindRefund(refund.id);
  auto final_payment = payments_.FindPayment(payment.id);
  if (final_refund->status == domain::RefundStatus::kCompleted) {
    EXPECT_EQ(final_payment->status, domain::PaymentStatus::kRefunded);
    EXPECT_EQ(LedgerRows(payment.order_id, "refund"), 1);
  } else {
    EXPECT_EQ(final_refund->status, domain::RefundStatus::kRejected);
    EXPECT_EQ(final_payment->status, domain::PaymentStatus::kCompleted);
    EXPECT_EQ(LedgerRows(payment.order_id, "refund"), 0);
  }
}

TEST_F(PaymentStoreTest, RequestsAndDecisionsRacingStayConsistent) {
  // New requests and decisions on one payment interleave; both lock the payment first, so no deadlock and
  // never two open refunds.
  Payment payment = Paid(50);
  Refund first = Request(payment);
  auto [wins, refusals] = test::RaceOf(20, [&](int i) {
    if (i % 2 == 0) {
      Decide(first.id, false, "no");
    } else {
      Request(payment, "again");
    }
  });
  for (const auto& code : refusals) {
    EXPECT_TRUE(code == "refund_pending" || code == "refund_not_pending") << code;
  }
  EXPECT_LE(
      Count("SELECT COUNT(*) FROM refunds WHERE order_id = ? AND status = 'pending'", {payment.order_id}), 1);
  EXPECT_GE(wins, 1);
}

TEST_F(PaymentStoreTest, RefundsOnlyForTheCallersPaidOrders) {
  Payment payment = Paid(51);
  auto others = payments_.RequestRefund(payment.order_id, 52, "mine?", events::RefundRequested);
  ASSERT_FALSE(others) << "someone else's refund";
  EXPECT_EQ(others.refusal(), domain::PaymentRefusal::kNotYourPayment);
  // No payment: nothing written, and the caller (the API) asks the order service why.
  auto unpaid = payments_.RequestRefund(987'654'321, 51, "never paid", events::RefundRequested);
  ASSERT_FALSE(unpaid);
  EXPECT_EQ(unpaid.refusal(), domain::PaymentRefusal::kNoPayment);
  EXPECT_FALSE(Decide(987'654'321, true));
  EXPECT_FALSE(payments_.FindRefund(987'654'321));
}

TEST_F(PaymentStoreTest, ListsPageNewestFirstWithTotals) {
  const std::int64_t customer = 60;
  std::vector<Payment> paid;
  paid.reserve(5);
  for (int i = 0; i < 5; ++i) paid.push_back(Paid(customer, 1000 + i));  // ids break ties within a second
  Paid(61);                                                              // someone else's
  Refund rejected = Request(paid[3]);
  Decide(rejected.id, false, "no");
  Refund pending = Request(paid[3], "second try");

  auto page = payments_.ListPayments(customer, {2, 1});
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].payment.id, paid[3].id);
  EXPECT_EQ(page.items[1].payment.id, paid[2].id);
  ASSERT_EQ(page.items[0].refunds.size(), 2u);
  EXPECT_EQ(page.items[0].refunds[0].id, pending.id);  // newest first
  EXPECT_EQ(page.items[0].refunds[1].id, rejected.id);
  EXPECT_TRUE(page.items[1].refunds.empty());
  auto all = payments_.ListPayments(customer, {50, 0});
  ASSERT_EQ(all.items.size(), 5u);
  EXPECT_EQ(all.items.front().payment.id, paid[4].id);
  EXPECT_EQ(all.items.back().payment.id, paid[0].id);
  auto beyond = payments_.ListPayments(customer, {50, 5});
  EXPECT_EQ(beyond.total, 5);
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(payments_.ListPayments(999'999, {50, 0}).total, 0);

  auto pending_list = payments_.ListRefunds(domain::RefundStatus::kPending, {200, 0});
  bool found = false;
  for (const auto& r : pending_list.items) {
    EXPECT_EQ(r.status, domain::RefundStatus::kPending);
    found = found || r.id == pending.id;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(pending_list.total, static_cast<std::int64_t>(pending_list.items.size()));
  auto everything = payments_.ListRefunds(std::nullopt, {1, 0});
  ASSERT_EQ(everything.items.size(), 1u);
  EXPECT_EQ(everything.total, Count("SELECT COUNT(*) FROM refunds", {}));
  EXPECT_EQ(everything.items[0].id, Count("SELECT MAX(id) FROM refunds", {}));
  auto rejected_list = payments_.ListRefunds(domain::RefundStatus::kRejected, {200, 0});
  for (const auto& r : rejected_list.items) EXPECT_EQ(r.status, domain::RefundStatus::kRejected);
}

TEST_F(PaymentStoreTest, ListQueriesUseAnIndex) {
  // Lookups of a unique key are planned against a row that exists (for a missing value the optimizer says
  // "Impossible WHERE" and names no key).
  Payment payment = Paid(62);
  Refund refund = Request(payment);
  const std::string order = std::to_string(payment.order_id);
  auto connection = pool_->Acquire();
  for (const std::string& sql :
       {std::string("EXPLAIN SELECT id FROM payments WHERE customer_id = 1 ORDER BY created_at DESC, id DESC "
                    "LIMIT 50"),
        std::string("EXPLAIN SELECT id FROM refunds WHERE payment_id = 1 ORDER BY created_at DESC, id DESC"),
        std::string("EXPLAIN SELECT id FROM refunds WHERE status = 'pending' ORDER BY created_at DESC, id "
                    "DESC LIMIT 50"),
        "EXPLAIN SELECT id FROM refunds WHERE open_order_id = " + order,
        "EXPLAIN SELECT id FROM payments WHERE charged_order_id = " + order}) {
    auto rows = connection->Query(sql);
    ASSERT_FALSE(rows.empty()) << sql;
    // EXPLAIN columns: id, select_type, table, type, possible_keys, key, ...
    EXPECT_FALSE(rows.front().IsNull(5)) << sql;
  }
  EXPECT_EQ(refund.order_id, payment.order_id);
}

// The relay publishes what Pay and the refund decisions committed, to RabbitMQ, once. A database and an
// exchange of this test's own, so nothing reaches the platform's consumers.
TEST(PaymentRelayTest, CommittedEventsReachRabbitMqExactlyOnce) {
  const std::string database = "mp_test_payment_relay";
  auto options = test::FreshDatabase(database);
  {
    sql::Pool pool(options);
    sql::Migrate(pool, store::Migrations());
    store::PaymentStore payments(pool);
    auto amqp = bus::test::TestAmqpOptions();
    const std::string exchange = "test_payment_events." + bus::test::UniqueSuffix();
    bus::AmqpConnection(amqp, 0).DeclareExchange(exchange);
    bus::test::TestQueue queue(amqp, "payment.relay.test." + bus::test::UniqueSuffix());
    queue.Declare(exchange, "#");

    auto on_test_exchange = [&](bus::Event event) {
      event.exchange = exchange;
      return event;
    };
    domain::OrderSnapshot order{77, 70, 700, "completed", "unpaid", 4250};
    auto paid = payments.Pay(domain::DecidePayment(order, 70).value(), std::nullopt, Render,
                             [&](const Payment& p) { return on_test_exchange(events::PaymentCompleted(p)); });
    ASSERT_TRUE(paid && paid->created);
    auto refund = payments.RequestRefund(77, 70, "changed my mind", [&](const Refund& r) {
      return on_test_exchange(events::RefundRequested(r));
    });
    ASSERT_TRUE(refund);
    // A rolled-back change (a second pay) publishes nothing.
    auto again =
        payments.Pay(domain::DecidePayment(order, 70).value(), std::nullopt, Render,
                     [&](const Payment& p) { return on_test_exchange(events::PaymentCompleted(p)); });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.refusal(), domain::PaymentRefusal::kAlreadyPaid);

    bus::OutboxRelay relay(std::make_unique<bus::SqlOutbox>(pool), amqp);
    relay.Start();
    relay.Notify();
    std::vector<bus::test::ReceivedMessage> received;
    EXPECT_TRUE(test::WaitUntil([&] {
      while (auto message = queue.Get()) received.push_back(*message);
      return received.size() >= 2;
    }));
    relay.Stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    while (auto message = queue.Get()) received.push_back(*message);
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(received[0].routing_key, "payment.completed");
    EXPECT_EQ(received[1].routing_key, "refund.requested");
    auto body = nlohmann::json::parse(received[0].body);
    EXPECT_EQ(body["payment_id"], paid->created->id);
    EXPECT_EQ(body["order_id"], 77);
    EXPECT_EQ(body["customer_id"], 70);
    EXPECT_EQ(body["provider_id"], 700);
    EXPECT_EQ(body["amount"], "42.50");
    EXPECT_EQ(received[0].message_id, body["event_id"].get<std::string>());
    EXPECT_EQ(received[0].delivery_mode, 2);
    EXPECT_EQ(received[0].content_type, "application/json");
    EXPECT_EQ(nlohmann::json::parse(received[1].body)["refund_id"], refund->id);
    auto connection = pool.Acquire();
    EXPECT_EQ(connection->Query("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL").front().Int(0), 0);
    queue.Delete();
  }
  test::DropDatabase(database);
}

}  // namespace
}  // namespace mp::payment

// The payment rules without any I/O: who may pay what, Idempotency-Key rules, refund requests and decisions.
#include <string>

#include <gtest/gtest.h>

#include "services/payment/src/domain/payment.hpp"

namespace mp::payment::domain {
namespace {

constexpr std::int64_t kCustomer = 41;
constexpr std::int64_t kAdmin = 3;

OrderSnapshot CompletedOrder() {
  OrderSnapshot order;
  order.id = 7;
  order.customer_id = kCustomer;
  order.provider_id = 52;
  order.status = "completed";
  order.payment_status = "unpaid";
  order.price = 12050;
  return order;
}

Payment CompletedPayment() {
  Payment payment;
  payment.id = 9;
  payment.order_id = 7;
  payment.customer_id = kCustomer;
  payment.provider_id = 52;
  payment.amount = 12050;
  payment.status = PaymentStatus::kCompleted;
  return payment;
}

Refund PendingRefund() {
  return DecideRefundRequest(CompletedPayment(), kCustomer, false, "Work was not done").value();
}

// The refusal of a decision, or nullopt when it was allowed.
template <class T>
std::optional<PaymentRefusal> RefusalOf(const Outcome<T, PaymentRefusal>& outcome) {
  if (outcome) return std::nullopt;
  return outcome.refusal();
}

// ---- Paying
// ---------------------------------------------------------------------------------------------------

TEST(DecidePayment, ACompletedUnpaidOrderOfTheCallerIsChargedItsPrice) {
  Payment payment = DecidePayment(CompletedOrder(), kCustomer).value();
  EXPECT_EQ(payment.order_id, 7);
  EXPECT_EQ(payment.customer_id, kCustomer);
  EXPECT_EQ(payment.provider_id, 52);
  EXPECT_EQ(payment.amount, 12050);
  EXPECT_EQ(payment.status, PaymentStatus::kCompleted);
}

TEST(DecidePayment, OnlyCompletedAndUnpaidIsPayable) {
  const std::vector<std::string> statuses = {"pending_review", "pending",  "accepted", "in_progress",
                                             "completed",      "reviewed", "cancelled"};
  for (const auto& status : statuses) {
    for (const std::string& payment_status : std::vector<std::string>{"unpaid", "paid", "refunded"}) {
      auto order = CompletedOrder();
      order.status = status;
      order.payment_status = payment_status;
      auto refusal = RefusalOf(DecidePayment(order, kCustomer));
      SCOPED_TRACE(std::string(status).append(" / ").append(payment_status));
      if (payment_status != "unpaid") {
        EXPECT_EQ(refusal, PaymentRefusal::kAlreadyPaid);  // also for a paid order that was reviewed since
      } else if (status != "completed") {
        EXPECT_EQ(refusal, PaymentRefusal::kNotCompleted);
      } else {
        EXPECT_FALSE(refusal);
      }
    }
  }
}

TEST(DecidePayment, SomeoneElsesOrderIsRefusedBeforeItsStateIsTold) {
  auto order = CompletedOrder();
  order.payment_status = "paid";
  EXPECT_EQ(RefusalOf(DecidePayment(order, kCustomer + 1)), PaymentRefusal::kNotYourOrder);
}

TEST(DecidePayment, TheLargestPriceIsCharged) {
  auto order = CompletedOrder();
  order.price = money::kMaxCents;
  EXPECT_EQ(DecidePayment(order, kCustomer)->amount, money::kMaxCents);
}

// ---- Idempotency-Key
// ------------------------------------------------------------------------------------------

TEST(IdempotencyKey, VisibleAsciiOfOneTo255CharactersIsAKey) {
  for (const std::string& key : {std::string("a"), std::string("3f2c1a9e-8d7b-4c6a-9f1e-2b3c4d5e6f70"),
                                 std::string(255, 'k'), std::string("!~#$%&'*+-.^_`|")}) {
    std::vector<FieldProblem> problems;
    EXPECT_EQ(CheckIdempotencyKey(key, problems), key);
    EXPECT_TRUE(problems.empty()) << key;
  }
}

TEST(IdempotencyKey, AnythingElseIsA422NamingTheHeader) {
  for (const std::string& key :
       {std::string(), std::string(256, 'k'), std::string("two words"), std::string("tab\tkey"),
        std::string("caf\xc3\xa9"), std::string("nul\0x", 5)}) {
    std::vector<FieldProblem> problems;
    EXPECT_FALSE(CheckIdempotencyKey(key, problems));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].field, "Idempotency-Key");
  }
}

TEST(IdempotencyKey, TheSameKeyForTheSameOrderReplaysForAnotherOrderIsAProblem) {
  StoredAnswer first{7, 200, "{}"};
  std::vector<FieldProblem> problems;
  CheckKeyReuse(first, 7, problems);
  EXPECT_TRUE(problems.empty());
  CheckKeyReuse(first, 8, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "Idempotency-Key");
  EXPECT_EQ(problems[0].problem, "was already used for order 7; send a new key for a different order");
}

// ---- Refund requests
// ------------------------------------------------------------------------------------------

TEST(RefundRequest, IsPendingForTheFullAmountOfTheCallersCompletedPayment) {
  Refund refund = PendingRefund();
  EXPECT_EQ(refund.status, RefundStatus::kPending);
  EXPECT_EQ(refund.payment_id, 9);
  EXPECT_EQ(refund.order_id, 7);
  EXPECT_EQ(refund.customer_id, kCustomer);
  EXPECT_EQ(refund.provider_id, 52);
  EXPECT_EQ(refund.amount, 12050);
  EXPECT_EQ(refund.reason, "Work was not done");
  EXPECT_FALSE(refund.decided_at);
}

TEST(RefundRequest, IsRefusedForOthersRefundedUnpaidOrAlreadyPending) {
  auto payment = CompletedPayment();
  EXPECT_EQ(RefusalOf(DecideRefundRequest(payment, kCustomer + 1, false, "r")),
            PaymentRefusal::kNotYourPayment);
  EXPECT_EQ(RefusalOf(DecideRefundRequest(payment, kCustomer, true, "r")), PaymentRefusal::kRefundPending);
  payment.status = PaymentStatus::kRefunded;
  EXPECT_EQ(RefusalOf(DecideRefundRequest(payment, kCustomer, false, "r")), PaymentRefusal::kAlreadyRefunded);
  // Someone else's refunded payment: the owner check comes first.
  EXPECT_EQ(RefusalOf(DecideRefundRequest(payment, kCustomer + 1, false, "r")),
            PaymentRefusal::kNotYourPayment);
  for (auto status : {PaymentStatus::kPending, PaymentStatus::kFailed}) {
    payment.status = status;
    EXPECT_EQ(RefusalOf(DecideRefundRequest(payment, kCustomer, false, "r")), PaymentRefusal::kNotPaid);
  }
}

// ---- Refund decisions
// -----------------------------------------------------------------------------------------

TEST(RefundDecision, ApprovalCompletesTheRefundAndRefundsThePayment) {
  const auto now = time::FromUnixSeconds(1'761'382'800);
  Refund after = DecideRefund(PendingRefund(), CompletedPayment(), true, std::nullopt, kAdmin, now).value();
  EXPECT_EQ(after.status, RefundStatus::kCompleted);
  EXPECT_EQ(after.decided_by, kAdmin);
  EXPECT_EQ(after.decided_at, now);
  EXPECT_EQ(after.updated_at, now);
  EXPECT_FALSE(after.decision_reason);
  EXPECT_EQ(after.amount, 12050);
  Payment refunded = PaymentAfterRefund(CompletedPayment(), now);
  EXPECT_EQ(refunded.status, PaymentStatus::kRefunded);
  EXPECT_EQ(refunded.amount, 12050);
  EXPECT_EQ(RefundDecisionMessage(after), "Refund for order 7 completed.");
}

TEST(RefundDecision, RejectionKeepsTheAdminsReasonAndNeedsOne) {
  const auto now = time::Now();
  Refund after =
      DecideRefund(PendingRefund(), CompletedPayment(), false, "Work was done", kAdmin, now).value();
  EXPECT_EQ(after.status, RefundStatus::kRejected);
  EXPECT_EQ(after.decision_reason, "Work was done");
  EXPECT_EQ(after.reason, "Work was not done");
  EXPECT_EQ(RefundDecisionMessage(after), "Refund for order 7 was rejected: Work was done.");
  for (const std::optional<std::string>& reason :
       {std::optional<std::string>(), std::optional<std::string>(" \n\t")}) {
    EXPECT_EQ(RefusalOf(DecideRefund(PendingRefund(), CompletedPayment(), false, reason, kAdmin, now)),
              PaymentRefusal::kReasonRequired);
  }
}

TEST(RefundDecision, OnlyAPendingRefundIsDecidedOnce) {
  const auto now = time::Now();
  for (bool first : {true, false}) {
    Refund decided = DecideRefund(PendingRefund(), CompletedPayment(), first, "because", kAdmin, now).value();
    for (bool second : {true, false}) {
      EXPECT_EQ(RefusalOf(DecideRefund(decided, CompletedPayment(), second, "again", kAdmin, now)),
                first ? PaymentRefusal::kRefundAlreadyCompleted : PaymentRefusal::kRefundAlreadyRejected);
    }
  }
}

TEST(RefundDecision, ApprovalNeedsACompletedPayment) {
  auto payment = CompletedPayment();
  for (auto [status, refusal] : {std::pair{PaymentStatus::kRefunded, PaymentRefusal::kPaymentRefunded},
                                 std::pair{PaymentStatus::kPending, PaymentRefusal::kPaymentPending},
                                 std::pair{PaymentStatus::kFailed, PaymentRefusal::kPaymentFailed}}) {
    payment.status = status;
    EXPECT_EQ(RefusalOf(DecideRefund(PendingRefund(), payment, true, std::nullopt, kAdmin, time::Now())),
              refusal);
    // A rejection does not touch the payment, so it stays possible.
    EXPECT_EQ(DecideRefund(PendingRefund(), payment, false, "no", kAdmin, time::Now())->status,
              RefundStatus::kRejected);
  }
}

// ---- Names and texts
// ------------------------------------------------------------------------------------------

TEST(Names, RoundTripAsTheSqlEnumsSpellThem) {
  for (auto status : {PaymentStatus::kPending, PaymentStatus::kCompleted, PaymentStatus::kFailed,
                      PaymentStatus::kRefunded}) {
    EXPECT_EQ(ParsePaymentStatus(Name(status)), status);
  }
  for (auto name : kRefundStatusNames) EXPECT_EQ(Name(*ParseRefundStatus(name)), name);
  EXPECT_FALSE(ParseRefundStatus("PENDING"));
  EXPECT_FALSE(ParseRefundStatus(""));
  EXPECT_FALSE(ParsePaymentStatus("paid"));
}

TEST(Texts, NameTheOrderAndTheExactAmount) {
  EXPECT_EQ(PaidMessage(7), "Payment successful (simulated): order 7 is paid.");
  EXPECT_EQ(PaymentLedgerText(7), "Payment for order 7 (simulated)");
  auto refund = PendingRefund();
  refund.amount = 5;
  EXPECT_EQ(RefundRequestedMessage(refund), "Refund of 0.05 requested for order 7; an admin will review it.");
  refund.id = 3;
  EXPECT_EQ(RefundLedgerText(refund), "Refund 3 for order 7 (simulated)");
}

}  // namespace
}  // namespace mp::payment::domain

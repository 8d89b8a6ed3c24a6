// The order rules without any I/O: the state machine checked exhaustively (every status x action x actor),
// every decision and each of its refusals, who may see an order, the consumer's changes and field checks.
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "services/order/src/domain/order.hpp"

namespace mp::order::domain {
namespace {

using enum Status;

// The lifecycle of DESIGN.md written out independently of the implementation's table.
const std::map<std::tuple<Status, Action, Actor>, Status>& Expected() {
  static const std::map<std::tuple<Status, Action, Actor>, Status> expected = {
      {{kPendingReview, Action::kApprove, Actor::kAdmin}, kPending},
      {{kPendingReview, Action::kReject, Actor::kAdmin}, kCancelled},
      {{kPendingReview, Action::kCancel, Actor::kCustomer}, kCancelled},
      {{kPending, Action::kCancel, Actor::kCustomer}, kCancelled},
      {{kAccepted, Action::kCancel, Actor::kCustomer}, kCancelled},
      {{kPending, Action::kCancel, Actor::kAdmin}, kCancelled},
      {{kAccepted, Action::kCancel, Actor::kAdmin}, kCancelled},
      {{kPending, Action::kAccept, Actor::kProvider}, kAccepted},
      {{kAccepted, Action::kStart, Actor::kProvider}, kInProgress},
      {{kAccepted, Action::kStart, Actor::kAdmin}, kInProgress},
      {{kInProgress, Action::kComplete, Actor::kProvider}, kCompleted},
      {{kInProgress, Action::kComplete, Actor::kAdmin}, kCompleted},
      {{kCompleted, Action::kReview, Actor::kSystem}, kReviewed},
  };
  return expected;
}

TEST(Lifecycle, EveryStatusActionAndActorIsAllowedOnlyAsDesigned) {
  int allowed = 0;
  for (auto status : kAllStatuses) {
    for (auto action : kAllActions) {
      for (auto actor : kAllActors) {
        auto key = std::make_tuple(status, action, actor);
        auto it = Expected().find(key);
        auto next = Next(status, action, actor);
        std::string where = std::string(Name(status)) + " action " + std::to_string(int(action)) + " actor " +
                            std::to_string(int(actor));
        if (it == Expected().end()) {
          EXPECT_FALSE(next) << where << " should be refused";
        } else {
          ++allowed;
          ASSERT_TRUE(next) << where << " should be allowed";
          EXPECT_EQ(*next, it->second) << where;
        }
      }
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(Expected().size()));
  EXPECT_EQ(Transitions().size(), Expected().size());
}

constexpr std::int64_t kCustomer = 3;
constexpr std::int64_t kProvider = 9;
constexpr std::int64_t kOtherProvider = 10;

Order InStatus(Status status, std::optional<std::int64_t> provider = std::nullopt) {
  Order order;
  order.id = 7;
  order.customer_id = kCustomer;
  order.title = "Fix the sink";
  order.service_type = "cleaning_repair";
  order.price = 20000;
  order.location = "NORTH";
  order.status = status;
  order.provider_id = provider;
  return order;
}

// The refusal of a decision that should refuse ("allowed" when it did not).
std::string RefusalName(const Outcome<Order, OrderRefusal>& outcome) {
  if (outcome) return "allowed";
  switch (outcome.refusal()) {
    case OrderRefusal::kNotYourOrder: return "not_your_order";
    case OrderRefusal::kNotAssignedToYou: return "not_assigned_to_you";
    case OrderRefusal::kNotPendingReview: return "not_pending_review";
    case OrderRefusal::kNotCancellable: return "not_cancellable";
    case OrderRefusal::kNotAvailable: return "not_available";
    case OrderRefusal::kAlreadyAccepted: return "already_accepted";
    case OrderRefusal::kNotAccepted: return "not_accepted";
    case OrderRefusal::kNotInProgress: return "not_in_progress";
    case OrderRefusal::kNotCompleted: return "not_completed";
    case OrderRefusal::kInvalidTransition: return "invalid_transition";
  }
  return "unknown";
}

TEST(ApproveOrder, OnlyAPendingReviewOrderIsApproved) {
  for (auto status : kAllStatuses) {
    auto outcome = ApproveOrder(InStatus(status));
    if (status == kPendingReview) {
      ASSERT_TRUE(outcome);
      EXPECT_EQ(outcome->status, kPending);
    } else {
      EXPECT_EQ(RefusalName(outcome), "not_pending_review") << Name(status);
    }
  }
}

TEST(RejectOrder, CancelsAPendingReviewOrderWithTheReason) {
  auto rejected = RejectOrder(InStatus(kPendingReview), "Too vague");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, kCancelled);
  EXPECT_EQ(rejected->reject_reason, "Too vague");
  for (auto status : kAllStatuses) {
    if (status == kPendingReview) continue;
    EXPECT_EQ(RefusalName(RejectOrder(InStatus(status), "r")), "not_pending_review") << Name(status);
  }
}

TEST(CancelOrder, TheCustomerCancelsUntilWorkStarts) {
  for (auto status : kAllStatuses) {
    auto outcome = CancelOrder(InStatus(status), kCustomer);
    if (status == kPendingReview || status == kPending || status == kAccepted) {
      ASSERT_TRUE(outcome) << Name(status);
      EXPECT_EQ(outcome->status, kCancelled);
    } else {
      EXPECT_EQ(RefusalName(outcome), "not_cancellable") << Name(status);
    }
  }
}

TEST(CancelOrder, SomeoneElsesOrderIsRefusedBeforeItsStateIsTold) {
  for (auto status : kAllStatuses) {
    EXPECT_EQ(RefusalName(CancelOrder(InStatus(status), kCustomer + 1)), "not_your_order") << Name(status);
  }
}

TEST(AcceptOrder, APendingOrderBecomesTheProvidersAndNothingElseCanBeAccepted) {
  auto accepted = AcceptOrder(InStatus(kPending), kProvider);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, kAccepted);
  EXPECT_EQ(accepted->provider_id, kProvider);
  EXPECT_EQ(RefusalName(AcceptOrder(InStatus(kPendingReview), kProvider)), "not_available");
  EXPECT_EQ(RefusalName(AcceptOrder(InStatus(kCancelled), kProvider)), "not_available");
  for (auto status : {kAccepted, kInProgress, kCompleted, kReviewed}) {
    EXPECT_EQ(RefusalName(AcceptOrder(InStatus(status, kOtherProvider), kProvider)), "already_accepted")
        << Name(status);
  }
}

TEST(AcceptOrder, ProviderCannotAcceptAnOrderTwice) {
  auto accepted = AcceptOrder(InStatus(kPending), kProvider);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(RefusalName(AcceptOrder(*accepted, kProvider)), "already_accepted");
}

TEST(StartOrder, OnlyTheAssignedProviderStartsAnAcceptedOrder) {
  auto started = StartOrder(InStatus(kAccepted, kProvider), kProvider);
  ASSERT_TRUE(started);
  EXPECT_EQ(started->status, kInProgress);
  EXPECT_EQ(started->provider_id, kProvider);
  EXPECT_EQ(RefusalName(StartOrder(InStatus(kAccepted, kOtherProvider), kProvider)), "not_assigned_to_you");
  EXPECT_EQ(RefusalName(StartOrder(InStatus(kPending), kProvider)), "not_assigned_to_you");
  for (auto status : kAllStatuses) {
    if (status == kAccepted) continue;
    EXPECT_EQ(RefusalName(StartOrder(InStatus(status, kProvider), kProvider)), "not_accepted")
        << Name(status);
  }
}

TEST(CompleteOrder, OnlyTheAssignedProviderCompletesAnOrderInProgress) {
  auto completed = CompleteOrder(InStatus(kInProgress, kProvider), kProvider);
  ASSERT_TRUE(completed);
  EXPECT_EQ(completed->status, kCompleted);
  EXPECT_EQ(RefusalName(CompleteOrder(InStatus(kInProgress, kOtherProvider), kProvider)),
            "not_assigned_to_you");
  for (auto status : kAllStatuses) {
    if (status == kInProgress) continue;
    EXPECT_EQ(RefusalName(CompleteOrder(InStatus(status, kProvider), kProvider)), "not_in_progress")
        << Name(status);
  }
}

TEST(Viewing, TheCustomerSeesOwnOrdersTheProviderAcceptedOnesAndPendingOnesAsAvailable) {
  EXPECT_FALSE(CustomerMaySee(InStatus(kPending), kCustomer));
  EXPECT_EQ(CustomerMaySee(InStatus(kPending), kCustomer + 1), OrderRefusal::kNotYourOrder);
  EXPECT_FALSE(ProviderMaySee(InStatus(kAccepted, kProvider), kProvider));
  EXPECT_EQ(ProviderMaySee(InStatus(kAccepted, kOtherProvider), kProvider), OrderRefusal::kNotYourOrder);
  EXPECT_EQ(ProviderMaySee(InStatus(kPending), kProvider), OrderRefusal::kNotYourOrder);
  for (auto status : kAllStatuses) {
    auto refusal = ProviderMayConsider(InStatus(status));
    if (status == kPending) {
      EXPECT_FALSE(refusal);
    } else {
      EXPECT_EQ(refusal, OrderRefusal::kNotAvailable) << Name(status);
    }
  }
}

// The order a fact leaves: `order` itself when the fact changes nothing. Fails the test on a refusal.
Order After(const Order& order, const EventOutcome& outcome) {
  EXPECT_TRUE(outcome) << "refused";
  return outcome && *outcome ? **outcome : order;
}

bool SameFacts(const Order& a, const Order& b) {
  return a.status == b.status && a.payment_status == b.payment_status && a.has_review == b.has_review;
}

TEST(Events, APaymentRefundAndReviewChangeTheOrderOnce) {
  auto order = InStatus(kCompleted, kProvider);
  auto paid = RecordPayment(order);
  ASSERT_TRUE(paid && *paid);
  EXPECT_EQ((*paid)->payment_status, PaymentStatus::kPaid);
  EXPECT_FALSE(*RecordPayment(**paid));  // already recorded: nothing to change
  auto refunded = RecordRefund(**paid);
  ASSERT_TRUE(refunded && *refunded);
  EXPECT_EQ((*refunded)->payment_status, PaymentStatus::kRefunded);
  EXPECT_FALSE(*RecordRefund(**refunded));

  auto reviewed = RecordReview(order);
  ASSERT_TRUE(reviewed && *reviewed);
  EXPECT_EQ((*reviewed)->status, kReviewed);
  EXPECT_TRUE((*reviewed)->has_review);
  EXPECT_FALSE(*RecordReview(**reviewed));
  // A cancelled order never completes: a review of it is only marked.
  auto cancelled = RecordReview(InStatus(kCancelled));
  ASSERT_TRUE(cancelled && *cancelled);
  EXPECT_EQ((*cancelled)->status, kCancelled);
  EXPECT_TRUE((*cancelled)->has_review);
}

TEST(Events, ARefundBeforeItsPaymentIsRecordedAndThePaymentThenChangesNothing) {
  auto order = InStatus(kCompleted, kProvider);
  auto refunded = RecordRefund(order);  // a completed refund implies the completed payment
  ASSERT_TRUE(refunded && *refunded);
  EXPECT_EQ((*refunded)->payment_status, PaymentStatus::kRefunded);
  auto late_payment = RecordPayment(**refunded);
  ASSERT_TRUE(late_payment);
  EXPECT_FALSE(*late_payment);
}

TEST(Events, AReviewBeforeTheOrderIsCompletedIsNotApplicableYet) {
  for (auto status : {kPendingReview, kPending, kAccepted, kInProgress}) {
    auto review = RecordReview(InStatus(status, kProvider));
    ASSERT_FALSE(review) << Name(status);
    EXPECT_EQ(review.refusal(), EventRefusal::kNotCompletedYet);
  }
  // Once completed it applies as if it had come then.
  auto order = InStatus(kInProgress, kProvider);
  auto completed = CompleteOrder(order, kProvider);
  ASSERT_TRUE(completed);
  EXPECT_EQ(After(*completed, RecordReview(*completed)).status, kReviewed);
}

// Every pair of the facts the consumer records, applied in both orders to an order in any status and payment
// state where both apply, ends in the same order.
TEST(Events, EveryPairOfFactsEndsTheSameInBothOrders) {
  using Fact = EventOutcome (*)(const Order&);
  auto apply = [](Fact fact, const Order& order) { return After(order, fact(order)); };
  const std::vector<std::pair<const char*, Fact>> facts = {
      {"payment", RecordPayment}, {"refund", RecordRefund}, {"review", RecordReview}};
  int compared = 0;
  for (auto status : kAllStatuses) {
    for (auto payment : {PaymentStatus::kUnpaid, PaymentStatus::kPaid, PaymentStatus::kRefunded}) {
      for (bool has_review : {false, true}) {
        auto order = InStatus(status, kProvider);
        order.payment_status = payment;
        order.has_review = has_review;
        for (const auto& [a_name, a] : facts) {
          for (const auto& [b_name, b] : facts) {
            if (a == b || !a(order) || !b(order)) continue;  // a refused fact waits; see the test above
            auto ab = apply(b, apply(a, order));
            auto ba = apply(a, apply(b, order));
            EXPECT_TRUE(SameFacts(ab, ba)) << a_name << " and " << b_name << " on " << Name(status);
            // Each is idempotent too: a second copy of a fact changes nothing.
            EXPECT_TRUE(SameFacts(apply(a, ab), ab));
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 0);
}

TEST(EditOrder, ReplacesTheGivenFieldsAndMovesTheStatusOnlyAlongAnAdminRow) {
  OrderEdit edit;
  edit.fields.title = "New title";
  edit.fields.price = 123;
  edit.status = kCompleted;
  auto edited = EditOrder(InStatus(kInProgress, kProvider), edit);
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->title, "New title");
  EXPECT_EQ(edited->price, 123);
  EXPECT_EQ(edited->location, "NORTH");
  EXPECT_EQ(edited->status, kCompleted);
  edit.status = kInProgress;  // the same status: no transition
  EXPECT_TRUE(EditOrder(InStatus(kInProgress, kProvider), edit));
  for (auto [from, to] : {std::pair{kPending, kAccepted}, std::pair{kCompleted, kReviewed},
                          std::pair{kCancelled, kPending}, std::pair{kInProgress, kCancelled}}) {
    edit.status = to;
    EXPECT_EQ(RefusalName(EditOrder(InStatus(from), edit)), "invalid_transition")
        << Name(from) << "->" << Name(to);
  }
}

TEST(EditOrder, TimesAreCheckedAgainstTheStoredOnes) {
  auto order = InStatus(kPending);
  order.service_start_time = time::ParseIso("2030-01-01T09:00:00Z");
  OrderFields change;
  change.service_end_time = time::ParseIso("2030-01-01T08:00:00Z");
  std::vector<FieldProblem> problems;
  CheckEdit(order, change, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "service_end_time");
}

TEST(PublishOrder, IsACustomersOrderAwaitingReview) {
  OrderFields fields;
  fields.title = "Fix the sink";
  fields.service_type = "cleaning_repair";
  fields.price = 20000;
  fields.location = "NORTH";
  auto order = PublishOrder(kCustomer, fields);
  EXPECT_EQ(order.customer_id, kCustomer);
  EXPECT_EQ(order.status, kPendingReview);
  EXPECT_EQ(order.payment_status, PaymentStatus::kUnpaid);
  EXPECT_EQ(order.price, 20000);
  EXPECT_FALSE(order.provider_id);
}

TEST(Lifecycle, AdminStatusEditsMapToTableActions) {
  EXPECT_EQ(AdminActionFor(kPendingReview, kPending), Action::kApprove);
  EXPECT_EQ(AdminActionFor(kPendingReview, kCancelled), Action::kReject);
  EXPECT_EQ(AdminActionFor(kAccepted, kCancelled), Action::kCancel);
  EXPECT_EQ(AdminActionFor(kAccepted, kInProgress), Action::kStart);
  EXPECT_EQ(AdminActionFor(kInProgress, kCompleted), Action::kComplete);
  EXPECT_FALSE(AdminActionFor(kPending, kAccepted));      // needs a provider
  EXPECT_FALSE(AdminActionFor(kCompleted, kReviewed));    // needs a review
  EXPECT_FALSE(AdminActionFor(kCancelled, kPending));     // cancelled is final
  EXPECT_FALSE(AdminActionFor(kInProgress, kCancelled));  // work started
}

TEST(OrderFields, BlankTitleAndTimeOrderAreProblems) {
  OrderFields f;
  f.title = "   ";
  f.service_start_time = time::ParseIso("2030-01-02T10:00:00Z");
  f.service_end_time = time::ParseIso("2030-01-02T09:00:00Z");
  std::vector<FieldProblem> problems;
  CheckFields(f, f.service_start_time, f.service_end_time, problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "title");
  EXPECT_EQ(problems[1].field, "service_end_time");
  EXPECT_EQ(problems[1].problem, "must be after service_start_time");

  problems.clear();
  f.title = "Fix the sink";
  f.service_end_time = f.service_start_time;  // equal is not after
  CheckFields(f, f.service_start_time, f.service_end_time, problems);
  EXPECT_EQ(problems.size(), 1u);

  problems.clear();
  f.service_start_time = time::ParseIso("1999-12-31T23:00:00Z");
  f.service_end_time = time::ParseIso("2200-01-01T00:00:00Z");
  CheckFields(f, f.service_start_time, f.service_end_time, problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].problem, "must be between 2000-01-01T00:00:00Z and 2199-12-31T23:59:59Z");
}

TEST(OrderFields, ATitleOfOnlyInvisibleCharactersIsBlank) {
  // \f, \v, U+00A0, U+2003, U+3000, U+FEFF, U+200B, U+0085, U+2028: each alone, then all together.
  const std::vector<std::string> blanks = {"\f",           "\v",           "\xC2\xA0",
                                           "\xE2\x80\x83", "\xE3\x80\x80", "\xEF\xBB\xBF",
                                           "\xE2\x80\x8B", "\xC2\x85",     "\xE2\x80\xA8"};
  std::string all;
  for (const auto& blank : blanks) all += blank;
  for (const auto& title : blanks) {
    for (const auto& text : {title, all}) {
      OrderFields f;
      f.title = text;
      std::vector<FieldProblem> problems;
      CheckFields(f, std::nullopt, std::nullopt, problems);
      ASSERT_EQ(problems.size(), 1u);
      EXPECT_EQ(problems[0].problem, "must not be blank");
    }
  }
}

TEST(OrderFields, AnUpdateIsCheckedAgainstTheStoredTimes) {
  OrderFields change;  // only the end changes, to before the stored start
  change.service_end_time = time::ParseIso("2030-01-01T08:00:00Z");
  std::vector<FieldProblem> problems;
  CheckFields(change, time::ParseIso("2030-01-01T09:00:00Z"), change.service_end_time, problems);
  ASSERT_EQ(problems.size(), 1u);
  // An update that touches no time does not re-judge stored ones.
  problems.clear();
  OrderFields title_only;
  title_only.title = "New title";
  CheckFields(title_only, time::ParseIso("2030-01-01T09:00:00Z"), time::ParseIso("2030-01-01T08:00:00Z"),
              problems);
  EXPECT_TRUE(problems.empty());
}

TEST(Lifecycle, NamesRoundTrip) {
  for (auto status : kAllStatuses) EXPECT_EQ(ParseStatus(Name(status)), status);
  EXPECT_FALSE(ParseStatus("paid"));
  EXPECT_FALSE(ParseStatus("PENDING"));
  for (auto p : {PaymentStatus::kUnpaid, PaymentStatus::kPaid, PaymentStatus::kRefunded}) {
    EXPECT_EQ(ParsePaymentStatus(Name(p)), p);
  }
}

}  // namespace
}  // namespace mp::order::domain

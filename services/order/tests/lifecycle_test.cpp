// The order state machine, checked exhaustively: every status x every action x every actor.
#include <set>
#include <tuple>

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
          EXPECT_THROW(Apply(status, action, actor), ApiError) << where;
        } else {
          ++allowed;
          ASSERT_TRUE(next) << where << " should be allowed";
          EXPECT_EQ(*next, it->second) << where;
          EXPECT_EQ(Apply(status, action, actor), it->second) << where;
        }
      }
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(Expected().size()));
  EXPECT_EQ(Transitions().size(), Expected().size());
}

ApiError Refusal(Status from, Action action, Actor actor) {
  try {
    Apply(from, action, actor);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a refusal";
  return ApiError::Internal();
}

TEST(Lifecycle, RefusalsAreConflictsWithTheContractsMessages) {
  auto e = Refusal(kAccepted, Action::kAccept, Actor::kProvider);
  EXPECT_EQ(e.kind(), ApiError::Kind::kConflict);
  EXPECT_EQ(e.error(), "The order has already been accepted!");
  EXPECT_EQ(Refusal(kPendingReview, Action::kAccept, Actor::kProvider).code(), "order_not_available");
  EXPECT_EQ(Refusal(kInProgress, Action::kCancel, Actor::kCustomer).error(), "The order cannot be cancelled!");
  EXPECT_EQ(Refusal(kPending, Action::kStart, Actor::kProvider).error(), "Order must be accepted before starting");
  EXPECT_EQ(Refusal(kAccepted, Action::kComplete, Actor::kProvider).error(), "Order must be in progress before completing");
  EXPECT_EQ(Refusal(kPending, Action::kApprove, Actor::kAdmin).error(), "Only pending_review orders can be approved/rejected");
  // A customer can never accept, not even a pending order.
  EXPECT_EQ(Refusal(kPending, Action::kAccept, Actor::kCustomer).kind(), ApiError::Kind::kConflict);
}

TEST(Lifecycle, AdminStatusEditsMapToTableActions) {
  EXPECT_EQ(AdminActionFor(kPendingReview, kPending), Action::kApprove);
  EXPECT_EQ(AdminActionFor(kPendingReview, kCancelled), Action::kReject);
  EXPECT_EQ(AdminActionFor(kAccepted, kCancelled), Action::kCancel);
  EXPECT_EQ(AdminActionFor(kAccepted, kInProgress), Action::kStart);
  EXPECT_EQ(AdminActionFor(kInProgress, kCompleted), Action::kComplete);
  EXPECT_FALSE(AdminActionFor(kPending, kAccepted));     // needs a provider
  EXPECT_FALSE(AdminActionFor(kCompleted, kReviewed));   // needs a review
  EXPECT_FALSE(AdminActionFor(kCancelled, kPending));    // cancelled is final
  EXPECT_FALSE(AdminActionFor(kInProgress, kCancelled));  // work started
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

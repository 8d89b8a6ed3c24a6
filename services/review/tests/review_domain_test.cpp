// The review rules and decisions on their own (links mp_review_domain only): the review text, who may
// review which order, and the rating maths and rounding.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "services/review/src/domain/review.hpp"

namespace mp::review::domain {
namespace {

OrderFacts Reviewable() {
  return OrderFacts{.order_id = 7,
                    .customer_id = 11,
                    .provider_id = 22,
                    .status = "completed",
                    .payment_status = "paid",
                    .has_review = false};
}

// The refusal of SubmitReview, or nullopt when the review was made.
std::optional<ReviewRefusal> RefusalFor(const OrderFacts& order, std::int64_t caller = 11) {
  auto review = SubmitReview(order, caller, NewReview{order.order_id, 5, std::nullopt}, time::Now());
  if (review) return std::nullopt;
  return review.refusal();
}

OrderFacts With(std::string status, std::string payment_status, bool has_review = false) {
  auto order = Reviewable();
  order.status = std::move(status);
  order.payment_status = std::move(payment_status);
  order.has_review = has_review;
  return order;
}

TEST(SubmitReview, TheCustomerOfACompletedPaidOrderReviewsItsProvider) {
  const auto now = time::FromUnixSeconds(1'761'382'800);
  auto review = SubmitReview(Reviewable(), 11, NewReview{7, 4, "Good"}, now);
  ASSERT_TRUE(review);
  EXPECT_EQ(review->order_id, 7);
  EXPECT_EQ(review->customer_id, 11);
  EXPECT_EQ(review->provider_id, 22);
  EXPECT_EQ(review->stars, 4);
  EXPECT_EQ(review->content, "Good");
  EXPECT_EQ(review->created_at, now);
  EXPECT_FALSE(SubmitReview(Reviewable(), 11, NewReview{7, 1, std::nullopt}, now)->content);
}

TEST(SubmitReview, SomeoneElsesOrderIsNotYours) {
  EXPECT_EQ(RefusalFor(Reviewable(), 12), ReviewRefusal::kNotYourOrder);
}

TEST(SubmitReview, OwnershipIsCheckedBeforeTheOrdersState) {
  // Someone else's reviewed order is "not yours", never "already reviewed".
  EXPECT_EQ(RefusalFor(With("reviewed", "paid", true), 99), ReviewRefusal::kNotYourOrder);
  EXPECT_EQ(RefusalFor(With("pending", "unpaid"), 99), ReviewRefusal::kNotYourOrder);
}

TEST(SubmitReview, AnOrderIsReviewedOnlyOnce) {
  EXPECT_EQ(RefusalFor(With("reviewed", "paid", true)), ReviewRefusal::kAlreadyReviewed);
  EXPECT_EQ(RefusalFor(With("reviewed", "paid", false)), ReviewRefusal::kAlreadyReviewed);
  EXPECT_EQ(RefusalFor(With("completed", "paid", true)), ReviewRefusal::kAlreadyReviewed);
}

TEST(SubmitReview, OnlyCompletedOrdersCanBeReviewed) {
  for (const char* status : {"pending_review", "pending", "accepted", "in_progress", "cancelled"}) {
    EXPECT_EQ(RefusalFor(With(status, "unpaid")), ReviewRefusal::kNotCompleted) << status;
  }
}

TEST(SubmitReview, ARefundedOrderCannotBeReviewed) {
  EXPECT_EQ(RefusalFor(With("completed", "refunded")), ReviewRefusal::kRefunded);
}

TEST(SubmitReview, AnUnpaidOrderCannotBeReviewed) {
  EXPECT_EQ(RefusalFor(With("completed", "unpaid")), ReviewRefusal::kNotPaid);
}

TEST(SubmitReview, AnOrderWithoutProviderCannotBeReviewed) {
  auto order = Reviewable();
  order.provider_id.reset();
  EXPECT_EQ(RefusalFor(order), ReviewRefusal::kNoProvider);
  order.provider_id = 0;
  EXPECT_EQ(RefusalFor(order), ReviewRefusal::kNoProvider);
}

TEST(ContentProblem, TextMayHoldTabsAndLineBreaksButNoOtherControlCharacters) {
  EXPECT_FALSE(ContentProblem(""));
  EXPECT_FALSE(ContentProblem("Line one\nline two\r\n\tindented"));
  EXPECT_FALSE(ContentProblem("\xc3\xa4 umlaut"));
  EXPECT_EQ(ContentProblem("bell\x07"), "must not contain control characters");
  EXPECT_EQ(ContentProblem(std::string("nul\0x", 5)), "must not contain control characters");
  EXPECT_EQ(ContentProblem("del\x7f"), "must not contain control characters");
}

TEST(Rating, TheMeanIsRoundedHalfUpToHundredthsOnIntegers) {
  EXPECT_EQ(AverageHundredths({1, 5}), 500);
  EXPECT_EQ(AverageHundredths({2, 7}), 350);
  EXPECT_EQ(AverageHundredths({3, 10}), 333);     // 3.333...
  EXPECT_EQ(AverageHundredths({3, 5}), 167);      // 1.666... up
  EXPECT_EQ(AverageHundredths({8, 9}), 113);      // 1.125 exactly: half up
  EXPECT_EQ(AverageHundredths({40, 107}), 268);   // 2.675: binary floating point would give 2.67
  EXPECT_EQ(AverageHundredths({6, 29}), 483);     // 4.8333...
  EXPECT_EQ(AverageHundredths({7, 31}), 443);     // 4.428571...
  EXPECT_EQ(AverageHundredths({200, 999}), 500);  // 4.995: half up
  // Far beyond the reference's 100-review cap, still exact.
  EXPECT_EQ(AverageHundredths({1'000'000, 4'123'455}), 412);  // 4.123455
  EXPECT_EQ(AverageHundredths({1'000'000, 4'125'000}), 413);  // 4.125 exactly: half up
}

TEST(Rating, NoReviewsShowsTheReferenceDefault) {
  EXPECT_EQ(AverageRating({}), 5.0);
  EXPECT_EQ(AverageRating({0, 0}), kUnratedAverage);
}

TEST(Rating, TheAverageIsTheNearestHundredthOfTheExactMean) {
  for (std::int64_t n = 1; n <= 300; ++n) {
    for (std::int64_t sum = n; sum <= 5 * n; ++sum) {
      const double exact = static_cast<double>(sum) / static_cast<double>(n);
      ASSERT_LE(std::abs(AverageRating({n, sum}) - exact), 0.005 + 1e-9) << n << " " << sum;
      ASSERT_EQ(AverageRating({n, sum}), static_cast<double>(AverageHundredths({n, sum})) / 100.0);
    }
  }
}

TEST(ReviewId, IsTheOrderIdAsText) { EXPECT_EQ(ReviewId(123), "123"); }

}  // namespace
}  // namespace mp::review::domain

// The notices each marketplace event makes, and the rules of an admin's message (links
// mp_notification_domain only: no JSON, no server).
#include "services/notification/src/domain/notice.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mp::notification::domain {

void PrintTo(const Notice& n, std::ostream* os) {
  *os << InboxName(n.inbox) << ":" << n.recipient_id << " order "
      << (n.order_id ? std::to_string(*n.order_id) : "null") << " \"" << n.message << "\"";
}

namespace {

using ::testing::ElementsAre;

Notice C(std::int64_t customer, std::int64_t order, std::string text) {
  return {Inbox::kCustomer, customer, order, std::move(text)};
}
Notice P(std::int64_t provider, std::int64_t order, std::string text) {
  return {Inbox::kProvider, provider, order, std::move(text)};
}

// `Event` about order 12 of customer 3 (and `rest`) made with provider 9 tells the customer `to_customer`
// and the provider `to_provider`; made without a provider, the customer alone.
template <class Event, class... Rest>
void ExpectTheProviderToldOnlyWhenThereIsOne(const std::string& to_customer, const std::string& to_provider,
                                             Rest... rest) {
  EXPECT_THAT(NoticesFor(Event{{{12, 3}, 9}, rest...}),
              ElementsAre(C(3, 12, to_customer), P(9, 12, to_provider)));
  EXPECT_THAT(NoticesFor(Event{{{12, 3}, std::nullopt}, rest...}), ElementsAre(C(3, 12, to_customer)));
}

TEST(NoticesForTest, OrderCreatedTellsTheCustomer) {
  EXPECT_THAT(NoticesFor(OrderCreated{{12, 3}}),
              ElementsAre(C(3, 12, "You have successfully published the order: 12.")));
}

TEST(NoticesForTest, OrderApprovedAndRejectedTellTheCustomer) {
  EXPECT_THAT(
      NoticesFor(OrderApproved{{12, 3}}),
      ElementsAre(C(
          3, 12, "Your order 12 has been approved by admin. It is now available for providers to accept.")));
  EXPECT_THAT(NoticesFor(OrderRejected{{12, 3}, "Too vague"}),
              ElementsAre(C(3, 12, "Your order 12 has been rejected by admin. Reason: Too vague")));
}

TEST(NoticesForTest, OrderAcceptedTellsBoth) {
  EXPECT_THAT(NoticesFor(OrderAccepted{{12, 3}, 9}),
              ElementsAre(C(3, 12, "Your order: 12 has been accepted by provider: 9."),
                          P(9, 12, "You have successfully accepted the order: 12.")));
}

TEST(NoticesForTest, StatusChangedTellsTheProviderOnlyWhenThereIsOne) {
  ExpectTheProviderToldOnlyWhenThereIsOne<OrderStatusChanged>(
      "Order 12 status updated to in_progress.", "Order 12 status updated to in_progress.", "in_progress");
}

TEST(NoticesForTest, CancelledTellsTheProviderWhenOneHadAccepted) {
  ExpectTheProviderToldOnlyWhenThereIsOne<OrderCancelled>("You have successfully cancelled the order: 12.",
                                                          "Order 12 has been cancelled by customer.");
}

TEST(NoticesForTest, PaymentCompletedTellsTheProviderWhenThereIsOne) {
  ExpectTheProviderToldOnlyWhenThereIsOne<PaymentCompleted>("Payment for order 12 completed successfully.",
                                                            "Payment for order 12 received.");
}

TEST(NoticesForTest, PaymentFailedTellsTheCustomer) {
  EXPECT_THAT(NoticesFor(PaymentFailed{{12, 3}}),
              ElementsAre(C(3, 12, "Payment for order 12 failed. Please try again.")));
}

TEST(NoticesForTest, ACompletedRefundTellsBothAndARejectedOneTheCustomerWithTheReason) {
  ExpectTheProviderToldOnlyWhenThereIsOne<RefundCompleted>("Refund for order 12 completed.",
                                                           "Refund for order 12 completed.");
  EXPECT_THAT(NoticesFor(RefundRejected{{12, 3}, "work was done"}),
              ElementsAre(C(3, 12, "Refund for order 12 was rejected: work was done.")));
}

TEST(NoticesForTest, ReviewCreatedTellsBothWithTheStars) {
  EXPECT_THAT(NoticesFor(ReviewCreated{{12, 3}, 9, 4}),
              ElementsAre(C(3, 12, "You have successfully reviewed order 12."),
                          P(9, 12, "Customer has reviewed your order 12 with 4 stars.")));
}

TEST(NoticesForTest, LargeIdsAreKeptExactly) {
  const std::int64_t big = 9'007'199'254'740'993;  // above 2^53: would be rounded as a double
  EXPECT_THAT(NoticesFor(OrderCreated{{big, big}}),
              ElementsAre(C(big, big, "You have successfully published the order: 9007199254740993.")));
}

TEST(AdminMessageTest, TrimsSurroundingWhitespace) {
  EXPECT_EQ(TrimAdminMessage("  Hello\n there \t\n"), "Hello\n there");
  EXPECT_EQ(TrimAdminMessage(" \n\t "), "");
  EXPECT_EQ(TrimAdminMessage("x"), "x");
}

TEST(AdminMessageTest, AcceptsOneToTwoThousandCharacters) {
  EXPECT_FALSE(AdminMessageProblem("x"));
  EXPECT_FALSE(AdminMessageProblem("Line one\r\nLine two\twith tab"));
  EXPECT_FALSE(AdminMessageProblem(std::string(2000, 'a')));
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "é";  // 2000 characters, 4000 bytes
  EXPECT_FALSE(AdminMessageProblem(accents));
  EXPECT_EQ(AdminMessageProblem(""), "must not be empty or only whitespace");
  EXPECT_EQ(AdminMessageProblem(std::string(2001, 'a')), "must be at most 2000 characters");
  EXPECT_EQ(AdminMessageProblem(std::string("a\0b", 3)), "must not contain control characters");
  EXPECT_EQ(AdminMessageProblem("bell\a"), "must not contain control characters");
  EXPECT_EQ(AdminMessageProblem("\xff\xfe"), "must be valid UTF-8");
}

TEST(InboxTest, Names) {
  EXPECT_EQ(InboxName(Inbox::kCustomer), "customer");
  EXPECT_EQ(InboxName(Inbox::kProvider), "provider");
}

}  // namespace
}  // namespace mp::notification::domain

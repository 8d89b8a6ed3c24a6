// Events as they arrive on the queue (routing key and JSON body) to notices: reading every handled event's
// payload, the events without notices, unknown types, and payloads that can never make notices (poison).
#include "services/notification/src/events/inbox_events.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mp::notification::domain {

void PrintTo(const Notice& n, std::ostream* os) {
  *os << InboxName(n.inbox) << ":" << n.recipient_id << " order "
      << (n.order_id ? std::to_string(*n.order_id) : "null") << " \"" << n.message << "\"";
}

}  // namespace mp::notification::domain

namespace mp::notification::events {
namespace {

using domain::Inbox;
using domain::Notice;
using Json = nlohmann::json;

Notice C(std::int64_t customer, std::int64_t order, std::string text) {
  return {Inbox::kCustomer, customer, order, std::move(text)};
}
Notice P(std::int64_t provider, std::int64_t order, std::string text) {
  return {Inbox::kProvider, provider, order, std::move(text)};
}

// An event body as the producers send it: event_id, event_type, occurred_at and the payload fields.
Json Body(const std::string& type, Json fields) {
  fields["event_id"] = "6f1c2a9e-1b7d-4c3e-9a55-0d2f3b4c5d6e";
  fields["event_type"] = type;
  fields["occurred_at"] = "2025-10-25T09:00:00Z";
  return fields;
}

std::vector<Notice> Map(const std::string& type, Json fields) {
  auto notices = NoticesForEvent(type, Body(type, std::move(fields)));
  if (!notices) throw std::logic_error("event type not handled: " + type);
  return *notices;
}

// `fields` (order 12 of customer 3, provider_id 9) tell the customer `to_customer` and the provider
// `to_provider`; with provider_id null, the customer alone.
void ExpectTheProviderToldOnlyWhenThereIsOne(const std::string& type, Json fields,
                                             const std::string& to_customer, const std::string& to_provider) {
  SCOPED_TRACE(type);
  EXPECT_THAT(Map(type, fields), ::testing::ElementsAre(C(3, 12, to_customer), P(9, 12, to_provider)));
  fields["provider_id"] = nullptr;
  EXPECT_THAT(Map(type, fields), ::testing::ElementsAre(C(3, 12, to_customer)));
}

TEST(ReadInboxEventTest, ReadsTheFactsEachEventCarries) {
  Json refund = {
      {"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}, {"status", "rejected"}, {"reason", "done"}};
  auto rejected = ReadInboxEvent("refund.processed", Body("refund.processed", refund));
  ASSERT_TRUE(rejected);
  ASSERT_TRUE(std::holds_alternative<domain::RefundRejected>(*rejected));
  EXPECT_EQ(std::get<domain::RefundRejected>(*rejected).reason, "done");

  Json fields = {{"order_id", 12}, {"customer_id", 3}, {"provider_id", 0}, {"new_status", "completed"}};
  auto changed = ReadInboxEvent("order.status_changed", Body("order.status_changed", fields));
  ASSERT_TRUE(changed);
  const auto& facts = std::get<domain::OrderStatusChanged>(*changed);
  EXPECT_EQ(facts.order_id, 12);
  EXPECT_EQ(facts.customer_id, 3);
  EXPECT_FALSE(facts.provider_id);  // 0 is "no provider", as the reference tests it
  EXPECT_EQ(facts.new_status, "completed");

  // Events without notices are no inbox event.
  EXPECT_FALSE(ReadInboxEvent("order.deleted", Body("order.deleted", {{"order_id", 12}})));
}

TEST(NoticesForEventTest, OrderCreatedTellsTheCustomer) {
  EXPECT_THAT(Map("order.created", {{"order_id", 12},
                                    {"customer_id", 3},
                                    {"title", "Fix sink"},
                                    {"price", 200.0},
                                    {"location", "NORTH"}}),
              ::testing::ElementsAre(C(3, 12, "You have successfully published the order: 12.")));
}

TEST(NoticesForEventTest, OrderApprovedAndRejected) {
  EXPECT_THAT(
      Map("order.approved", {{"order_id", 12}, {"customer_id", 3}}),
      ::testing::ElementsAre(C(
          3, 12, "Your order 12 has been approved by admin. It is now available for providers to accept.")));
  EXPECT_THAT(
      Map("order.rejected", {{"order_id", 12}, {"customer_id", 3}, {"reject_reason", "Too vague"}}),
      ::testing::ElementsAre(C(3, 12, "Your order 12 has been rejected by admin. Reason: Too vague")));
}

TEST(NoticesForEventTest, OrderAcceptedTellsBoth) {
  EXPECT_THAT(Map("order.accepted", {{"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}}),
              ::testing::ElementsAre(C(3, 12, "Your order: 12 has been accepted by provider: 9."),
                                     P(9, 12, "You have successfully accepted the order: 12.")));
}

TEST(NoticesForEventTest, StatusChangedTellsTheProviderOnlyWhenThereIsOne) {
  Json fields = {{"order_id", 12},
                 {"customer_id", 3},
                 {"provider_id", 9},
                 {"old_status", "accepted"},
                 {"new_status", "in_progress"}};
  ExpectTheProviderToldOnlyWhenThereIsOne("order.status_changed", fields,
                                          "Order 12 status updated to in_progress.",
                                          "Order 12 status updated to in_progress.");
  fields["provider_id"] = 0;  // not truthy, as the reference tests it
  EXPECT_EQ(Map("order.status_changed", fields).size(), 1u);
  fields.erase("provider_id");
  EXPECT_EQ(Map("order.status_changed", fields).size(), 1u);
}

TEST(NoticesForEventTest, CancelledTellsTheProviderWhenOneHadAccepted) {
  ExpectTheProviderToldOnlyWhenThereIsOne(
      "order.cancelled", {{"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}},
      "You have successfully cancelled the order: 12.", "Order 12 has been cancelled by customer.");
}

TEST(NoticesForEventTest, PaymentCompletedAndFailed) {
  Json completed = {
      {"payment_id", 5}, {"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}, {"amount", 200.0}};
  ExpectTheProviderToldOnlyWhenThereIsOne("payment.completed", completed,
                                          "Payment for order 12 completed successfully.",
                                          "Payment for order 12 received.");
  EXPECT_THAT(Map("payment.failed",
                  {{"payment_id", 5}, {"order_id", 12}, {"customer_id", 3}, {"reason", "declined"}}),
              ::testing::ElementsAre(C(3, 12, "Payment for order 12 failed. Please try again.")));
}

TEST(NoticesForEventTest, RefundProcessed) {
  Json fields = {{"refund_id", 4},  {"order_id", 12},        {"customer_id", 3},   {"provider_id", 9},
                 {"amount", 200.0}, {"status", "completed"}, {"reason", "no show"}};
  ExpectTheProviderToldOnlyWhenThereIsOne("refund.processed", fields, "Refund for order 12 completed.",
                                          "Refund for order 12 completed.");
  fields["status"] = "rejected";
  fields["reason"] = "work was done";
  EXPECT_THAT(Map("refund.processed", fields),
              ::testing::ElementsAre(C(3, 12, "Refund for order 12 was rejected: work was done.")));
}

TEST(NoticesForEventTest, ReviewCreatedTellsBoth) {
  EXPECT_THAT(Map("review.created", {{"review_id", "12"},
                                     {"order_id", 12},
                                     {"customer_id", 3},
                                     {"provider_id", 9},
                                     {"stars", 4},
                                     {"content", ""}}),
              ::testing::ElementsAre(C(3, 12, "You have successfully reviewed order 12."),
                                     P(9, 12, "Customer has reviewed your order 12 with 4 stars.")));
}

TEST(NoticesForEventTest, KnownEventsWithoutNoticeMakeAnEmptyList) {
  EXPECT_THAT(Map("order.deleted", {{"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}}),
              ::testing::IsEmpty());
  EXPECT_THAT(Map("payment.initiated", {{"payment_id", 5}, {"order_id", 12}}), ::testing::IsEmpty());
  EXPECT_THAT(Map("refund.requested", {{"refund_id", 4}}), ::testing::IsEmpty());
}

TEST(NoticesForEventTest, UnknownEventTypesAreNotHandled) {
  EXPECT_FALSE(NoticesForEvent("order.exploded", Body("order.exploded", {{"order_id", 1}})));
  EXPECT_FALSE(NoticesForEvent("rating.updated", Body("rating.updated", {{"provider_id", 1}})));
  EXPECT_FALSE(NoticesForEvent("", Json::object()));
}

TEST(NoticesForEventTest, LargeIdsAreKeptExactly) {
  std::int64_t big = 9'007'199'254'740'993;  // above 2^53: would be rounded as a double
  auto notices = Map("order.created", {{"order_id", big}, {"customer_id", big}});
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].recipient_id, big);
  EXPECT_EQ(notices[0].message, "You have successfully published the order: 9007199254740993.");
}

struct BadPayload {
  std::string type;
  Json fields;
};

class UnmappableEventTest : public ::testing::TestWithParam<BadPayload> {};

TEST_P(UnmappableEventTest, IsAPoisonMessage) {
  const auto& bad = GetParam();
  try {
    NoticesForEvent(bad.type, Body(bad.type, bad.fields));
    FAIL() << "mapped " << bad.type << " " << bad.fields.dump();
  } catch (const UnmappableEvent& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr(bad.type));
  }
}

INSTANTIATE_TEST_SUITE_P(
    MissingOrIllTypedFields, UnmappableEventTest,
    ::testing::Values(
        BadPayload{"order.created", {{"customer_id", 3}}},
        BadPayload{"order.created", {{"order_id", "12"}, {"customer_id", 3}}},
        BadPayload{"order.created", {{"order_id", 12.0}, {"customer_id", 3}}},
        BadPayload{"order.created", {{"order_id", true}, {"customer_id", 3}}},
        BadPayload{"order.created", {{"order_id", -12}, {"customer_id", 3}}},
        BadPayload{"order.created", {{"order_id", 12}, {"customer_id", nullptr}}},
        BadPayload{"order.created", {{"order_id", 12}, {"customer_id", 0}}},
        BadPayload{"order.created", {{"order_id", 12}, {"customer_id", 18'446'744'073'709'551'615ULL}}},
        BadPayload{"order.approved", {{"order_id", 12}}},
        BadPayload{"order.rejected", {{"order_id", 12}, {"customer_id", 3}}},
        BadPayload{"order.rejected", {{"order_id", 12}, {"customer_id", 3}, {"reject_reason", 5}}},
        BadPayload{"order.accepted", {{"order_id", 12}, {"customer_id", 3}}},
        BadPayload{"order.accepted", {{"order_id", 12}, {"customer_id", 3}, {"provider_id", nullptr}}},
        BadPayload{"order.accepted", {{"order_id", 12}, {"customer_id", 3}, {"provider_id", "9"}}},
        BadPayload{"order.status_changed", {{"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}}},
        BadPayload{"order.status_changed", {{"order_id", 12}, {"customer_id", 3}, {"new_status", ""}}},
        BadPayload{"order.status_changed",
                   {{"order_id", 12}, {"customer_id", 3}, {"new_status", "x"}, {"provider_id", "9"}}},
        BadPayload{"order.cancelled", {{"order_id", 12}, {"customer_id", 3}, {"provider_id", -9}}},
        BadPayload{"payment.completed",
                   {{"order_id", 12}, {"customer_id", 3}, {"provider_id", Json::array()}}},
        BadPayload{"payment.failed", {{"customer_id", 3}}},
        BadPayload{"refund.processed", {{"order_id", 12}, {"customer_id", 3}}},
        BadPayload{"refund.processed", {{"order_id", 12}, {"customer_id", 3}, {"status", "pending"}}},
        BadPayload{"refund.processed", {{"order_id", 12}, {"customer_id", 3}, {"status", "rejected"}}},
        BadPayload{"review.created", {{"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}}},
        BadPayload{"review.created",
                   {{"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}, {"stars", 6}}},
        BadPayload{"review.created",
                   {{"order_id", 12}, {"customer_id", 3}, {"provider_id", 9}, {"stars", 4.5}}},
        BadPayload{"review.created", {{"order_id", 12}, {"customer_id", 3}, {"stars", 4}}}));

TEST(UnmappableEventTest, NonObjectBodyIsAPoisonMessage) {
  EXPECT_THROW(NoticesForEvent("order.created", Json::array({1, 2})), UnmappableEvent);
  EXPECT_THROW(NoticesForEvent("order.created", Json("text")), UnmappableEvent);
}

}  // namespace
}  // namespace mp::notification::events

#include <gtest/gtest.h>

#include "libs/bus/topology.hpp"
#include "libs/core/error.hpp"
#include "services/notification/src/api/inbox_api.hpp"
#include "services/notification/src/api/refusals.hpp"
#include "services/notification/src/events/event_handler.hpp"
#include "services/notification/src/store/inbox_cache.hpp"
#include "services/notification/src/store/inbox_store.hpp"

namespace mp::notification {
namespace {

domain::Notification Sample(domain::Inbox inbox, std::optional<std::int64_t> order_id) {
  return {"65a1b2c3d4e5f60718293a4b",           inbox, 42, order_id, "Order 7 status updated to completed.",
          time::FromUnixSeconds(1'761'382'800), false};
}

TEST(ItemJsonTest, CustomerItemHasEveryKeyWithProviderNull) {
  auto json = api::ItemJson(Sample(domain::Inbox::kCustomer, 7));
  EXPECT_EQ(json, nlohmann::json::parse(R"({
    "id": "65a1b2c3d4e5f60718293a4b", "customer_id": 42, "provider_id": null, "order_id": 7,
    "message": "Order 7 status updated to completed.", "created_at": "2025-10-25T09:00:00Z", "is_read": false})"));
}

TEST(ItemJsonTest, ProviderItemHasCustomerNullAndAdminNoticesHaveNoOrder) {
  auto item = Sample(domain::Inbox::kProvider, std::nullopt);
  item.is_read = true;
  auto json = api::ItemJson(item);
  EXPECT_TRUE(json.contains("customer_id"));
  EXPECT_TRUE(json["customer_id"].is_null());
  EXPECT_EQ(json["provider_id"], 42);
  EXPECT_TRUE(json.contains("order_id"));
  EXPECT_TRUE(json["order_id"].is_null());
  EXPECT_EQ(json["is_read"], true);
  EXPECT_EQ(json.size(), 7u);
}

TEST(ToApiErrorTest, AuthFailuresKeepTheirStatusCodeAndText) {
  using clients::UserLookupFailure;
  using Kind = ApiError::Kind;
  struct Case {
    UserLookupFailure failure;
    Kind kind;
    std::string code;
    std::string error;
  };
  for (const auto& c : std::vector<Case>{
           {UserLookupFailure::kNotFound, Kind::kNotFound, "user_not_found", "User not found"},
           {UserLookupFailure::kTokenRejected, Kind::kUnauthorized, "token_rejected",
            "Token rejected by the auth service"},
           {UserLookupFailure::kForbidden, Kind::kForbidden, "forbidden", "Permission denied"},
           {UserLookupFailure::kTimedOut, Kind::kUnavailable, "auth_unavailable",
            "Auth service unavailable: timed out"},
           {UserLookupFailure::kUnreachable, Kind::kUnavailable, "auth_unavailable",
            "Auth service unavailable: unreachable"},
           {UserLookupFailure::kUnexpectedAnswer, Kind::kUnavailable, "auth_unavailable",
            "Auth service unavailable: unexpected answer"},
       }) {
    const ApiError error = api::ToApiError(c.failure);
    EXPECT_EQ(error.kind(), c.kind) << c.code;
    EXPECT_EQ(error.code(), c.code);
    EXPECT_EQ(error.error(), c.error);
  }
}

TEST(InboxCacheTest, KeysAndLatestNotice) {
  EXPECT_EQ(store::ViewKey(domain::Inbox::kCustomer, 42), "notification:inbox:{customer:42}");
  EXPECT_EQ(store::ViewKey(domain::Inbox::kProvider, 9), "notification:inbox:{provider:9}");
  EXPECT_EQ(store::OrderKey(7), "notification:order:7");
  auto latest = store::LatestNoticeJson(Sample(domain::Inbox::kProvider, 7));
  EXPECT_EQ(latest["inbox"], "provider");
  EXPECT_EQ(latest["recipient_id"], 42);
  EXPECT_EQ(latest["order_id"], 7);
  EXPECT_EQ(latest["created_at"], "2025-10-25T09:00:00Z");
}

TEST(InboxCacheTest, ViewEntriesRoundTripAndRejectAnythingElse) {
  for (auto sample : {Sample(domain::Inbox::kProvider, 7), Sample(domain::Inbox::kCustomer, std::nullopt)}) {
    sample.created_at += std::chrono::milliseconds(123);
    auto back = store::FromViewEntry(sample.inbox, 42, sample.id, store::ViewEntry(sample));
    EXPECT_EQ(api::ItemJson(back), api::ItemJson(sample));
    EXPECT_EQ(back.created_at, sample.created_at);
  }
  for (const char* bad : {"", "{not json", "[]", "{}", R"({"o":"7","m":"x","t":1})", R"({"o":7,"m":3,"t":1})",
                          R"({"o":null,"m":"x","t":"1"})", R"({"o":null,"m":"x"})"}) {
    EXPECT_THROW(store::FromViewEntry(domain::Inbox::kCustomer, 42, "id", bad), std::invalid_argument) << bad;
  }
}

TEST(InboxStoreTest, CollectionsAndRecipientFields) {
  EXPECT_EQ(store::CollectionName(domain::Inbox::kCustomer), "customer_inbox");
  EXPECT_EQ(store::CollectionName(domain::Inbox::kProvider), "provider_inbox");
  EXPECT_EQ(store::RecipientField(domain::Inbox::kCustomer), "customer_id");
  EXPECT_EQ(store::RecipientField(domain::Inbox::kProvider), "provider_id");
}

TEST(NotificationQueueTest, BindsEveryEventFamilyToOneDurableQueue) {
  auto spec = events::NotificationQueue();
  EXPECT_EQ(spec.queue, "notification.events");
  std::vector<std::pair<std::string, std::string>> expected = {{"order_events", "order.*"},
                                                               {"payment_events", "payment.*"},
                                                               {"payment_events", "refund.*"},
                                                               {"review_events", "review.*"}};
  EXPECT_EQ(spec.bindings, expected);
  EXPECT_EQ(spec.bindings, bus::SubscriptionsOf(spec.queue)) << "the topology declares what the queue binds";
  EXPECT_GT(spec.max_attempts, 1);
  EXPECT_LE(spec.max_attempts, 10);
}

}  // namespace
}  // namespace mp::notification

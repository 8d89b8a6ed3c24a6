// What other programs read from us and how we speak SQL: the OrderDetail JSON, the refusals' answers, the
// event payloads, the LIKE pattern, the schema including the library's outbox migrations.
#include <gtest/gtest.h>

#include "libs/bus/sql_outbox.hpp"

#include "libs/bus/topology.hpp"
#include "services/order/src/api/order_api.hpp"
#include "services/order/src/api/refusals.hpp"
#include "services/order/src/domain/order.hpp"
#include "services/order/src/events/order_events.hpp"
#include "services/order/src/store/migrations.hpp"

namespace mp::order {
namespace {

using domain::Status;

TEST(Schema, MigrationsIncludeEverySharedOutboxMigration) {
  EXPECT_EQ(bus::MissingOutboxMigrations(store::Migrations()), std::vector<std::string>{});
}

TEST(OrderStore, LikeWildcardsAreEscaped) {
  EXPECT_EQ(store::LikeContains("50%_off!"), "%50!%!_off!!%");
  EXPECT_EQ(store::LikeContains("plain"), "%plain%");
}

domain::Order Sample() {
  domain::Order o;
  o.id = 7;
  o.customer_id = 3;
  o.title = "Fix the sink";
  o.service_type = "cleaning_repair";
  o.price = 20000;
  o.location = "NORTH";
  o.created_at = o.updated_at = *time::ParseIso("2025-10-17T10:00:00Z");
  return o;
}

TEST(Refusals, AreAnsweredWithTheContractsStatusesCodesAndTexts) {
  using enum domain::OrderRefusal;
  using Kind = ApiError::Kind;
  struct Row {
    domain::OrderRefusal refusal;
    Kind kind;
    std::string code, error;
  };
  const std::vector<Row> rows = {
      {kNotYourOrder, Kind::kForbidden, "forbidden", "Permission denied"},
      {kNotAssignedToYou, Kind::kForbidden, "forbidden", "Permission denied: not your order"},
      {kNotPendingReview, Kind::kConflict, "order_not_pending_review",
       "Only pending_review orders can be approved/rejected"},
      {kNotCancellable, Kind::kConflict, "order_not_cancellable", "The order cannot be cancelled!"},
      {kNotAvailable, Kind::kConflict, "order_not_available",
       "This order is no longer available for acceptance"},
      {kAlreadyAccepted, Kind::kConflict, "order_already_accepted", "The order has already been accepted!"},
      {kNotAccepted, Kind::kConflict, "order_not_accepted", "Order must be accepted before starting"},
      {kNotInProgress, Kind::kConflict, "order_not_in_progress",
       "Order must be in progress before completing"},
      {kNotCompleted, Kind::kConflict, "order_not_completed", "Only completed orders can be reviewed"},
  };
  auto order = Sample();
  for (const auto& row : rows) {
    auto error = api::ToApiError(row.refusal, order);
    EXPECT_EQ(error.kind(), row.kind) << row.code;
    EXPECT_EQ(error.code(), row.code);
    EXPECT_EQ(error.error(), row.error);
  }
  order.status = Status::kCancelled;
  auto invalid = api::ToApiError(kInvalidTransition, order, Status::kPending);
  EXPECT_EQ(invalid.kind(), Kind::kConflict);
  EXPECT_EQ(invalid.code(), "invalid_transition");
  EXPECT_EQ(invalid.error(), "The status cannot change from cancelled to pending");
}

TEST(OrderJson, HasTheSixteenKeysOfOrderDetail) {
  auto json = api::OrderJson(Sample());
  for (const char* key : {"id", "customer_id", "title", "description", "service_type", "status", "price",
                          "location", "address", "service_start_time", "service_end_time", "created_at",
                          "updated_at", "provider_id", "payment_status", "has_review"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json.size(), 16u);
  EXPECT_EQ(json["price"], 200.0);
  EXPECT_EQ(json["created_at"], "2025-10-17T10:00:00Z");
  EXPECT_TRUE(json["provider_id"].is_null());
  EXPECT_EQ(json["status"], "pending_review");
  EXPECT_EQ(json["payment_status"], "unpaid");
}

TEST(OrderJson, TheInternalDetailCarriesTheExactPriceAsADecimalString) {
  auto order = Sample();
  for (auto [cents, text] : {std::pair{money::Cents{20000}, "200.00"}, std::pair{money::Cents{29}, "0.29"},
                             std::pair{money::kMaxCents, "99999999.99"}}) {
    order.price = cents;
    auto json = api::InternalOrderJson(order);
    EXPECT_EQ(json["price"], text);
    json.erase("price");
    auto pub = api::OrderJson(order);
    pub.erase("price");
    EXPECT_EQ(json, pub);  // otherwise the public OrderDetail
  }
}

TEST(OrderEvents, PayloadsCarryTheReferenceFields) {
  auto before = Sample();
  auto created = events::Created(before);
  EXPECT_EQ(created.exchange, "order_events");
  EXPECT_EQ(created.routing_key, "order.created");
  for (const char* key :
       {"event_id", "event_type", "occurred_at", "order_id", "customer_id", "title", "price", "location"}) {
    EXPECT_TRUE(created.body.contains(key)) << key;
  }
  EXPECT_EQ(created.body["price"], "200.00");  // money between services is exact text

  auto approved = before;
  approved.status = Status::kPending;
  auto rejected = before;
  rejected.status = Status::kCancelled;
  rejected.reject_reason = "Too vague";
  auto accepted = approved;
  accepted.status = Status::kAccepted;
  accepted.provider_id = 9;
  auto cancelled = accepted;
  cancelled.status = Status::kCancelled;
  auto started = accepted;
  started.status = Status::kInProgress;
  // Each change makes one event: its routing key and the payload fields it must carry.
  struct Change {
    const domain::Order& from;
    const domain::Order& to;
    std::string routing_key;
    std::vector<std::pair<std::string, nlohmann::json>> fields;
  };
  const std::vector<Change> changes = {
      {before, approved, "order.approved", {}},
      {before, rejected, "order.rejected", {{"reject_reason", "Too vague"}}},
      {approved, accepted, "order.accepted", {{"provider_id", 9}}},
      {accepted, cancelled, "order.cancelled", {{"provider_id", 9}}},
      {accepted,
       started,
       "order.status_changed",
       {{"old_status", "accepted"}, {"new_status", "in_progress"}}},
  };
  for (const auto& change : changes) {
    auto e = events::ForChange(change.from, change.to);
    ASSERT_EQ(e.size(), 1u) << change.routing_key;
    EXPECT_EQ(e[0].routing_key, change.routing_key);
    for (const auto& [field, value] : change.fields) EXPECT_EQ(e[0].body[field], value) << field;
  }

  auto edited = started;
  edited.title = "Other";
  EXPECT_TRUE(events::ForChange(started, edited).empty());

  // An admin's cancellation is a status change, not "the customer cancelled"; approving stays approved.
  auto e = events::ForAdminEdit(accepted, cancelled);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].routing_key, "order.status_changed");
  EXPECT_EQ(e[0].body["new_status"], "cancelled");
  EXPECT_EQ(events::ForAdminEdit(before, approved).at(0).routing_key, "order.approved");
  EXPECT_TRUE(events::ForAdminEdit(started, edited).empty());

  auto deleted = events::Deleted(accepted);
  EXPECT_EQ(deleted.routing_key, "order.deleted");
}

TEST(OrderEvents, TheIncomingQueueBindsWhatTheTopologyDeclares) {
  const auto spec = events::IncomingQueue();
  EXPECT_EQ(spec.bindings, bus::SubscriptionsOf(spec.queue));
}

TEST(OrderEvents, AnIncomingEventWithoutOrderIdIsRefused) {
  bus::Event event = bus::MakeEvent("payment_events", "payment.completed", {{"payment_id", 1}});
  sql::Options never_connects;
  sql::Pool pool(never_connects);
  store::OrderStore store(pool);
  EXPECT_THROW(events::HandleIncoming(store, event), bus::Poison);
}

}  // namespace
}  // namespace mp::order

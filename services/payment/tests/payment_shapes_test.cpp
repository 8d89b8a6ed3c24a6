// What other programs read from us: the JSON of the routes, the event payloads, and how we read the order
// service's answer; plus the schema including the library's outbox migrations.
#include <gtest/gtest.h>

#include "libs/bus/sql_outbox.hpp"
#include "services/payment/src/api/payment_api.hpp"
#include "services/payment/src/api/refusals.hpp"
#include "services/payment/src/clients/order_client.hpp"
#include "services/payment/src/events/payment_events.hpp"
#include "services/payment/src/store/migrations.hpp"

namespace mp::payment {
namespace {

using Json = nlohmann::json;

const time::TimePoint kAt = time::FromUnixSeconds(1'761'382'800);  // 2025-10-25T09:00:00Z

domain::Payment SomePayment() {
  domain::Payment p;
  p.id = 9;
  p.order_id = 7;
  p.customer_id = 41;
  p.provider_id = 52;
  p.amount = 12050;
  p.status = domain::PaymentStatus::kCompleted;
  p.transaction_id = "3f2c1a9e-8d7b-4c6a-9f1e-2b3c4d5e6f70";
  p.created_at = p.updated_at = kAt;
  return p;
}

// A refund of SomePayment().
domain::Refund SomeRefund() {
  domain::Refund r{static_cast<const domain::Charge&>(SomePayment())};
  r.id = 3;
  r.payment_id = 9;
  r.reason = "Nobody came";
  r.created_at = r.updated_at = kAt;
  return r;
}

TEST(PaymentJson, KeepsTheReferenceKeysWithExactMoneyAndIsoTimes) {
  Json data = api::PaidJson(SomePayment());
  EXPECT_EQ(data["payment_id"], 9);
  EXPECT_EQ(data["order_id"], 7);
  EXPECT_EQ(data["amount"].dump(), "120.5");
  EXPECT_EQ(data["message"], "Payment successful (simulated): order 7 is paid.");
  EXPECT_EQ(data["customer_id"], 41);
  EXPECT_EQ(data["provider_id"], 52);
  EXPECT_EQ(data["status"], "completed");
  EXPECT_EQ(data["payment_method"], "simulated");
  EXPECT_EQ(data["transaction_id"], "3f2c1a9e-8d7b-4c6a-9f1e-2b3c4d5e6f70");
  EXPECT_EQ(data["created_at"], "2025-10-25T09:00:00Z");
  EXPECT_EQ(data.size(), 11u);
  auto payment = SomePayment();
  payment.provider_id.reset();
  payment.amount = 1999;
  Json item = api::PaymentJson(payment);
  EXPECT_TRUE(item["provider_id"].is_null());
  EXPECT_EQ(item["amount"].dump(), "19.99");
  EXPECT_FALSE(item.contains("message"));
}

TEST(RefundJson, HasTheDecisionFieldsNullWhilePending) {
  Json pending = api::RefundJson(SomeRefund());
  EXPECT_EQ(pending["refund_id"], 3);
  EXPECT_EQ(pending["payment_id"], 9);
  EXPECT_EQ(pending["status"], "pending");
  EXPECT_EQ(pending["amount"].dump(), "120.5");
  EXPECT_EQ(pending["reason"], "Nobody came");
  EXPECT_TRUE(pending["decision_reason"].is_null());
  EXPECT_TRUE(pending["decided_by"].is_null());
  EXPECT_TRUE(pending["decided_at"].is_null());
  auto refund = SomeRefund();
  refund.status = domain::RefundStatus::kRejected;
  refund.decision_reason = "Done properly";
  refund.decided_by = 3;
  refund.decided_at = kAt;
  Json rejected = api::RefundJson(refund);
  EXPECT_EQ(rejected["status"], "rejected");
  EXPECT_EQ(rejected["decision_reason"], "Done properly");
  EXPECT_EQ(rejected["decided_by"], 3);
  EXPECT_EQ(rejected["decided_at"], "2025-10-25T09:00:00Z");
}

TEST(Events, PaymentCompletedCarriesWhatOrderAndNotificationNeed) {
  bus::Event event = events::PaymentCompleted(SomePayment());
  EXPECT_EQ(event.exchange, "payment_events");
  EXPECT_EQ(event.routing_key, "payment.completed");
  auto body = Json::parse(R"({"event_type": "payment.completed", "occurred_at": "2025-10-25T09:00:00Z",
      "payment_id": 9, "order_id": 7, "customer_id": 41, "provider_id": 52, "amount": "120.50",
      "payment_method": "simulated", "transaction_id": "3f2c1a9e-8d7b-4c6a-9f1e-2b3c4d5e6f70"})");
  body["event_id"] = event.event_id;
  EXPECT_EQ(event.body, body);
  auto payment = SomePayment();
  payment.provider_id.reset();
  payment.amount = 5;
  auto without_provider = events::PaymentCompleted(payment);
  EXPECT_TRUE(without_provider.body["provider_id"].is_null());
  EXPECT_EQ(without_provider.body["amount"], "0.05");
  EXPECT_NE(without_provider.event_id, event.event_id);
}

TEST(Events, RefundEventsCarryStatusAndTheRightReason) {
  auto refund = SomeRefund();
  bus::Event requested = events::RefundRequested(refund);
  EXPECT_EQ(requested.routing_key, "refund.requested");
  auto body = Json::parse(R"({"event_type": "refund.requested", "occurred_at": "2025-10-25T09:00:00Z",
      "refund_id": 3, "payment_id": 9, "order_id": 7, "customer_id": 41, "provider_id": 52,
      "amount": "120.50", "reason": "Nobody came"})");
  body["event_id"] = requested.event_id;
  EXPECT_EQ(requested.body, body);

  refund.status = domain::RefundStatus::kRejected;
  refund.decision_reason = "Done properly";
  refund.updated_at = kAt + std::chrono::seconds(60);
  bus::Event rejected = events::RefundProcessed(refund);
  EXPECT_EQ(rejected.routing_key, "refund.processed");
  EXPECT_EQ(rejected.body["status"], "rejected");
  EXPECT_EQ(rejected.body["reason"], "Done properly");  // the notification text uses the admin's reason
  EXPECT_EQ(rejected.body["occurred_at"], "2025-10-25T09:01:00Z");

  refund.status = domain::RefundStatus::kCompleted;
  refund.decision_reason.reset();
  bus::Event completed = events::RefundProcessed(refund);
  EXPECT_EQ(completed.body["status"], "completed");
  EXPECT_TRUE(completed.body["reason"].is_null());
  EXPECT_EQ(completed.body["amount"], "120.50");
}

std::string Envelope(const Json& data) { return Json{{"success", true}, {"data", data}}.dump(); }

Json OrderDetail() {
  return Json::parse(R"({"id": 7, "customer_id": 41, "title": "Sink", "description": null,
    "service_type": "cleaning_repair", "status": "completed", "price": "120.50", "location": "NORTH",
    "address": null, "service_start_time": null, "service_end_time": null,
    "created_at": "2025-10-25T09:00:00Z", "updated_at": "2025-10-25T09:00:00Z", "provider_id": 52,
    "payment_status": "unpaid", "has_review": false})");
}

TEST(OrderDetail, IsReadFromTheOrderServicesEnvelopeWithAnExactPrice) {
  EXPECT_EQ(clients::ParseOrderDetail(Envelope(OrderDetail())),
            (domain::OrderSnapshot{7, 41, 52, "completed", "unpaid", 12050}));
  auto detail = OrderDetail();
  detail["price"] = "19.99";
  detail["provider_id"] = nullptr;
  EXPECT_EQ(clients::ParseOrderDetail(Envelope(detail)),
            (domain::OrderSnapshot{7, 41, std::nullopt, "completed", "unpaid", 1999}));
  detail["price"] = "99999999.99";
  EXPECT_EQ(clients::ParseOrderDetail(Envelope(detail))->price, money::kMaxCents);
}

TEST(OrderDetail, AnythingMalformedIsNotAnOrder) {
  EXPECT_FALSE(clients::ParseOrderDetail("not json"));
  EXPECT_FALSE(clients::ParseOrderDetail("[]"));
  EXPECT_FALSE(clients::ParseOrderDetail(R"({"success": true, "data": null})"));
  for (const char* key : {"id", "customer_id", "status", "payment_status", "price"}) {
    auto detail = OrderDetail();
    detail.erase(key);
    EXPECT_FALSE(clients::ParseOrderDetail(Envelope(detail))) << key;
  }
  const std::vector<std::pair<std::string, Json>> bad = {
      {"id", "7"},           {"id", 0},          {"customer_id", -1},
      {"status", 3},         {"price", 120.5},   {"price", "1.005"},
      {"price", "12O.50"},   {"price", ""},      {"price", "100000000.00"},
      {"provider_id", "52"}, {"provider_id", 0}, {"payment_status", nullptr}};
  for (const auto& [key, value] : bad) {
    auto detail = OrderDetail();
    detail[key] = value;
    EXPECT_FALSE(clients::ParseOrderDetail(Envelope(detail))) << key << " = " << value.dump();
  }
}

TEST(Refusals, AreAnsweredWithTheContractsStatusesCodesAndTexts) {
  using enum domain::PaymentRefusal;
  using Kind = ApiError::Kind;
  struct Row {
    domain::PaymentRefusal refusal;
    Kind kind;
    std::string code, error;
  };
  const std::vector<Row> rows = {
      {kNotYourOrder, Kind::kForbidden, "forbidden", "Permission denied"},
      {kNotYourPayment, Kind::kForbidden, "forbidden", "Permission denied"},
      {kAlreadyPaid, Kind::kConflict, "order_already_paid", "Order already paid"},
      {kNotCompleted, Kind::kConflict, "order_not_completed", "Order not completed, cannot pay"},
      {kNoPayment, Kind::kConflict, "order_not_paid", "Order not paid, nothing to refund"},
      {kNotPaid, Kind::kConflict, "order_not_paid", "Order not paid, nothing to refund"},
      {kAlreadyRefunded, Kind::kConflict, "order_already_refunded", "Order already refunded"},
      {kRefundPending, Kind::kConflict, "refund_pending", "A refund for this order is already pending"},
      {kRefundNotFound, Kind::kNotFound, "refund_not_found", "Refund not found"},
      {kRefundAlreadyCompleted, Kind::kConflict, "refund_not_pending",
       "Refund already processed (completed)"},
      {kRefundAlreadyRejected, Kind::kConflict, "refund_not_pending", "Refund already processed (rejected)"},
      {kPaymentPending, Kind::kConflict, "payment_not_refundable",
       "The payment cannot be refunded in its current status (pending)"},
      {kPaymentFailed, Kind::kConflict, "payment_not_refundable",
       "The payment cannot be refunded in its current status (failed)"},
      {kPaymentRefunded, Kind::kConflict, "payment_not_refundable",
       "The payment cannot be refunded in its current status (refunded)"},
      {kReasonRequired, Kind::kValidation, "validation_failed",
       "reason: is required when rejecting a refund"},
  };
  for (const auto& row : rows) {
    auto error = api::ToApiError(row.refusal);
    EXPECT_EQ(error.kind(), row.kind) << row.error;
    EXPECT_EQ(error.code(), row.code);
    EXPECT_EQ(error.error(), row.error);
  }
}

TEST(Schema, MigrationsIncludeEverySharedOutboxMigration) {
  EXPECT_EQ(bus::MissingOutboxMigrations(store::Migrations()), std::vector<std::string>{});
}

TEST(Schema, TheFirstMigrationCreatesThePaymentTables) {
  const auto& migrations = store::Migrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front().version, 1);
  for (const char* table : {"CREATE TABLE payments", "CREATE TABLE refunds", "CREATE TABLE transactions",
                            "CREATE TABLE idempotency_keys"}) {
    EXPECT_NE(migrations.front().sql.find(table), std::string::npos) << table;
  }
}

}  // namespace
}  // namespace mp::payment

// Reading the order service's answers: the OrderDetail inside its envelope, and the path per caller role.
#include <gtest/gtest.h>

#include "services/review/src/clients/order_client.hpp"

namespace mp::review::clients {
namespace {

TEST(OrderPath, OneRoutePerKindOfCaller) {
  EXPECT_EQ(OrderPath(OrderView::kCustomer, 42), "/api/v1/customer/orders/my/42");
  EXPECT_EQ(OrderPath(OrderView::kProvider, 42), "/api/v1/provider/orders/my/42");
  EXPECT_EQ(OrderPath(OrderView::kAdmin, 42), "/api/v1/admin/orders/42");
}

TEST(ParseOrderFacts, ReadsTheOrderDetail) {
  auto facts = ParseOrderFacts(R"({"success": true, "message": "Success", "error": null, "data": {
      "id": 42, "customer_id": 7, "title": "Fix the sink", "description": null, "service_type": "plumbing",
      "status": "completed", "price": 120.5, "location": "NORTH", "address": null,
      "service_start_time": null, "service_end_time": null, "created_at": "2025-10-25T09:00:00Z",
      "updated_at": "2025-10-25T09:00:00Z", "provider_id": 9, "payment_status": "paid", "has_review": false}})");
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->order_id, 42);
  EXPECT_EQ(facts->customer_id, 7);
  EXPECT_EQ(facts->provider_id, 9);
  EXPECT_EQ(facts->status, "completed");
  EXPECT_EQ(facts->payment_status, "paid");
  EXPECT_FALSE(facts->has_review);

  auto open = ParseOrderFacts(
      R"({"data": {"id": 1, "customer_id": 2, "status": "pending", "payment_status": "unpaid", "provider_id": null}})");
  ASSERT_TRUE(open);
  EXPECT_FALSE(open->provider_id);
  EXPECT_FALSE(open->has_review);  // absent: the reference's OrderDetail has no has_review

  auto reviewed = ParseOrderFacts(
      R"({"data": {"id": 1, "customer_id": 2, "status": "reviewed", "payment_status": "paid", "provider_id": 3,
                   "has_review": true}})");
  ASSERT_TRUE(reviewed);
  EXPECT_TRUE(reviewed->has_review);
}

TEST(ParseOrderFacts, AnythingElseIsNotAnOrder) {
  for (
      const char* body : {
          "",
          "not json",
          "[]",
          R"({"data": null})",
          R"({"data": []})",
          R"({"id": 1, "customer_id": 2, "status": "completed", "payment_status": "paid"})",
          R"({"data": {"customer_id": 2, "status": "completed", "payment_status": "paid"}})",
          R"({"data": {"id": "1", "customer_id": 2, "status": "completed", "payment_status": "paid"}})",
          R"({"data": {"id": 1, "customer_id": 0, "status": "completed", "payment_status": "paid"}})",
          R"({"data": {"id": 1, "customer_id": 2, "payment_status": "paid"}})",
          R"({"data": {"id": 1, "customer_id": 2, "status": 5, "payment_status": "paid"}})",
          R"({"data": {"id": 1, "customer_id": 2, "status": "completed"}})",
          R"({"data": {"id": 1, "customer_id": 2, "status": "completed", "payment_status": "paid", "provider_id": "3"}})",
          R"({"data": {"id": 1, "customer_id": 2, "status": "completed", "payment_status": "paid", "has_review": 1}})",
      }) {
    EXPECT_FALSE(ParseOrderFacts(body)) << body;
  }
}

}  // namespace
}  // namespace mp::review::clients

// The HTTP surface over loopback, assembled as main() assembles it (payment::Service()), against a real
// MariaDB; the order service is a fake upstream (a small http::App) whose answers each test chooses, so every
// mapping of its answers (404, 403, 409, 5xx, garbage, slow, down) is checked with nothing written.
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "libs/http/envelope.hpp"
#include "libs/http/testing/service_client.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/testing/tokens.hpp"
#include "libs/service/testing/assembled.hpp"
#include "libs/sql/pool.hpp"
#include "services/payment/src/api/payment_api.hpp"
#include "services/payment/src/service.hpp"
#include "services/payment/tests/payment_test_support.hpp"

namespace mp::payment::api {
namespace {

namespace asio = boost::asio;
using http::Verb;
using Json = nlohmann::json;
using http::testing::Reply;

constexpr const char* kDatabase = "mp_test_payment_api";

// What the fake order service answers for one order: a status and a body, after a delay.
struct OrderAnswer {
  unsigned status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};
};

// The order service's GET /internal/v1/orders/{id}: answers what the test set for the id (404 when
// nothing), remembers what it was sent.
class FakeOrderService : public http::testing::FakeUpstreamById<OrderAnswer> {
 public:
  FakeOrderService() : FakeUpstreamById("order") {
    RouteById(Verb::get, "/internal/v1/orders/{order_id:int}", "order_id",
              ApiError::NotFound("Order not found", "order_not_found"),
              [](std::int64_t, OrderAnswer answer) -> Awaitable {
                if (answer.delay.count() > 0) {
                  asio::steady_timer timer(co_await asio::this_coro::executor);
                  timer.expires_after(answer.delay);
                  co_await timer.async_wait(asio::use_awaitable);
                }
                co_return http::Text(static_cast<http::Status>(answer.status), answer.body,
                                     "application/json");
              });
    Start();
  }
  ~FakeOrderService() { Stop(); }

  // The OrderDetail of an order in `status`/`payment_status` owned by `customer` (the internal route's: the
  // price an exact decimal string).
  void SetOrder(std::int64_t id, std::int64_t customer, std::string status = "completed",
                std::string payment_status = "unpaid", Json price = "120.50") {
    Json detail = {{"id", id},
                   {"customer_id", customer},
                   {"title", "Fix the sink"},
                   {"description", nullptr},
                   {"service_type", "cleaning_repair"},
                   {"status", status},
                   {"price", price},
                   {"location", "NORTH"},
                   {"address", nullptr},
                   {"service_start_time", nullptr},
                   {"service_end_time", nullptr},
                   {"created_at", "2025-10-25T09:00:00Z"},
                   {"updated_at", "2025-10-25T09:00:00Z"},
                   {"provider_id", 900},
                   {"payment_status", payment_status},
                   {"has_review", false}};
    Set(id, {200, http::Ok(detail).body(), std::chrono::milliseconds(0)});
  }
  void SetError(std::int64_t id, const ApiError& error) {
    auto response = http::ErrorResponse(error);
    Set(id, {response.result_int(), response.body(), std::chrono::milliseconds(0)});
  }
};

using security::testing::Token;

class PaymentApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    options_ = new sql::Options(test::FreshDatabase(kDatabase));  // the service migrates it
  }
  static void TearDownTestSuite() {
    delete options_;
    test::DropDatabase(kDatabase);
  }

  Reply Pay(std::int64_t order_id, const std::string& token, const http::testing::Headers& headers = {}) {
    return client_.Send(Verb::post, "/api/v1/customer/payments/pay", token, {{"order_id", order_id}},
                        headers);
  }
  Reply Post(const std::string& target, const std::string& token, const std::string& body) {
    return client_.Call(Verb::post, target, token, body);
  }
  Reply Get(const std::string& target, const std::string& token) { return client_.Get(target, token); }

  std::int64_t Rows(const std::string& sql, const std::vector<sql::Value>& params = {}) {
    auto connection = pool_.Acquire();
    return connection->Query(sql, params).front().Int(0);
  }
  std::int64_t PaymentRows(std::int64_t order_id) {
    return Rows("SELECT COUNT(*) FROM payments WHERE order_id = ?", {order_id});
  }

  // A fresh order id and customer for each test (the database is shared by the suite).
  static std::int64_t NextId() {
    static std::atomic<std::int64_t> next{10'000};
    return next += 10;
  }

  static sql::Options* options_;
  FakeOrderService orders_;
  // main()'s own assembly of the service (relay and consumer not started: events stay in the outbox).
  service::testing::Assembled service_{
      payment::Service(), service::testing::TestSettings(*options_, "order", orders_.url(), 700)};
  sql::Pool pool_{*options_};  // the test's own look at the database
  http::testing::ServiceClient client_{service_.port()};
  const std::int64_t customer_ = NextId();
  const std::string customer_token_ = Token(customer_, identity::kCustomer);
  const std::string admin_token_ = Token(3, identity::kAdmin);
};

sql::Options* PaymentApiTest::options_ = nullptr;

TEST_F(PaymentApiTest, PayChargesACompletedOrderOnceAsTheCustomer) {
  const auto order = NextId();
  orders_.SetOrder(order, customer_);
  auto paid = Pay(order, customer_token_, {{"X-Request-ID", "req-pay-0001"}});
  ASSERT_EQ(paid.status, 200u) << paid.body.dump();
  EXPECT_EQ(paid.body["success"], true);
  EXPECT_EQ(paid.body["message"], "Payment successful");
  EXPECT_TRUE(paid.body["error"].is_null());
  const auto& data = paid.body["data"];
  EXPECT_GT(data["payment_id"].get<std::int64_t>(), 0);
  EXPECT_EQ(data["order_id"], order);
  EXPECT_EQ(data["amount"].dump(), "120.5");
  EXPECT_EQ(data["message"], "Payment successful (simulated): order " + std::to_string(order) + " is paid.");
  EXPECT_EQ(data["status"], "completed");
  EXPECT_EQ(data["customer_id"], customer_);
  EXPECT_EQ(data["provider_id"], 900);
  EXPECT_EQ(data["created_at"].get<std::string>().back(), 'Z');
  // The customer's own token and the request id went to the order service.
  EXPECT_EQ(orders_.last_authorization(), "Bearer " + customer_token_);
  EXPECT_EQ(orders_.last_request_id(), "req-pay-0001");

  // The order service still says unpaid (its event is not consumed here): the unique key refuses.
  auto again = Pay(order, customer_token_);
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.code(), "order_already_paid");
  EXPECT_EQ(again.body["error"], "Order already paid");
  EXPECT_EQ(PaymentRows(order), 1);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM transactions WHERE order_id = ?", {order}), 1);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM outbox WHERE routing_key = 'payment.completed' AND "
                 "JSON_VALUE(body, '$.order_id') = ?",
                 {std::to_string(order)}),
            1);
}

TEST_F(PaymentApiTest, TheChargeIsTheOrdersExactDecimalPrice) {
  // Prices a double does not hold exactly; the order service states them as decimal strings.
  for (const auto& price : std::vector<std::string>{"99999999.99", "0.29", "1234567.89"}) {
    SCOPED_TRACE(price);
    const auto order = NextId();
    orders_.SetOrder(order, customer_, "completed", "unpaid", price);
    auto paid = Pay(order, customer_token_);
    ASSERT_EQ(paid.status, 200u) << paid.body.dump();
    EXPECT_EQ(Rows("SELECT COUNT(*) FROM payments WHERE order_id = ? AND amount = ?", {order, price}), 1);
    EXPECT_EQ(Rows("SELECT COUNT(*) FROM transactions WHERE order_id = ? AND amount = ?", {order, price}), 1);
    EXPECT_EQ(Rows("SELECT COUNT(*) FROM outbox WHERE routing_key = 'payment.completed' AND "
                   "JSON_VALUE(body, '$.order_id') = ? AND JSON_VALUE(body, '$.amount') = ?",
                   {std::to_string(order), price}),
              1);
  }
}

TEST_F(PaymentApiTest, TheOrderServicesAnswersMapToPreciseErrorsAndNothingIsWritten) {
  struct Case {
    std::string name;
    std::function<void(std::int64_t)> arrange;
    unsigned status;
    std::string code;
  };
  // The order service answers `status` with `body`.
  auto answering = [this](unsigned status, const std::string& body) {
    return [this, status, body](std::int64_t id) { orders_.Set(id, {status, body, {}}); };
  };
  const std::vector<Case> cases = {
      {"unknown order", [](std::int64_t) {}, 404, "order_not_found"},
      {"someone else's",
       [&](std::int64_t id) { orders_.SetError(id, ApiError::Forbidden("Permission denied")); }, 403,
       "forbidden"},
      {"token refused", [&](std::int64_t id) { orders_.SetError(id, ApiError::Unauthorized("revoked")); },
       401, "token_rejected"},
      {"in progress", [&](std::int64_t id) { orders_.SetOrder(id, customer_, "in_progress"); }, 409,
       "order_not_completed"},
      {"cancelled", [&](std::int64_t id) { orders_.SetOrder(id, customer_, "cancelled"); }, 409,
       "order_not_completed"},
      {"paid", [&](std::int64_t id) { orders_.SetOrder(id, customer_, "completed", "paid"); }, 409,
       "order_already_paid"},
      {"reviewed", [&](std::int64_t id) { orders_.SetOrder(id, customer_, "reviewed", "paid"); }, 409,
       "order_already_paid"},
      {"refunded", [&](std::int64_t id) { orders_.SetOrder(id, customer_, "completed", "refunded"); }, 409,
       "order_already_paid"},
      {"not the caller's (order service slipped)",
       [&](std::int64_t id) { orders_.SetOrder(id, customer_ + 1); }, 403, "forbidden"},
      {"order service 500", answering(500, "oops"), 503, "order_unavailable"},
      {"order service 503", [&](std::int64_t id) { orders_.SetError(id, ApiError::Unavailable("db down")); },
       503, "order_unavailable"},
      {"garbage 200", answering(200, "<html>"), 503, "order_unavailable"},
      {"an order without a valid price",
       [&](std::int64_t id) { orders_.SetOrder(id, customer_, "completed", "unpaid", "0.00"); }, 503,
       "order_unavailable"},
      {"a price as a JSON number (never exact enough for money)",
       [&](std::int64_t id) { orders_.SetOrder(id, customer_, "completed", "unpaid", 120.5); }, 503,
       "order_unavailable"},
      {"200 without data", answering(200, R"({"success":true,"data":{}})"), 503, "order_unavailable"},
      {"422: the order service refuses the id (never a 5xx)", answering(422, "{}"), 404, "order_not_found"},
      {"405", answering(405, "{}"), 404, "order_not_found"},
      {"too slow",
       [&](std::int64_t id) {
         orders_.SetOrder(id, customer_);
         OrderAnswer slow{200, "{}", std::chrono::milliseconds(1500)};
         orders_.Set(id, slow);
       },
       503, "order_unavailable"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto order = NextId();
    c.arrange(order);
    auto reply = Pay(order, customer_token_);
    EXPECT_EQ(reply.status, c.status) << reply.body.dump();
    EXPECT_EQ(reply.code(), c.code);
    EXPECT_EQ(reply.body["success"], false);
    EXPECT_FALSE(reply.body["error"].get<std::string>().empty());
    EXPECT_EQ(PaymentRows(order), 0);
  }
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM idempotency_keys WHERE customer_id = ?", {customer_}), 0);
}

TEST_F(PaymentApiTest, OrderServiceDownIs503WithAClearMessage) {
  // Nothing listens on port 1.
  service::testing::Assembled cut_off(
      payment::Service(), service::testing::TestSettings(*options_, "order", "http://127.0.0.1:1", 700));
  const auto order = NextId();
  auto reply = http::testing::ServiceClient(cut_off.port())
                   .Send(Verb::post, "/api/v1/customer/payments/pay", customer_token_, {{"order_id", order}});
  EXPECT_EQ(reply.status, 503u);
  EXPECT_EQ(reply.code(), "order_unavailable");
  EXPECT_NE(reply.body["error"].get<std::string>().find("Order service unavailable"), std::string::npos);
  EXPECT_EQ(PaymentRows(order), 0);
}

TEST_F(PaymentApiTest, DatabaseDownIs503NotA500) {
  auto down = *options_;
  down.port = 1;
  service::testing::Assembled no_db(payment::Service(),
                                    service::testing::TestSettings(down, "order", orders_.url(), 700),
                                    /*store_up=*/false);
  const auto order = NextId();
  orders_.SetOrder(order, customer_);
  http::testing::ServiceClient to_no_db(no_db.port());
  auto pay =
      to_no_db.Send(Verb::post, "/api/v1/customer/payments/pay", customer_token_, {{"order_id", order}});
  EXPECT_EQ(pay.status, 503u) << pay.body.dump();
  EXPECT_EQ(pay.code(), "store_unavailable");
  auto list = to_no_db.Get("/api/v1/customer/payments", customer_token_);
  EXPECT_EQ(list.status, 503u);
  auto admin = to_no_db.Get("/api/v1/admin/refunds", admin_token_);
  EXPECT_EQ(admin.status, 503u);
}

TEST_F(PaymentApiTest, IdempotencyKeyReturnsTheFirstAnswerAgain) {
  const auto order = NextId();
  orders_.SetOrder(order, customer_);
  const std::vector<std::pair<std::string, std::string>> key = {
      {"Idempotency-Key", "pay-" + std::to_string(order)}};
  auto first = Pay(order, customer_token_, key);
  ASSERT_EQ(first.status, 200u) << first.body.dump();
  EXPECT_EQ(first.raw.count("Idempotent-Replayed"), 0u);
  const int calls = orders_.calls();

  auto replay = Pay(order, customer_token_, key);
  EXPECT_EQ(replay.status, 200u);
  EXPECT_EQ(replay.raw.body(), first.raw.body());  // byte for byte
  EXPECT_EQ(replay.raw["Idempotent-Replayed"], "true");
  EXPECT_EQ(orders_.calls(), calls);  // answered without asking the order service again
  // Even once the order service says paid, the key still gives the first (successful) answer.
  orders_.SetOrder(order, customer_, "completed", "paid");
  EXPECT_EQ(Pay(order, customer_token_, key).raw.body(), first.raw.body());
  EXPECT_EQ(PaymentRows(order), 1);

  // The same key for another order is a client bug: 422 naming the header, nothing written.
  const auto other = NextId();
  orders_.SetOrder(other, customer_);
  auto misuse = Pay(other, customer_token_, key);
  EXPECT_EQ(misuse.status, 422u);
  EXPECT_EQ(misuse.body["details"][0]["field"], "Idempotency-Key");
  EXPECT_EQ(PaymentRows(other), 0);
  // A key is per customer: another customer's identical key is theirs.
  const auto stranger = customer_ + 1;
  orders_.SetOrder(other, stranger);
  auto theirs = Pay(other, Token(stranger, identity::kCustomer), key);
  EXPECT_EQ(theirs.status, 200u) << theirs.body.dump();
  EXPECT_NE(theirs.raw.body(), first.raw.body());
  // Without a key the second charge is refused as before.
  EXPECT_EQ(Pay(order, customer_token_).status, 409u);
  // A new key does not bypass the one-payment-per-order rule either.
  orders_.SetOrder(order, customer_);
  auto fresh_key = Pay(order, customer_token_, {{"Idempotency-Key", "another"}});
  EXPECT_EQ(fresh_key.status, 409u);
  EXPECT_EQ(fresh_key.code(), "order_already_paid");
}

TEST_F(PaymentApiTest, RefusedPaysAreNotRememberedUnderTheirKey) {
  const auto order = NextId();
  orders_.SetOrder(order, customer_, "in_progress");
  const std::vector<std::pair<std::string, std::string>> key = {
      {"Idempotency-Key", "early-" + std::to_string(order)}};
  EXPECT_EQ(Pay(order, customer_token_, key).status, 409u);
  // The work was completed since: the same key now pays.
  orders_.SetOrder(order, customer_);
  auto paid = Pay(order, customer_token_, key);
  EXPECT_EQ(paid.status, 200u) << paid.body.dump();
}

TEST_F(PaymentApiTest, BadInputIsAPrecise4xx) {
  const auto order = NextId();
  orders_.SetOrder(order, customer_);
  const std::string pay = "/api/v1/customer/payments/pay";
  EXPECT_EQ(Post(pay, "", R"({"order_id": 1})").status, 401u);
  EXPECT_EQ(Post(pay, "garbage", R"({"order_id": 1})").status, 401u);
  EXPECT_EQ(Post(pay, Token(customer_, identity::kProvider), R"({"order_id": 1})").status, 403u);
  EXPECT_EQ(Post(pay, admin_token_, R"({"order_id": 1})").status, 403u);
  EXPECT_EQ(Post(pay, customer_token_, R"({"order_id": )").status, 400u);
  EXPECT_EQ(Post(pay, customer_token_, R"([1])").status, 400u);
  for (const char* body : {R"({})", R"({"order_id": null})", R"({"order_id": "5"})", R"({"order_id": 0})",
                           R"({"order_id": -3})", R"({"order_id": 1.5})", R"({"order_id": 1e30})",
                           R"({"order_id": 99999999999999999999})", R"({"order_id": true})"}) {
    auto reply = Post(pay, customer_token_, body);
    EXPECT_EQ(reply.status, 422u) << body;
    EXPECT_EQ(reply.body["details"][0]["field"], "order_id") << body;
  }
  for (const std::string& key : {std::string(256, 'k'), std::string("has space")}) {
    auto reply = Pay(order, customer_token_, {{"Idempotency-Key", key}});
    EXPECT_EQ(reply.status, 422u);
    EXPECT_EQ(reply.body["details"][0]["field"], "Idempotency-Key");
  }
  EXPECT_EQ(Get(pay, customer_token_).status, 405u);

  const std::string refunds = "/api/v1/customer/refunds";
  for (const char* body :
       {R"({"order_id": 5})", R"({"order_id": 5, "reason": ""})", R"({"order_id": 5, "reason": "  "})",
        R"({"order_id": 5, "reason": 7})", R"({"reason": "why"})"}) {
    auto reply = Post(refunds, customer_token_, body);
    EXPECT_EQ(reply.status, 422u) << body;
  }
  auto too_long =
      Post(refunds, customer_token_, Json{{"order_id", 5}, {"reason", std::string(501, 'x')}}.dump());
  EXPECT_EQ(too_long.status, 422u);
  EXPECT_EQ(too_long.body["details"][0]["field"], "reason");
  EXPECT_EQ(Post(refunds, admin_token_, R"({"order_id": 5, "reason": "x"})").status, 403u);

  const std::string approve = "/api/v1/admin/refunds/1/approve";
  for (const char* body : {R"({})", R"({"approved": "yes"})", R"({"approved": 1})", R"({"approved": false})",
                           R"({"approved": false, "reason": " "})", R"({"approved": true, "reason": 5})"}) {
    auto reply = Post(approve, admin_token_, body);
    EXPECT_EQ(reply.status, 422u) << body;
  }
  EXPECT_EQ(Post(approve, customer_token_, R"({"approved": true})").status, 403u);
  EXPECT_EQ(Post("/api/v1/admin/refunds/abc/approve", admin_token_, R"({"approved": true})").status, 422u);
  EXPECT_EQ(Post("/api/v1/admin/refunds/0/approve", admin_token_, R"({"approved": true})").status, 422u);
  auto unknown = Post("/api/v1/admin/refunds/987654321/approve", admin_token_, R"({"approved": true})");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.code(), "refund_not_found");

  EXPECT_EQ(Get("/api/v1/admin/refunds?status=open", admin_token_).status, 422u);
  EXPECT_EQ(Get("/api/v1/admin/refunds?status=PENDING", admin_token_).status, 422u);
  EXPECT_EQ(Get("/api/v1/admin/refunds?limit=0", admin_token_).status, 422u);
  EXPECT_EQ(Get("/api/v1/admin/refunds?limit=201", admin_token_).status, 422u);
  EXPECT_EQ(Get("/api/v1/admin/refunds?offset=-1", admin_token_).status, 422u);
  EXPECT_EQ(Get("/api/v1/admin/refunds", customer_token_).status, 403u);
  EXPECT_EQ(Get("/api/v1/customer/payments?limit=abc", customer_token_).status, 422u);
  EXPECT_EQ(Get("/api/v1/customer/payments", admin_token_).status, 403u);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM payments WHERE customer_id = ?", {customer_}), 0);
}

TEST_F(PaymentApiTest, RefundRequestReviewAndHistory) {
  const auto order = NextId();
  orders_.SetOrder(order, customer_, "completed", "unpaid", "75.25");
  ASSERT_EQ(Pay(order, customer_token_).status, 200u);

  // Unknown (the order service says 404), the caller's but not paid (409), or someone else's: refused.
  EXPECT_EQ(
      Post("/api/v1/customer/refunds", customer_token_, Json{{"order_id", NextId()}, {"reason", "x"}}.dump())
          .code(),
      "order_not_found");
  const auto unpaid = NextId();
  orders_.SetOrder(unpaid, customer_, "completed", "unpaid", "10.00");
  auto not_paid =
      Post("/api/v1/customer/refunds", customer_token_, Json{{"order_id", unpaid}, {"reason", "x"}}.dump());
  EXPECT_EQ(not_paid.status, 409u);
  EXPECT_EQ(not_paid.code(), "order_not_paid");
  auto foreign = Post("/api/v1/customer/refunds", Token(customer_ + 1, identity::kCustomer),
                      Json{{"order_id", order}, {"reason", "x"}}.dump());
  EXPECT_EQ(foreign.status, 403u);

  auto requested = Post("/api/v1/customer/refunds", customer_token_,
                        Json{{"order_id", order}, {"reason", "Nobody came"}}.dump());
  ASSERT_EQ(requested.status, 200u) << requested.body.dump();
  EXPECT_EQ(requested.body["message"], "Refund requested");
  const auto& refund = requested.body["data"];
  EXPECT_EQ(refund["status"], "pending");
  EXPECT_EQ(refund["amount"].dump(), "75.25");
  EXPECT_EQ(refund["order_id"], order);
  EXPECT_EQ(refund["reason"], "Nobody came");
  const auto refund_id = refund["refund_id"].get<std::int64_t>();
  auto twice = Post("/api/v1/customer/refunds", customer_token_,
                    Json{{"order_id", order}, {"reason", "again"}}.dump());
  EXPECT_EQ(twice.status, 409u);
  EXPECT_EQ(twice.code(), "refund_pending");

  auto pending = Get("/api/v1/admin/refunds?status=pending&limit=200", admin_token_);
  ASSERT_EQ(pending.status, 200u);
  ASSERT_TRUE(pending.body["data"].is_array());
  bool listed = false;
  for (const auto& item : pending.body["data"]) listed = listed || item["refund_id"] == refund_id;
  EXPECT_TRUE(listed);
  EXPECT_EQ(pending.raw["X-Total-Count"], std::to_string(pending.body["data"].size()));

  const std::string approve = "/api/v1/admin/refunds/" + std::to_string(refund_id) + "/approve";
  auto approved = Post(approve, admin_token_, R"({"approved": true})");
  ASSERT_EQ(approved.status, 200u) << approved.body.dump();
  EXPECT_EQ(approved.body["message"], "Refund processed");
  EXPECT_EQ(approved.body["data"]["status"], "completed");
  EXPECT_EQ(approved.body["data"]["decided_by"], 3);
  EXPECT_EQ(approved.body["data"]["message"], "Refund for order " + std::to_string(order) + " completed.");
  auto again = Post(approve, admin_token_, R"({"approved": false, "reason": "changed my mind"})");
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.code(), "refund_not_pending");
  auto after =
      Post("/api/v1/customer/refunds", customer_token_, Json{{"order_id", order}, {"reason", "more"}}.dump());
  EXPECT_EQ(after.code(), "order_already_refunded");

  auto history = Get("/api/v1/customer/payments", customer_token_);
  ASSERT_EQ(history.status, 200u);
  EXPECT_EQ(history.raw["X-Total-Count"], "1");
  ASSERT_EQ(history.body["data"].size(), 1u);
  const auto& payment = history.body["data"][0];
  EXPECT_EQ(payment["order_id"], order);
  EXPECT_EQ(payment["status"], "refunded");
  EXPECT_EQ(payment["amount"].dump(), "75.25");
  ASSERT_EQ(payment["refunds"].size(), 1u);
  EXPECT_EQ(payment["refunds"][0]["refund_id"], refund_id);
  EXPECT_EQ(payment["refunds"][0]["status"], "completed");
  EXPECT_EQ(
      Rows("SELECT COUNT(*) FROM transactions WHERE order_id = ? AND transaction_type = 'refund'", {order}),
      1);
}

TEST_F(PaymentApiTest, RejectionNeedsAReasonAndIsShownToTheCustomer) {
  const auto order = NextId();
  orders_.SetOrder(order, customer_);
  ASSERT_EQ(Pay(order, customer_token_).status, 200u);
  auto requested =
      Post("/api/v1/customer/refunds", customer_token_, Json{{"order_id", order}, {"reason", "Late"}}.dump());
  const auto refund_id = requested.body["data"]["refund_id"].get<std::int64_t>();
  const std::string approve = "/api/v1/admin/refunds/" + std::to_string(refund_id) + "/approve";
  auto missing = Post(approve, admin_token_, R"({"approved": false})");
  EXPECT_EQ(missing.status, 422u);
  EXPECT_EQ(missing.body["details"][0]["field"], "reason");
  auto rejected =
      Post(approve, admin_token_, R"({"approved": false, "reason": "The provider came on time"})");
  ASSERT_EQ(rejected.status, 200u) << rejected.body.dump();
  EXPECT_EQ(rejected.body["data"]["status"], "rejected");
  EXPECT_EQ(rejected.body["data"]["decision_reason"], "The provider came on time");
  EXPECT_EQ(rejected.body["data"]["message"],
            "Refund for order " + std::to_string(order) + " was rejected: The provider came on time.");
  auto listed = Get("/api/v1/admin/refunds?status=rejected&limit=200", admin_token_);
  bool found = false;
  for (const auto& item : listed.body["data"]) {
    EXPECT_EQ(item["status"], "rejected");
    found = found || item["refund_id"] == refund_id;
  }
  EXPECT_TRUE(found);
  auto history = Get("/api/v1/customer/payments", customer_token_);
  EXPECT_EQ(history.body["data"][0]["status"], "completed");
  EXPECT_EQ(history.body["data"][0]["refunds"][0]["status"], "rejected");
}

TEST_F(PaymentApiTest, HistoryPagesNewestFirst) {
  std::vector<std::int64_t> orders;
  for (int i = 0; i < 3; ++i) {
    orders.push_back(NextId());
    orders_.SetOrder(orders.back(), customer_);
    ASSERT_EQ(Pay(orders.back(), customer_token_).status, 200u);
  }
  auto page = Get("/api/v1/customer/payments?limit=2&offset=1", customer_token_);
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.raw["X-Total-Count"], "3");
  ASSERT_EQ(page.body["data"].size(), 2u);
  EXPECT_EQ(page.body["data"][0]["order_id"], orders[1]);
  EXPECT_EQ(page.body["data"][1]["order_id"], orders[0]);
  EXPECT_TRUE(page.body["data"][0]["refunds"].is_array());
  auto empty = Get("/api/v1/customer/payments", Token(customer_ + 5, identity::kCustomer));
  EXPECT_EQ(empty.body["data"], Json::array());
  EXPECT_EQ(empty.raw["X-Total-Count"], "0");
}

TEST_F(PaymentApiTest, ConcurrentPaysThroughHttpChargeOnce) {
  const auto order = NextId();
  orders_.SetOrder(order, customer_);
  std::mutex mutex;
  std::map<unsigned, int> statuses;
  std::vector<std::thread> threads;
  threads.reserve(20);
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      http::testing::ServiceClient client(service_.port());
      auto reply =
          client.Send(Verb::post, "/api/v1/customer/payments/pay", customer_token_, {{"order_id", order}});
      std::lock_guard lock(mutex);
      ++statuses[reply.status];
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(statuses[200], 1);
  EXPECT_EQ(statuses[409], 19);
  EXPECT_EQ(PaymentRows(order), 1);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM transactions WHERE order_id = ?", {order}), 1);
}

}  // namespace
}  // namespace mp::payment::api

// The HTTP surface over loopback, assembled as main() assembles it (review::Service(), without the relay
// thread and the consumer), against real FerretDB/MongoDB; the order service is a fake upstream (a small
// http::App) whose answers the test chooses.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/beast/http/field.hpp>

#include "libs/http/envelope.hpp"
#include "libs/http/testing/service_client.hpp"
#include "libs/identity/identity.hpp"
#include "libs/mongo/outbox.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/testing/tokens.hpp"
#include "libs/service/testing/assembled.hpp"
#include "services/review/src/api/review_api.hpp"
#include "services/review/src/events/review_events.hpp"
#include "services/review/src/service.hpp"
#include "services/review/src/store/review_store.hpp"
#include "services/review/tests/review_test_support.hpp"

namespace mp::review::api {
namespace {

using http::Verb;
using Json = nlohmann::json;
using http::testing::Reply;

// What the fake order service answers for one order: a status and, for 200, the OrderDetail.
struct OrderAnswer {
  unsigned status = 200;
  Json data;
};

// The order service's three order routes. Each answers from `answers` (404 when absent); `raw` replaces
// the whole answer for an order (e.g. a 500 or a body that is not an order).
class FakeOrderService : public http::testing::FakeUpstreamById<OrderAnswer> {
 public:
  FakeOrderService() : FakeUpstreamById("order") {
    for (const char* pattern :
         {"/api/v1/customer/orders/my/{order_id:int}", "/api/v1/provider/orders/my/{order_id:int}",
          "/api/v1/admin/orders/{order_id:int}"}) {
      RouteById(Verb::get, pattern, "order_id", ApiError::NotFound("Order not found", "order_not_found"),
                [](std::int64_t, OrderAnswer answer) -> Awaitable {
                  if (answer.status == 200) co_return http::Ok(answer.data);
                  if (answer.status == 403) throw ApiError::Forbidden();
                  if (answer.status == 401) throw ApiError::Unauthorized("Invalid token");
                  if (answer.status == 299) co_return http::Json(http::Status::ok, {{"unexpected", true}});
                  if (answer.status == 422) throw ApiError::Validation({{"order_id", "refused"}});
                  throw ApiError::Internal();
                });
    }
    Start();
  }
  ~FakeOrderService() { Stop(); }

  // A completed, paid order of `customer` done by `provider`.
  void Completed(std::int64_t order_id, std::int64_t customer, std::int64_t provider,
                 std::string status = "completed", std::string payment_status = "paid",
                 bool has_review = false) {
    Set(order_id, {200,
                   {{"id", order_id},
                    {"customer_id", customer},
                    {"title", "Fix the sink"},
                    {"status", std::move(status)},
                    {"price", 120.0},
                    {"provider_id", provider},
                    {"payment_status", std::move(payment_status)},
                    {"has_review", has_review}}});
  }
};

using security::testing::Token;

class ReviewApiTest : public ::testing::Test {
 public:
  ReviewApiTest() { store_.EnsureIndexes(); }
  Reply Get(const std::string& target, const std::string& token = {}) { return client_.Get(target, token); }
  Reply Post(const Json& body, const std::string& token, const std::string& request_id = {}) {
    return client_.Send(Verb::post, "/api/v1/reviews", token, body, http::testing::RequestId(request_id));
  }
  // POST /reviews for a fresh order the order service answers `status` for (with no order).
  Reply PostWhenOrderServiceSays(unsigned status) {
    const auto order = test::RandomId();
    orders_.Set(order, {status, {}});
    return Post({{"order_id", order}, {"stars", 5}}, customer_token_);
  }
  std::int64_t StoredReviews() {
    return database_.get().collection(store::kReviews).Count(mongo::Document{});
  }
  void Recompute(std::int64_t provider) {
    store_.RecomputeRating(provider, time::Now(),
                           [](std::int64_t p, const domain::RatingTotals& t, time::TimePoint at) {
                             return events::RatingUpdated(p, t, at);
                           });
  }

  FakeOrderService orders_;
  mongo::test::ScopedDatabase database_{"mp_test_review_api"};
  store::ReviewStore store_{database_.get()};
  // main()'s own assembly of the service (relay and consumer not started: events stay in the outbox).
  service::testing::Assembled service_{
      review::Service(), service::testing::TestSettings(database_.get().options(), "order", orders_.url())};
  http::testing::ServiceClient client_{service_.port()};
  const std::int64_t customer_ = test::RandomId();
  const std::int64_t provider_ = test::RandomId() + 1;
  const std::int64_t admin_ = test::RandomId() + 2;
  const std::string customer_token_ = Token(customer_, identity::kCustomer);
};

TEST_F(ReviewApiTest, ACustomerReviewsACompletedPaidOrder) {
  const auto order = test::RandomId();
  orders_.Completed(order, customer_, provider_);
  auto answer = Post({{"order_id", order}, {"stars", 4}, {"content", "Quick and tidy."}}, customer_token_,
                     "req-review-1");
  ASSERT_EQ(answer.status, 200u) << answer.body.dump();
  EXPECT_EQ(answer.body["success"], true);
  EXPECT_EQ(answer.body["message"], "Review created");
  EXPECT_TRUE(answer.body["error"].is_null());
  EXPECT_EQ(answer.body["data"], Json({{"review_id", std::to_string(order)},
                                       {"order_id", order},
                                       {"stars", 4},
                                       {"content", "Quick and tidy."},
                                       {"message", "Review created successfully."}}));
  // The order was read with the caller's own token and the request id, on the customer route.
  EXPECT_EQ(orders_.last_path(), "/api/v1/customer/orders/my/" + std::to_string(order));
  EXPECT_EQ(orders_.last_authorization(), "Bearer " + customer_token_);
  EXPECT_EQ(orders_.last_request_id(), "req-review-1");

  auto stored = store_.FindByOrder(order);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->customer_id, customer_);
  EXPECT_EQ(stored->provider_id, provider_);
  // review.created waits in the review's outbox for the relay.
  auto doc = database_.get().collection(store::kReviews).FindOne(mongo::Document{{"_id", order}});
  ASSERT_EQ((*doc)[mongo::kOutboxField].size(), 1u);
  EXPECT_EQ((*doc)[mongo::kOutboxField][0]["routing_key"], "review.created");

  // The order's parties read it back.
  auto mine = Get("/api/v1/reviews/order/" + std::to_string(order), customer_token_);
  ASSERT_EQ(mine.status, 200u) << mine.body.dump();
  EXPECT_EQ(mine.body["data"]["review_id"], std::to_string(order));
  EXPECT_EQ(mine.body["data"]["provider_id"], provider_);
  EXPECT_EQ(mine.body["data"]["stars"], 4);
  EXPECT_EQ(mine.body["data"]["content"], "Quick and tidy.");
  EXPECT_EQ(mine.body["data"]["created_at"].get<std::string>().size(), 20u);  // 2025-10-25T09:00:00Z
}

TEST_F(ReviewApiTest, ASecondReviewOfTheSameOrderIsAConflict) {
  const auto order = test::RandomId();
  orders_.Completed(order, customer_, provider_);
  ASSERT_EQ(Post({{"order_id", order}, {"stars", 5}}, customer_token_).status, 200u);
  // The order service has not applied review.created yet: the unique `_id` still refuses it.
  auto again = Post({{"order_id", order}, {"stars", 1}}, customer_token_);
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.body["error"], "Order already reviewed");
  EXPECT_EQ(again.body["code"], "order_already_reviewed");
  // Once it has, the order itself says so.
  orders_.Completed(order, customer_, provider_, "reviewed", "paid", true);
  auto later = Post({{"order_id", order}, {"stars", 1}}, customer_token_);
  EXPECT_EQ(later.status, 409u);
  EXPECT_EQ(later.body["code"], "order_already_reviewed");
  EXPECT_EQ(store_.FindByOrder(order)->stars, 5);
}

TEST_F(ReviewApiTest, ConcurrentReviewsOfOneOrderHaveExactlyOneWinner) {
  const auto order = test::RandomId();
  orders_.Completed(order, customer_, provider_);
  std::vector<unsigned> statuses(10);
  std::vector<std::thread> threads;
  threads.reserve(10);
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      http::testing::ServiceClient client(service_.port());
      statuses[i] = client
                        .Send(Verb::post, "/api/v1/reviews", customer_token_,
                              {{"order_id", order}, {"stars", 1 + i % 5}})
                        .status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200u), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409u), 9);
  EXPECT_EQ(StoredReviews(), 1);
}

TEST_F(ReviewApiTest, BadBodiesAre4xxWithDetailsAndNeverReachTheOrderService) {
  struct Case {
    Json body;
    std::string field;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {{{"order_id", 1}, {"stars", 0}}, "stars", "must be between 1 and 5"},
      {{{"order_id", 1}, {"stars", 6}}, "stars", "must be between 1 and 5"},
      {{{"order_id", 1}, {"stars", 4.5}}, "stars", "must be an integer"},
      {{{"order_id", 1}, {"stars", "5"}}, "stars", "must be an integer"},
      {{{"order_id", 1}}, "stars", "is required"},
      {{{"stars", 5}}, "order_id", "is required"},
      {{{"order_id", "abc"}, {"stars", 5}}, "order_id", "must be an integer"},
      {{{"order_id", {{"$ne", nullptr}}}, {"stars", 5}}, "order_id", "must be an integer"},
      {{{"order_id", -4}, {"stars", 5}}, "order_id", "must be an integer from 1 to 9007199254740991"},
      {{{"order_id", 1}, {"stars", 5}, {"content", std::string(2001, 'x')}},
       "content",
       "must be at most 2000 characters"},
      {{{"order_id", 1}, {"stars", 5}, {"content", 42}}, "content", "must be a string"},
  };
  for (const auto& c : cases) {
    auto answer = Post(c.body, customer_token_);
    EXPECT_EQ(answer.status, 422u) << c.body.dump();
    EXPECT_EQ(answer.body["success"], false);
    EXPECT_EQ(answer.body["code"], "validation_failed");
    ASSERT_TRUE(answer.body["details"].is_array()) << answer.body.dump();
    EXPECT_EQ(answer.body["details"][0], Json({{"field", c.field}, {"problem", c.problem}})) << c.body.dump();
  }
  auto several = Post({{"order_id", 0}, {"stars", 9}}, customer_token_);
  EXPECT_EQ(several.body["details"].size(), 2u);

  EXPECT_EQ(client_.Call(Verb::post, "/api/v1/reviews", customer_token_, "{not json").status, 400u);
  EXPECT_EQ(client_.Call(Verb::post, "/api/v1/reviews", customer_token_, "[1, 2]").status, 400u);
  EXPECT_EQ(client_.Call(Verb::post, "/api/v1/reviews", customer_token_, "").status, 400u);
  EXPECT_EQ(
      client_
          .Call(Verb::post, "/api/v1/reviews", customer_token_, "stars=5", {{"Content-Type", "text/plain"}})
          .status,
      415u);
  EXPECT_EQ(client_.Call(Verb::post, "/api/v1/reviews", customer_token_, std::string(70'000, ' ')).status,
            413u);
  EXPECT_EQ(orders_.calls(), 0);
  EXPECT_EQ(StoredReviews(), 0);
}

TEST_F(ReviewApiTest, OnlyCustomersWriteReviews) {
  const auto order = test::RandomId();
  orders_.Completed(order, customer_, provider_);
  const Json body = {{"order_id", order}, {"stars", 5}};
  auto anonymous = Post(body, "");
  EXPECT_EQ(anonymous.status, 401u);
  EXPECT_EQ(anonymous.raw[boost::beast::http::field::www_authenticate], "Bearer");
  EXPECT_EQ(Post(body, "garbage").status, 401u);
  EXPECT_EQ(Post(body, Token(provider_, identity::kProvider)).status, 403u);
  EXPECT_EQ(Post(body, Token(admin_, identity::kAdmin)).status, 403u);
  EXPECT_EQ(orders_.calls(), 0);
  EXPECT_EQ(StoredReviews(), 0);
  EXPECT_EQ(client_.Get("/api/v1/reviews", customer_token_).status, 405u);
}

TEST_F(ReviewApiTest, TheOrderServicesAnswerDecidesBeforeAnyReviewIsLookedAt) {
  // Someone else's order that already has a review: 403, not "already reviewed".
  const auto theirs = test::RandomId();
  orders_.Completed(theirs, customer_ + 100, provider_);
  ASSERT_EQ(Post({{"order_id", theirs}, {"stars", 5}}, Token(customer_ + 100, identity::kCustomer)).status,
            200u);
  orders_.Set(theirs, {403, {}});
  auto foreign = Post({{"order_id", theirs}, {"stars", 1}}, customer_token_);
  EXPECT_EQ(foreign.status, 403u);
  EXPECT_EQ(foreign.body["error"], "Permission denied");

  auto unknown = Post({{"order_id", test::RandomId()}, {"stars", 1}}, customer_token_);
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.body["error"], "Order not found");
  EXPECT_EQ(unknown.body["code"], "order_not_found");

  // The order service answers 200 for an order that is not the caller's (it should not): still 403.
  const auto odd = test::RandomId();
  orders_.Completed(odd, customer_ + 200, provider_);
  EXPECT_EQ(Post({{"order_id", odd}, {"stars", 1}}, customer_token_).status, 403u);

  auto rejected = PostWhenOrderServiceSays(401);
  EXPECT_EQ(rejected.status, 401u);
  EXPECT_EQ(rejected.body["code"], "token_rejected");
  EXPECT_EQ(StoredReviews(), 1);
}

TEST_F(ReviewApiTest, OnlyCompletedAndPaidOrdersCanBeReviewed) {
  struct Case {
    std::string status;
    std::string payment_status;
    std::string code;
  };
  for (const auto& c : std::vector<Case>{{"pending_review", "unpaid", "order_not_completed"},
                                         {"pending", "unpaid", "order_not_completed"},
                                         {"accepted", "unpaid", "order_not_completed"},
                                         {"in_progress", "unpaid", "order_not_completed"},
                                         {"cancelled", "unpaid", "order_not_completed"},
                                         {"completed", "unpaid", "order_not_paid"},
                                         {"completed", "refunded", "order_refunded"}}) {
    const auto order = test::RandomId();
    orders_.Completed(order, customer_, provider_, c.status, c.payment_status);
    auto answer = Post({{"order_id", order}, {"stars", 5}}, customer_token_);
    EXPECT_EQ(answer.status, 409u) << c.status << "/" << c.payment_status;
    EXPECT_EQ(answer.body["code"], c.code) << c.status << "/" << c.payment_status;
  }
  EXPECT_EQ(StoredReviews(), 0);
}

TEST_F(ReviewApiTest, OrderServiceTroubleIsA503AndNothingIsWritten) {
  auto failing = PostWhenOrderServiceSays(500);
  EXPECT_EQ(failing.status, 503u);
  EXPECT_EQ(failing.body["code"], "order_unavailable");

  EXPECT_EQ(PostWhenOrderServiceSays(299).status, 503u);  // 200 with a body that is not an order

  // A 4xx the order service gives for the id (it would not route it) is no order, never a 5xx.
  auto not_found = PostWhenOrderServiceSays(422);
  EXPECT_EQ(not_found.status, 404u);
  EXPECT_EQ(not_found.body["code"], "order_not_found");

  // Nothing listens on port 1.
  service::testing::Assembled down(
      review::Service(),
      service::testing::TestSettings(database_.get().options(), "order", "http://127.0.0.1:1"));
  auto unreachable =
      http::testing::ServiceClient(down.port())
          .Send(Verb::post, "/api/v1/reviews", customer_token_, {{"order_id", 5}, {"stars", 5}});
  EXPECT_EQ(unreachable.status, 503u);
  EXPECT_EQ(unreachable.body["code"], "order_unavailable");
  EXPECT_EQ(unreachable.body["message"], "Service unavailable");
  EXPECT_EQ(StoredReviews(), 0);
}

TEST_F(ReviewApiTest, RatingsArePublicAndRounded) {
  auto none = Get("/api/v1/reviews/provider/" + std::to_string(provider_) + "/rating");
  ASSERT_EQ(none.status, 200u) << none.body.dump();
  EXPECT_EQ(none.body["message"], "Success");
  EXPECT_EQ(none.body["data"],
            Json({{"provider_id", provider_}, {"average_rating", 5.0}, {"total_reviews", 0}}));

  for (int stars : {5, 4, 4}) {
    auto review = test::MakeReview(test::RandomId(), customer_, provider_, stars);
    ASSERT_TRUE(store_.Add(review, events::ReviewCreated(review)));
  }
  Recompute(provider_);
  auto rated = Get("/api/v1/reviews/provider/" + std::to_string(provider_) + "/rating");
  EXPECT_EQ(rated.body["data"]["average_rating"].dump(), "4.33");
  EXPECT_EQ(rated.body["data"]["total_reviews"], 3);

  // The provider's own view needs a provider's token.
  auto mine = Get("/api/v1/reviews/provider/me/rating", Token(provider_, identity::kProvider));
  ASSERT_EQ(mine.status, 200u) << mine.body.dump();
  EXPECT_EQ(mine.body["data"], rated.body["data"]);
  EXPECT_EQ(Get("/api/v1/reviews/provider/me/rating", customer_token_).status, 403u);
  EXPECT_EQ(Get("/api/v1/reviews/provider/me/rating").status, 401u);
  EXPECT_EQ(Get("/api/v1/reviews/provider/me/reviews", customer_token_).status, 403u);

  EXPECT_EQ(Get("/api/v1/reviews/provider/abc/rating").status, 422u);
  EXPECT_EQ(Get("/api/v1/reviews/provider/0/rating").status, 422u);
  EXPECT_EQ(Get("/api/v1/reviews/provider/99999999999999999999/rating").status, 422u);
  EXPECT_EQ(Get("/api/v1/reviews/provider/me").status, 422u);  // as the reference: not an id
  EXPECT_EQ(Get("/api/v1/reviews/nothing").status, 404u);
}

TEST_F(ReviewApiTest, ReviewListsArePublicPaginatedNewestFirst) {
  const auto base = time::FromUnixSeconds(1'761'382'800);
  std::vector<std::int64_t> orders;
  for (int i = 0; i < 4; ++i) {
    orders.push_back(test::RandomId());
    auto review =
        test::MakeReview(orders.back(), customer_ + i, provider_, 1 + i, base + std::chrono::minutes(i),
                         i == 0 ? std::nullopt : std::optional<std::string>("Text " + std::to_string(i)));
    ASSERT_TRUE(store_.Add(review, events::ReviewCreated(review)));
  }
  auto page = Get("/api/v1/reviews/provider/" + std::to_string(provider_) + "?limit=2&offset=1");
  ASSERT_EQ(page.status, 200u) << page.body.dump();
  EXPECT_EQ(page.raw["X-Total-Count"], "4");
  ASSERT_EQ(page.body["data"].size(), 2u);
  EXPECT_EQ(page.body["data"][0], Json({{"order_id", orders[2]},
                                        {"customer_id", customer_ + 2},
                                        {"stars", 3},
                                        {"content", "Text 2"},
                                        {"created_at", "2025-10-25T09:02:00Z"}}));
  EXPECT_EQ(page.body["data"][1]["order_id"], orders[1]);

  auto mine = Get("/api/v1/reviews/provider/me/reviews", Token(provider_, identity::kProvider));
  ASSERT_EQ(mine.status, 200u);
  ASSERT_EQ(mine.body["data"].size(), 4u);
  EXPECT_EQ(mine.body["data"][0]["order_id"], orders[3]);
  EXPECT_TRUE(mine.body["data"][3]["content"].is_null());
  EXPECT_EQ(mine.raw["X-Total-Count"], "4");

  auto empty = Get("/api/v1/reviews/provider/" + std::to_string(provider_ + 50));
  EXPECT_EQ(empty.body["data"], Json::array());
  EXPECT_EQ(empty.raw["X-Total-Count"], "0");
  for (const char* query : {"?limit=0", "?limit=201", "?offset=-1", "?limit=abc"}) {
    EXPECT_EQ(Get("/api/v1/reviews/provider/" + std::to_string(provider_) + query).status, 422u) << query;
  }
}

TEST_F(ReviewApiTest, AnOrdersReviewIsReadByItsPartiesOnly) {
  const auto order = test::RandomId();
  orders_.Completed(order, customer_, provider_);
  ASSERT_EQ(Post({{"order_id", order}, {"stars", 3}}, customer_token_).status, 200u);
  const std::string target = "/api/v1/reviews/order/" + std::to_string(order);

  auto provider = Get(target, Token(provider_, identity::kProvider));
  ASSERT_EQ(provider.status, 200u) << provider.body.dump();
  EXPECT_EQ(orders_.last_path(), "/api/v1/provider/orders/my/" + std::to_string(order));
  EXPECT_EQ(provider.body["data"]["stars"], 3);

  const auto admin_token = Token(admin_, identity::kAdmin);
  auto admin = Get(target, admin_token);
  ASSERT_EQ(admin.status, 200u);
  EXPECT_EQ(orders_.last_path(), "/api/v1/admin/orders/" + std::to_string(order));
  EXPECT_EQ(orders_.last_authorization(), "Bearer " + admin_token);

  // A stranger: the order service says 403, and nothing about the review leaks.
  orders_.Set(order, {403, {}});
  auto stranger = Get(target, Token(customer_ + 1, identity::kCustomer));
  EXPECT_EQ(stranger.status, 403u);
  EXPECT_TRUE(stranger.body["data"].is_null());

  EXPECT_EQ(Get(target).status, 401u);
  EXPECT_EQ(Get(target, Token(customer_, 7)).status, 403u);  // an unknown role

  const auto unreviewed = test::RandomId();
  orders_.Completed(unreviewed, customer_, provider_);
  auto missing = Get("/api/v1/reviews/order/" + std::to_string(unreviewed), customer_token_);
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body["error"], "Review not found for this order");
  EXPECT_EQ(missing.body["code"], "review_not_found");
  auto unknown = Get("/api/v1/reviews/order/" + std::to_string(test::RandomId()), customer_token_);
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.body["code"], "order_not_found");
  EXPECT_EQ(Get("/api/v1/reviews/order/abc", customer_token_).status, 422u);
}

TEST(ReviewApiOutageTest, MongoDownIsA503) {
  FakeOrderService orders;
  service::testing::Assembled service(
      review::Service(), service::testing::TestSettings(test::UnreachableMongo(), "order", orders.url()));
  http::testing::ServiceClient client(service.port());
  const auto customer = test::RandomId();
  const auto order = test::RandomId();
  orders.Completed(order, customer, customer + 1);
  for (const char* target : {"/api/v1/reviews/provider/5/rating", "/api/v1/reviews/provider/5"}) {
    auto answer = client.Get(target);
    EXPECT_EQ(answer.status, 503u) << target;
    EXPECT_EQ(answer.body["code"], "store_unavailable") << target;
  }
  auto post = client.Send(Verb::post, "/api/v1/reviews", Token(customer, identity::kCustomer),
                          {{"order_id", order}, {"stars", 5}});
  EXPECT_EQ(post.status, 503u);
  EXPECT_EQ(post.body["code"], "store_unavailable");
}

}  // namespace
}  // namespace mp::review::api

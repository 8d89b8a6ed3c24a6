// The review service's shapes without any server: reading the POST body, what clients see for each
// refusal, the JSON of reviews and ratings, and the events.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/topology.hpp"
#include "libs/core/error.hpp"
#include "libs/core/testing/api_error.hpp"
#include "libs/core/validation.hpp"
#include "services/review/src/api/refusals.hpp"
#include "services/review/src/api/review_json.hpp"
#include "services/review/src/events/review_events.hpp"

namespace mp::review::api {
namespace {

using Json = nlohmann::json;

// The 422 details of reading `body`, as (field, problem) pairs; empty when it passed.
std::vector<std::pair<std::string, std::string>> Problems(const Json& body) {
  try {
    ReadNewReview(body);
  } catch (const ApiError& error) {
    EXPECT_EQ(error.kind(), ApiError::Kind::kValidation);
    std::vector<std::pair<std::string, std::string>> problems;
    for (const auto& p : error.details()) problems.emplace_back(p.field, p.problem);
    return problems;
  }
  return {};
}

using Problem = std::pair<std::string, std::string>;

TEST(ReadNewReview, AcceptsAWellFormedReview) {
  auto review = ReadNewReview({{"order_id", 42}, {"stars", 4}, {"content", "Quick and tidy."}});
  EXPECT_EQ(review.order_id, 42);
  EXPECT_EQ(review.stars, 4);
  EXPECT_EQ(review.content, "Quick and tidy.");

  auto without_text = ReadNewReview({{"order_id", 1}, {"stars", 1}});
  EXPECT_FALSE(without_text.content);
  EXPECT_FALSE(ReadNewReview({{"order_id", 1}, {"stars", 5}, {"content", nullptr}}).content);
  EXPECT_FALSE(ReadNewReview({{"order_id", 1}, {"stars", 5}, {"content", ""}}).content);
  EXPECT_FALSE(ReadNewReview({{"order_id", 1}, {"stars", 5}, {"content", " \u00a0\u200b\n"}}).content);
  // A whole number written as a float is that integer (as the reference's pydantic model accepts it).
  EXPECT_EQ(ReadNewReview({{"order_id", 1}, {"stars", 3.0}}).stars, 3);
  // Unknown keys are ignored, as the reference does.
  EXPECT_EQ(ReadNewReview({{"order_id", 1}, {"stars", 2}, {"provider_id", 9}}).stars, 2);
}

TEST(ReadNewReview, StarsMustBeAnIntegerFromOneToFive) {
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 0}}),
            (std::vector<Problem>{{"stars", "must be between 1 and 5"}}));
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 6}}),
            (std::vector<Problem>{{"stars", "must be between 1 and 5"}}));
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", -3}}),
            (std::vector<Problem>{{"stars", "must be between 1 and 5"}}));
  for (const Json& bad : {Json(4.5), Json("5"), Json(true), Json::array({5}), Json::object()}) {
    EXPECT_EQ(Problems({{"order_id", 1}, {"stars", bad}}),
              (std::vector<Problem>{{"stars", "must be an integer"}}))
        << bad.dump();
  }
  EXPECT_EQ(Problems({{"order_id", 1}}), (std::vector<Problem>{{"stars", "is required"}}));
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", nullptr}}),
            (std::vector<Problem>{{"stars", "is required"}}));
  EXPECT_EQ(Problems({{"order_id", 1000000000000000000}, {"stars", 5}}),
            (std::vector<Problem>{{"order_id", std::string(mp::kIdProblem)}}));
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 18446744073709551615ULL}}),
            (std::vector<Problem>{{"stars", "must be between 1 and 5"}}));
}

TEST(ReadNewReview, ContentIsAtMostTwoThousandCharactersOfText) {
  EXPECT_TRUE(Problems({{"order_id", 1}, {"stars", 5}, {"content", std::string(2000, 'x')}}).empty());
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 5}, {"content", std::string(2001, 'x')}}),
            (std::vector<Problem>{{"content", "must be at most 2000 characters"}}));
  // Characters, not bytes: 2,000 two-byte letters are fine.
  std::string umlauts;
  for (int i = 0; i < 2000; ++i) umlauts += "\xc3\xa4";
  EXPECT_TRUE(Problems({{"order_id", 1}, {"stars", 5}, {"content", umlauts}}).empty());
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 5}, {"content", umlauts + "\xc3\xa4"}}),
            (std::vector<Problem>{{"content", "must be at most 2000 characters"}}));
  EXPECT_TRUE(
      Problems({{"order_id", 1}, {"stars", 5}, {"content", "Line one\nline two\r\n\tindented"}}).empty());
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 5}, {"content", std::string("bell\x07")}}),
            (std::vector<Problem>{{"content", "must not contain control characters"}}));
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 5}, {"content", std::string("nul\0x", 5)}}),
            (std::vector<Problem>{{"content", "must not contain control characters"}}));
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 5}, {"content", 5}}),
            (std::vector<Problem>{{"content", "must be a string"}}));
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 5}, {"content", {{"$ne", nullptr}}}}),
            (std::vector<Problem>{{"content", "must be a string"}}));
}

TEST(ReadNewReview, OrderIdMustBeAPositiveIntegerAndEveryProblemIsListed) {
  EXPECT_EQ(Problems({{"stars", 5}}), (std::vector<Problem>{{"order_id", "is required"}}));
  EXPECT_EQ(Problems({{"order_id", 0}, {"stars", 5}}),
            (std::vector<Problem>{{"order_id", std::string(mp::kIdProblem)}}));
  EXPECT_EQ(Problems({{"order_id", "7"}, {"stars", 5}}),
            (std::vector<Problem>{{"order_id", "must be an integer"}}));
  EXPECT_EQ(Problems({{"order_id", {{"$gt", 0}}}, {"stars", 5}}),
            (std::vector<Problem>{{"order_id", "must be an integer"}}));
  EXPECT_EQ(Problems(Json::object()),
            (std::vector<Problem>{{"order_id", "is required"}, {"stars", "is required"}}));
  EXPECT_EQ(Problems({{"order_id", -1}, {"stars", 9}, {"content", std::string(2001, 'x')}}).size(), 3u);
}

// What the client sees for a refusal: (status kind, code, error text).
using mp::testing::Seen;
using mp::testing::SeenError;
using Kind = ApiError::Kind;

TEST(ToApiError, ReviewRefusalsKeepTheirStatusCodeAndText) {
  using domain::ReviewRefusal;
  const std::pair<ReviewRefusal, SeenError> cases[] = {
      {ReviewRefusal::kNotYourOrder, {Kind::kForbidden, "forbidden", "Permission denied"}},
      {ReviewRefusal::kAlreadyReviewed,
       {Kind::kConflict, "order_already_reviewed", "Order already reviewed"}},
      {ReviewRefusal::kNotCompleted,
       {Kind::kConflict, "order_not_completed", "You can only review completed orders"}},
      {ReviewRefusal::kRefunded, {Kind::kConflict, "order_refunded", "A refunded order cannot be reviewed"}},
      {ReviewRefusal::kNotPaid, {Kind::kConflict, "order_not_paid", "You can only review paid orders"}},
      {ReviewRefusal::kNoProvider,
       {Kind::kConflict, "order_without_provider", "The order has no provider to review"}}};
  for (const auto& [refusal, seen] : cases) EXPECT_EQ(Seen(ToApiError(refusal)), seen);
}

TEST(ToApiError, OrderServiceFailuresKeepTheirStatusCodeAndText) {
  using clients::OrderLookupFailure;
  const std::pair<OrderLookupFailure, SeenError> cases[] = {
      {OrderLookupFailure::kNotFound, {Kind::kNotFound, "order_not_found", "Order not found"}},
      {OrderLookupFailure::kNotYours, {Kind::kForbidden, "forbidden", "Permission denied"}},
      {OrderLookupFailure::kTokenRejected,
       {Kind::kUnauthorized, "token_rejected", "Token rejected by the order service"}},
      {OrderLookupFailure::kTimedOut,
       {Kind::kUnavailable, "order_unavailable", "Order service unavailable: timed out"}},
      {OrderLookupFailure::kUnreachable,
       {Kind::kUnavailable, "order_unavailable", "Order service unavailable: unreachable"}},
      {OrderLookupFailure::kUnexpectedAnswer,
       {Kind::kUnavailable, "order_unavailable", "Order service unavailable: unexpected answer"}}};
  for (const auto& [failure, seen] : cases) EXPECT_EQ(Seen(ToApiError(failure)), seen);
}

TEST(RatingJson, TheAverageHasAtMostTwoDecimals) {
  auto average = [](std::int64_t n, std::int64_t sum) {
    return RatingJson(1, {n, sum})["average_rating"].dump();
  };
  EXPECT_EQ(average(3, 10), "3.33");
  EXPECT_EQ(average(40, 107), "2.68");
  EXPECT_EQ(average(2, 9), "4.5");
  EXPECT_EQ(average(3, 15), "5.0");
  // Every mean of up to 300 reviews prints with at most 2 decimals.
  for (std::int64_t n = 1; n <= 300; ++n) {
    for (std::int64_t sum = n; sum <= 5 * n; ++sum) {
      auto text = average(n, sum);
      auto dot = text.find('.');
      ASSERT_NE(dot, std::string::npos) << text;
      ASSERT_LE(text.size() - dot - 1, 2u) << n << " " << sum << " -> " << text;
    }
  }
}

}  // namespace
}  // namespace mp::review::api

namespace mp::review {
namespace {

using Json = nlohmann::json;

domain::Review SampleReview(std::optional<std::string> content) {
  return domain::Review{.order_id = 7,
                        .customer_id = 11,
                        .provider_id = 22,
                        .stars = 4,
                        .content = std::move(content),
                        .created_at = time::FromUnixSeconds(1'761'382'800) + std::chrono::milliseconds(250)};
}

TEST(ReviewJson, ListItemsHaveTheReferenceKeys) {
  EXPECT_EQ(api::ReviewItemJson(SampleReview("Good")),
            Json::parse(R"({"order_id": 7, "customer_id": 11, "stars": 4, "content": "Good",
                            "created_at": "2025-10-25T09:00:00Z"})"));
  EXPECT_TRUE(api::ReviewItemJson(SampleReview(std::nullopt))["content"].is_null());
  EXPECT_EQ(api::ReviewDetailJson(SampleReview("Good")),
            Json::parse(R"({"review_id": "7", "order_id": 7, "customer_id": 11, "provider_id": 22, "stars": 4,
                            "content": "Good", "created_at": "2025-10-25T09:00:00Z"})"));
  EXPECT_EQ(api::RatingJson(22, {3, 13}),
            Json::parse(R"({"provider_id": 22, "average_rating": 4.33, "total_reviews": 3})"));
  EXPECT_EQ(api::RatingJson(22, {}),
            Json::parse(R"({"provider_id": 22, "average_rating": 5.0, "total_reviews": 0})"));
}

TEST(ReviewEvents, ReviewCreatedCarriesWhatOrderAndNotificationNeed) {
  auto event = events::ReviewCreated(SampleReview(std::nullopt));
  EXPECT_EQ(event.exchange, "review_events");
  EXPECT_EQ(event.routing_key, "review.created");
  EXPECT_EQ(event.body["event_type"], "review.created");
  EXPECT_EQ(event.body["event_id"], event.event_id);
  EXPECT_EQ(event.body["review_id"], "7");
  EXPECT_EQ(event.body["order_id"], 7);
  EXPECT_EQ(event.body["customer_id"], 11);
  EXPECT_EQ(event.body["provider_id"], 22);
  EXPECT_EQ(event.body["stars"], 4);
  EXPECT_EQ(event.body["content"], "");  // the reference sends "" for no text
  EXPECT_EQ(event.body["occurred_at"], "2025-10-25T09:00:00Z");
  EXPECT_EQ(events::ReviewCreated(SampleReview("Nice"), "test_x").exchange, "test_x");
  EXPECT_EQ(events::ReviewCreated(SampleReview("Nice")).body["content"], "Nice");
}

TEST(ReviewEvents, RatingUpdatedCarriesTheRoundedRatingAndTotals) {
  auto event = events::RatingUpdated(22, {3, 10}, time::FromUnixSeconds(1'761'382'800));
  EXPECT_EQ(event.exchange, "review_events");
  EXPECT_EQ(event.routing_key, "rating.updated");
  EXPECT_EQ(event.body["provider_id"], 22);
  EXPECT_EQ(event.body["rating"].dump(), "3.33");
  EXPECT_EQ(event.body["average_rating"].dump(), "3.33");
  EXPECT_EQ(event.body["total_reviews"], 3);
  EXPECT_EQ(event.body["stars_sum"], 10);
  EXPECT_EQ(event.body["occurred_at"], "2025-10-25T09:00:00Z");
}

TEST(ReviewEvents, TheRatingsQueueListensToReviewCreatedOnly) {
  auto spec = events::RatingsQueue();
  EXPECT_EQ(spec.queue, "review.ratings");
  ASSERT_EQ(spec.bindings.size(), 1u);
  EXPECT_EQ(spec.bindings[0], (std::pair<std::string, std::string>{"review_events", "review.created"}));
  EXPECT_EQ(spec.bindings, bus::SubscriptionsOf(spec.queue)) << "the topology declares what the queue binds";
  EXPECT_EQ(spec.max_attempts, 5);
}

}  // namespace
}  // namespace mp::review

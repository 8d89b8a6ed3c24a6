// The review rules without any server: the POST body, who may review what, the rating maths and rounding,
// the JSON shapes and the events.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libs/core/error.hpp"
#include "services/review/src/api/review_api.hpp"
#include "services/review/src/domain/review.hpp"
#include "services/review/src/events/review_events.hpp"

namespace mp::review::domain {
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
  EXPECT_EQ(ReadNewReview({{"order_id", 1}, {"stars", 5}, {"content", ""}}).content, "");
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
  EXPECT_EQ(Problems({{"order_id", 1}, {"stars", 18446744073709551615ULL}}),
            (std::vector<Problem>{{"stars", "is out of range"}}));
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
            (std::vector<Problem>{{"order_id", "must be between 1 and 9223372036854775807"}}));
  EXPECT_EQ(Problems({{"order_id", "7"}, {"stars", 5}}),
            (std::vector<Problem>{{"order_id", "must be an integer"}}));
  EXPECT_EQ(Problems({{"order_id", {{"$gt", 0}}}, {"stars", 5}}),
            (std::vector<Problem>{{"order_id", "must be an integer"}}));
  EXPECT_EQ(Problems(Json::object()),
            (std::vector<Problem>{{"order_id", "is required"}, {"stars", "is required"}}));
  EXPECT_EQ(Problems({{"order_id", -1}, {"stars", 9}, {"content", std::string(2001, 'x')}}).size(), 3u);
}

OrderFacts Reviewable() {
  return OrderFacts{.order_id = 7,
                    .customer_id = 11,
                    .provider_id = 22,
                    .status = "completed",
                    .payment_status = "paid",
                    .has_review = false};
}

// The ApiError of ReviewFor, or nullopt when it succeeded.
std::optional<ApiError> Refusal(const OrderFacts& order, std::int64_t caller = 11) {
  try {
    ReviewFor(order, caller, NewReview{order.order_id, 5, std::nullopt}, time::Now());
  } catch (const ApiError& error) {
    return error;
  }
  return std::nullopt;
}

TEST(ReviewFor, ACompletedPaidOrderOfTheCallerCanBeReviewed) {
  const auto now = time::FromUnixSeconds(1'761'382'800);
  auto review = ReviewFor(Reviewable(), 11, NewReview{7, 4, "Good"}, now);
  EXPECT_EQ(review.order_id, 7);
  EXPECT_EQ(review.customer_id, 11);
  EXPECT_EQ(review.provider_id, 22);
  EXPECT_EQ(review.stars, 4);
  EXPECT_EQ(review.content, "Good");
  EXPECT_EQ(review.created_at, now);
}

TEST(ReviewFor, RefusesWithTheRightStatusAndCode) {
  auto other = Refusal(Reviewable(), 12);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->kind(), ApiError::Kind::kForbidden);
  EXPECT_EQ(other->error(), "Permission denied");

  struct Case {
    std::string status;
    std::string payment_status;
    bool has_review;
    std::string code;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"reviewed", "paid", true, "order_already_reviewed", "Order already reviewed"},
      {"reviewed", "paid", false, "order_already_reviewed", "Order already reviewed"},
      {"completed", "paid", true, "order_already_reviewed", "Order already reviewed"},
      {"pending_review", "unpaid", false, "order_not_completed", "You can only review completed orders"},
      {"pending", "unpaid", false, "order_not_completed", "You can only review completed orders"},
      {"accepted", "unpaid", false, "order_not_completed", "You can only review completed orders"},
      {"in_progress", "unpaid", false, "order_not_completed", "You can only review completed orders"},
      {"cancelled", "unpaid", false, "order_not_completed", "You can only review completed orders"},
      {"completed", "unpaid", false, "order_not_paid", "You can only review paid orders"},
      {"completed", "refunded", false, "order_refunded", "A refunded order cannot be reviewed"},
  };
  for (const auto& c : cases) {
    auto order = Reviewable();
    order.status = c.status;
    order.payment_status = c.payment_status;
    order.has_review = c.has_review;
    auto refusal = Refusal(order);
    ASSERT_TRUE(refusal) << c.status << "/" << c.payment_status;
    EXPECT_EQ(refusal->kind(), ApiError::Kind::kConflict) << c.status << "/" << c.payment_status;
    EXPECT_EQ(refusal->code(), c.code) << c.status << "/" << c.payment_status;
    EXPECT_EQ(refusal->error(), c.error) << c.status << "/" << c.payment_status;
  }

  auto no_provider = Reviewable();
  no_provider.provider_id.reset();
  auto refusal = Refusal(no_provider);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->kind(), ApiError::Kind::kConflict);
  EXPECT_EQ(refusal->code(), "order_without_provider");
}

TEST(ReviewFor, OwnershipIsCheckedBeforeTheOrdersState) {
  // Someone else's reviewed order says 403, never "already reviewed".
  auto order = Reviewable();
  order.status = "reviewed";
  order.has_review = true;
  auto refusal = Refusal(order, 99);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->kind(), ApiError::Kind::kForbidden);
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

TEST(Rating, TheAverageHasAtMostTwoDecimalsInJson) {
  EXPECT_EQ(Json(AverageRating({3, 10})).dump(), "3.33");
  EXPECT_EQ(Json(AverageRating({40, 107})).dump(), "2.68");
  EXPECT_EQ(Json(AverageRating({2, 9})).dump(), "4.5");
  EXPECT_EQ(Json(AverageRating({3, 15})).dump(), "5.0");
  // Every mean of up to 300 reviews prints with at most 2 decimals.
  for (std::int64_t n = 1; n <= 300; ++n) {
    for (std::int64_t sum = n; sum <= 5 * n; ++sum) {
      auto text = Json(AverageRating({n, sum})).dump();
      auto dot = text.find('.');
      ASSERT_NE(dot, std::string::npos) << text;
      ASSERT_LE(text.size() - dot - 1, 2u) << n << " " << sum << " -> " << text;
      // And it is the nearest hundredth of the exact mean.
      double exact = static_cast<double>(sum) / static_cast<double>(n);
      ASSERT_LE(std::abs(AverageRating({n, sum}) - exact), 0.005 + 1e-9) << n << " " << sum;
    }
  }
}

TEST(ReviewId, IsTheOrderIdAsText) { EXPECT_EQ(ReviewId(123), "123"); }

}  // namespace
}  // namespace mp::review::domain

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
  EXPECT_EQ(spec.max_attempts, 5);
}

}  // namespace
}  // namespace mp::review

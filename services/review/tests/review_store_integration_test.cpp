// The MongoDB store against a real server (FerretDB locally): one review per order, the outbox entries in
// the written documents, lists, and ratings that stay exact under concurrent recomputes.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/mongo/outbox.hpp"
#include "services/review/src/events/review_events.hpp"
#include "services/review/src/store/review_store.hpp"
#include "services/review/tests/review_test_support.hpp"

namespace mp::review::store {
namespace {

using mongo::Document;
using Json = nlohmann::json;

bus::Event RatingEvent(std::int64_t provider_id, const domain::RatingTotals& totals, time::TimePoint at) {
  return events::RatingUpdated(provider_id, totals, at);
}

class ReviewStoreTest : public ::testing::Test {
 protected:
  ReviewStoreTest() : store_(db_.get()) { store_.EnsureIndexes(); }

  bool Add(const domain::Review& review) { return store_.Add(review, events::ReviewCreated(review)); }

  std::vector<Json> Snapshots(std::int64_t provider_id) {
    mongo::FindOptions options;
    options.sort = Document{{"total_reviews", 1}};
    return db_.get().collection(kProviderRatings).Find(Document{{"provider_id", provider_id}}, options);
  }

  test::TestDatabase db_;
  ReviewStore store_;
  const std::int64_t provider_ = test::RandomId();
  const std::int64_t customer_ = test::RandomId() + 1;
};

TEST_F(ReviewStoreTest, OneReviewPerOrder) {
  const auto order = test::RandomId();
  EXPECT_TRUE(Add(test::MakeReview(order, customer_, provider_, 4)));
  EXPECT_FALSE(Add(test::MakeReview(order, customer_, provider_, 1)));
  auto stored = store_.FindByOrder(order);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->stars, 4);
  EXPECT_EQ(store_.ListByProvider(provider_, 50, 0).total, 1);
}

TEST_F(ReviewStoreTest, ConcurrentReviewsOfOneOrderHaveExactlyOneWinner) {
  const auto order = test::RandomId();
  std::atomic<int> added{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  threads.reserve(20);
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      if (Add(test::MakeReview(order, customer_, provider_, 1 + i % 5))) {
        ++added;
      } else {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(added.load(), 1);
  EXPECT_EQ(refused.load(), 19);
  EXPECT_EQ(db_.get().collection(kReviews).Count(Document{{"order_id", order}}), 1);
}

TEST_F(ReviewStoreTest, TheReviewCarriesItsReviewCreatedEventInItsOutbox) {
  const auto order = test::RandomId();
  auto review =
      test::MakeReview(order, customer_, provider_, 5, time::FromUnixSeconds(1'761'382'800), "Great");
  auto event = events::ReviewCreated(review);
  ASSERT_TRUE(store_.Add(review, event));

  auto doc = db_.get().collection(kReviews).FindOne(Document{{"_id", order}});
  ASSERT_TRUE(doc);
  ASSERT_TRUE((*doc)[mongo::kOutboxField].is_array());
  ASSERT_EQ((*doc)[mongo::kOutboxField].size(), 1u);
  const auto& entry = (*doc)[mongo::kOutboxField][0];
  EXPECT_EQ(entry["event_id"], event.event_id);
  EXPECT_EQ(entry["exchange"], "review_events");
  EXPECT_EQ(entry["routing_key"], "review.created");
  auto body = Json::parse(entry["body"].get<std::string>());
  EXPECT_EQ(body["order_id"], order);
  EXPECT_EQ(body["customer_id"], customer_);
  EXPECT_EQ(body["provider_id"], provider_);
  EXPECT_EQ(body["stars"], 5);
  EXPECT_EQ(body["content"], "Great");
  EXPECT_EQ(body["review_id"], std::to_string(order));
  EXPECT_EQ(body["occurred_at"], "2025-10-25T09:00:00Z");

  // The refused duplicate left no second event behind.
  EXPECT_FALSE(store_.Add(review, events::ReviewCreated(review)));
  EXPECT_EQ(
      db_.get().collection(kReviews).FindOne(Document{{"_id", order}}).value()[mongo::kOutboxField].size(),
      1u);
}

TEST_F(ReviewStoreTest, ListsAreNewestFirstPaginatedAndPerProvider) {
  const auto base = time::FromUnixSeconds(1'761'382'800);
  std::vector<std::int64_t> orders;
  for (int i = 0; i < 5; ++i) {
    orders.push_back(test::RandomId());
    ASSERT_TRUE(Add(
        test::MakeReview(orders.back(), customer_ + i, provider_, 1 + i, base + std::chrono::seconds(i),
                         i == 0 ? std::nullopt : std::optional<std::string>("Review " + std::to_string(i)))));
  }
  ASSERT_TRUE(Add(test::MakeReview(test::RandomId(), customer_, provider_ + 1, 3)));  // another provider

  auto page = store_.ListByProvider(provider_, 2, 1);
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].order_id, orders[3]);
  EXPECT_EQ(page.items[1].order_id, orders[2]);
  EXPECT_EQ(page.items[0].stars, 4);
  EXPECT_EQ(page.items[0].content, "Review 3");
  EXPECT_EQ(page.items[0].created_at, base + std::chrono::seconds(3));
  EXPECT_EQ(page.items[0].provider_id, provider_);

  auto all = store_.ListByProvider(provider_, 50, 0);
  ASSERT_EQ(all.items.size(), 5u);
  EXPECT_EQ(all.items.back().order_id, orders[0]);
  EXPECT_FALSE(all.items.back().content);
  EXPECT_TRUE(store_.ListByProvider(provider_, 50, 5).items.empty());
  EXPECT_EQ(store_.ListByProvider(provider_ + 2, 50, 0).total, 0);
  EXPECT_FALSE(store_.FindByOrder(test::RandomId()));
}

TEST_F(ReviewStoreTest, RatingCountsEveryReviewNotJustTheFirstHundred) {
  std::int64_t sum = 0;
  for (int i = 0; i < 150; ++i) {
    int stars = 1 + (i * 7) % 5;
    sum += stars;
    ASSERT_TRUE(Add(test::MakeReview(test::RandomId(), customer_, provider_, stars)));
  }
  EXPECT_EQ(store_.Tally(provider_), (domain::RatingTotals{150, sum}));
  EXPECT_EQ(store_.Rating(provider_), (domain::RatingTotals{}));  // nothing computed yet

  auto update = store_.RecomputeRating(provider_, time::Now(), RatingEvent);
  EXPECT_TRUE(update.written);
  EXPECT_EQ(update.totals, (domain::RatingTotals{150, sum}));
  EXPECT_EQ(store_.Rating(provider_), (domain::RatingTotals{150, sum}));

  // Nothing new: nothing written, no second event.
  auto again = store_.RecomputeRating(provider_, time::Now(), RatingEvent);
  EXPECT_FALSE(again.written);
  EXPECT_EQ(again.totals, (domain::RatingTotals{150, sum}));
  auto snapshots = Snapshots(provider_);
  ASSERT_EQ(snapshots.size(), 1u);
  EXPECT_EQ(snapshots[0]["_id"], SnapshotId(provider_, 150));
  EXPECT_EQ(snapshots[0]["stars_sum"], sum);
  EXPECT_EQ(snapshots[0]["rating"], domain::AverageRating({150, sum}));
  ASSERT_EQ(snapshots[0][mongo::kOutboxField].size(), 1u);
  const auto& entry = snapshots[0][mongo::kOutboxField][0];
  EXPECT_EQ(entry["routing_key"], "rating.updated");
  auto body = Json::parse(entry["body"].get<std::string>());
  EXPECT_EQ(body["provider_id"], provider_);
  EXPECT_EQ(body["total_reviews"], 150);
  EXPECT_EQ(body["rating"], domain::AverageRating({150, sum}));
}

// 400 reviews of one provider submitted at once, each followed by its recompute (as the review service does
// on every review.created): the newest rating counts all 400, exactly.
TEST_F(ReviewStoreTest, FourHundredConcurrentReviewsGiveAnExactRating) {
  constexpr int kReviews = 400;
  std::atomic<std::int64_t> sum{0};
  std::vector<std::thread> threads;
  threads.reserve(kReviews);
  for (int i = 0; i < kReviews; ++i) {
    threads.emplace_back([&, i] {
      const int stars = 1 + (i * 7) % 5;
      sum += stars;
      EXPECT_TRUE(Add(test::MakeReview(test::RandomId(), customer_ + i, provider_, stars)));
      store_.RecomputeRating(provider_, time::Now(), RatingEvent);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store_.Rating(provider_), (domain::RatingTotals{kReviews, sum.load()}));
  EXPECT_EQ(store_.ListByProvider(provider_, 1, 0).total, kReviews);
}

TEST_F(ReviewStoreTest, AProviderWithoutReviewsGetsNoRatingDocument) {
  auto update = store_.RecomputeRating(provider_, time::Now(), RatingEvent);
  EXPECT_FALSE(update.written);
  EXPECT_EQ(update.totals, (domain::RatingTotals{}));
  EXPECT_TRUE(Snapshots(provider_).empty());
}

TEST_F(ReviewStoreTest, OlderSnapshotsArePrunedOnlyOnceTheirEventWasPublished) {
  ASSERT_TRUE(Add(test::MakeReview(test::RandomId(), customer_, provider_, 5)));
  ASSERT_TRUE(store_.RecomputeRating(provider_, time::Now(), RatingEvent).written);
  ASSERT_TRUE(Add(test::MakeReview(test::RandomId(), customer_, provider_, 3)));
  ASSERT_TRUE(store_.RecomputeRating(provider_, time::Now(), RatingEvent).written);
  // Both events still wait for the relay: both snapshots stay.
  EXPECT_EQ(Snapshots(provider_).size(), 2u);

  // The relay publishes the first one: its outbox ends up empty.
  db_.get()
      .collection(kProviderRatings)
      .UpdateOne(Document{{"_id", SnapshotId(provider_, 1)}},
                 Document{{"$set", Document{{mongo::kOutboxField, mongo::Array{}}}}});

  ASSERT_TRUE(Add(test::MakeReview(test::RandomId(), customer_, provider_, 1)));
  ASSERT_TRUE(store_.RecomputeRating(provider_, time::Now(), RatingEvent).written);
  auto snapshots = Snapshots(provider_);
  ASSERT_EQ(snapshots.size(), 2u);  // 1 is gone, 2 waits for the relay, 3 is new
  EXPECT_EQ(snapshots[0]["total_reviews"], 2);
  EXPECT_EQ(snapshots[1]["total_reviews"], 3);
  EXPECT_EQ(store_.Rating(provider_), (domain::RatingTotals{3, 9}));
}

// The brief's scenario at the store level: 100 reviews of 100 orders of one provider written by 100 threads,
// each thread recomputing the rating right after its own review (as if every review had its own consumer
// replica). Whatever the interleaving, the stored rating ends exact, each number of reviews has at most one
// snapshot, and the newest rating.updated carries the exact mean.
TEST_F(ReviewStoreTest, ConcurrentReviewsAndRecomputesEndWithTheExactRating) {
  constexpr int kReviews = 100;
  std::vector<int> stars(kReviews);
  std::vector<std::int64_t> orders(kReviews);
  std::int64_t sum = 0;
  std::mt19937 rng{std::random_device{}()};
  for (int i = 0; i < kReviews; ++i) {
    stars[i] = 1 + static_cast<int>(rng() % 5);
    sum += stars[i];
    orders[i] = test::RandomId();
  }
  std::atomic<int> written{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kReviews);
  for (int i = 0; i < kReviews; ++i) {
    threads.emplace_back([&, i] {
      try {
        if (!Add(test::MakeReview(orders[i], customer_ + i, provider_, stars[i]))) ++failures;
        if (store_.RecomputeRating(provider_, time::Now(), RatingEvent).written) ++written;
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_GE(written.load(), 1);

  const domain::RatingTotals exact{kReviews, sum};
  EXPECT_EQ(store_.Tally(provider_), exact);
  EXPECT_EQ(store_.Rating(provider_), exact);

  // Every snapshot is a distinct number of reviews; the newest carries the exact rating in its event.
  auto snapshots = Snapshots(provider_);
  ASSERT_FALSE(snapshots.empty());
  std::set<std::int64_t> totals;
  for (const auto& s : snapshots) EXPECT_TRUE(totals.insert(s["total_reviews"].get<std::int64_t>()).second);
  const auto& newest = snapshots.back();
  EXPECT_EQ(newest["total_reviews"], kReviews);
  EXPECT_EQ(newest["stars_sum"], sum);
  ASSERT_EQ(newest[mongo::kOutboxField].size(), 1u);
  auto body = Json::parse(newest[mongo::kOutboxField][0]["body"].get<std::string>());
  EXPECT_EQ(body["total_reviews"], kReviews);
  EXPECT_EQ(body["rating"], domain::AverageRating(exact));
  EXPECT_EQ(body["rating"].dump(),
            Json(static_cast<double>(domain::AverageHundredths(exact)) / 100.0).dump());
}

TEST(ReviewStoreOutageTest, MongoDownThrowsUnavailable) {
  mongo::Database database(test::UnreachableMongo());
  ReviewStore store(database);
  auto expect_unavailable = [](auto&& call) {
    try {
      call();
      ADD_FAILURE() << "no error";
    } catch (const mongo::Error& error) {
      EXPECT_TRUE(error.unavailable()) << error.what();
    }
  };
  expect_unavailable([&] { store.Rating(1); });
  expect_unavailable([&] { store.ListByProvider(1, 10, 0); });
  expect_unavailable([&] {
    auto review = test::MakeReview(1, 2, 3, 4);
    store.Add(review, events::ReviewCreated(review));
  });
  expect_unavailable([&] { store.RecomputeRating(1, time::Now(), RatingEvent); });
}

}  // namespace
}  // namespace mp::review::store

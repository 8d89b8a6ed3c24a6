// The whole ratings loop against real RabbitMQ and FerretDB/MongoDB, wired as the service wires it: reviews
// are inserted with review.created in their outbox, the relay publishes them, the ratings consumer
// recomputes the provider's rating and stores it with rating.updated, which the relay publishes too. Each
// run uses an exchange, queues and a database of its own, so runs never see each other's events (nor a
// running review service's).
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/consumer.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/mongo/outbox.hpp"
#include "libs/service/testing/test_topology.hpp"
#include "services/review/src/events/review_events.hpp"
#include "services/review/src/store/review_store.hpp"
#include "services/review/tests/review_test_support.hpp"

namespace mp::review::events {
namespace {

using Json = nlohmann::json;

// One replica's ratings consumer: its own handler and store object on the shared database.
struct Replica {
  Replica(mongo::Database& database, const bus::AmqpOptions& amqp, const QueueNames& names,
          bus::OutboxRelay& relay)
      : store(database),
        handler(
            store, [relay = &relay] { relay->Notify(); }, names.review_exchange),
        consumer(amqp, RatingsQueue(names), [this](const bus::Event& event) { handler.Handle(event); }) {}

  store::ReviewStore store;
  RatingsHandler handler;
  bus::Consumer consumer;
};

class RatingsConsumerTest : public ::testing::Test {
 public:
  RatingsConsumerTest()
      : store_(db_.get()),
        relay_(std::make_unique<mongo::EmbeddedOutbox>(db_.get(), store::OutboxCollections()),
               topology_.amqp(), FastRelay()),
        observer_(topology_.amqp(), "review.test." + topology_.suffix() + ".observer") {
    names_.queue = topology_.Queue("review.ratings.test");
    names_.review_exchange = topology_.Exchange("review");
    store_.EnsureIndexes();
  }

  ~RatingsConsumerTest() override {
    replicas_.clear();  // stops the consumers
    relay_.Stop();
    observer_.Delete();
  }

  static bus::RelayOptions FastRelay() {
    bus::RelayOptions options;
    options.poll_interval = std::chrono::milliseconds(100);
    return options;
  }

  // Starts `count` consumer replicas on the queue, then the observer (bound to everything on the test
  // exchange, which the consumers declared) and the relay.
  void Start(int count) {
    for (int i = 0; i < count; ++i) {
      replicas_.push_back(std::make_unique<Replica>(db_.get(), topology_.amqp(), names_, relay_));
      replicas_.back()->consumer.Start();
    }
    for (auto& replica : replicas_) {
      ASSERT_TRUE(test::WaitUntil([&] { return replica->consumer.connected(); }));
    }
    observer_.Declare(names_.review_exchange, "#");
    relay_.Start();
  }

  std::uint64_t Handled() {
    std::uint64_t total = 0;
    for (const auto& replica : replicas_) total += replica->consumer.handled_total();
    return total;
  }

  // Everything the observer queue holds now, in arrival order.
  void Drain(std::vector<bus::test::ReceivedMessage>& into) {
    while (auto message = observer_.Get()) into.push_back(std::move(*message));
  }

  // The brief's scenario: 100 reviews of 100 orders of one provider, written concurrently by 100 threads.
  // Returns the exact totals.
  domain::RatingTotals ReviewConcurrently(std::int64_t provider, int reviews) {
    std::vector<domain::Review> all;
    domain::RatingTotals exact;
    std::mt19937 rng{std::random_device{}()};
    for (int i = 0; i < reviews; ++i) {
      int stars = 1 + static_cast<int>(rng() % 5);
      all.push_back(test::MakeReview(test::RandomId(), test::RandomId(), provider, stars));
      ++exact.total_reviews;
      exact.stars_sum += stars;
    }
    std::vector<std::thread> threads;
    threads.reserve(all.size());
    std::atomic<int> failures{0};
    for (const auto& review : all) {
      threads.emplace_back([&, review] {
        try {
          if (!store_.Add(review, ReviewCreated(review, names_.review_exchange))) ++failures;
          relay_.Notify();
        } catch (const std::exception&) {
          ++failures;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    return exact;
  }

  // Waits until the observer saw `reviews` review.created and a rating.updated counting them all; returns
  // the rating.updated bodies in arrival order.
  std::vector<Json> AwaitEvents(std::int64_t provider, int reviews,
                                std::set<std::int64_t>* orders = nullptr) {
    std::vector<bus::test::ReceivedMessage> received;
    bool complete = test::WaitUntil(
        [&] {
          Drain(received);
          int created = 0;
          bool all_counted = false;
          for (const auto& m : received) {
            auto body = Json::parse(m.body);
            if (m.routing_key == "review.created") ++created;
            if (m.routing_key == "rating.updated" && body["provider_id"] == provider &&
                body["total_reviews"] == reviews) {
              all_counted = true;
            }
          }
          return created >= reviews && all_counted;
        },
        std::chrono::seconds(90));
    EXPECT_TRUE(complete) << received.size() << " messages";
    std::vector<Json> ratings;
    std::set<std::string> created_ids;
    for (const auto& m : received) {
      auto body = Json::parse(m.body);
      EXPECT_EQ(m.content_type, "application/json");
      EXPECT_EQ(m.delivery_mode, 2);
      EXPECT_EQ(m.message_id, body["event_id"].get<std::string>());
      if (m.routing_key == "rating.updated") ratings.push_back(body);
      if (m.routing_key == "review.created") {
        EXPECT_TRUE(created_ids.insert(body["event_id"]).second) << "review.created published twice";
        EXPECT_EQ(body["provider_id"], provider);
        if (orders) orders->insert(body["order_id"].get<std::int64_t>());
      }
    }
    EXPECT_EQ(created_ids.size(), static_cast<std::size_t>(reviews));
    return ratings;
  }

  // Whether the stored rating of `provider` becomes `exact` within 90 s (if not, how far it got).
  ::testing::AssertionResult RatingReaches(std::int64_t provider, const domain::RatingTotals& exact) {
    if (test::WaitUntil([&] { return store_.Rating(provider) == exact; }, std::chrono::seconds(90))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << store_.Rating(provider).total_reviews << " reviews counted";
  }

  service::testing::TestTopology topology_;
  QueueNames names_;
  test::TestDatabase db_;
  store::ReviewStore store_;
  bus::OutboxRelay relay_;
  bus::test::TestQueue observer_;
  std::vector<std::unique_ptr<Replica>> replicas_;
};

TEST_F(RatingsConsumerTest, HundredConcurrentReviewsGiveTheExactRatingAndTheLastRatingUpdatedCarriesIt) {
  Start(1);
  const auto provider = test::RandomId();
  const auto exact = ReviewConcurrently(provider, 100);

  ASSERT_TRUE(RatingReaches(provider, exact));
  std::set<std::int64_t> orders;
  auto ratings = AwaitEvents(provider, 100, &orders);
  EXPECT_EQ(orders.size(), 100u);
  ASSERT_FALSE(ratings.empty());
  // One replica recomputes one event at a time: its snapshots, and so its events, only ever grow.
  for (std::size_t i = 1; i < ratings.size(); ++i) {
    EXPECT_GT(ratings[i]["total_reviews"].get<std::int64_t>(),
              ratings[i - 1]["total_reviews"].get<std::int64_t>());
  }
  const auto& last = ratings.back();
  EXPECT_EQ(last["provider_id"], provider);
  EXPECT_EQ(last["total_reviews"], 100);
  EXPECT_EQ(last["stars_sum"], exact.stars_sum);
  EXPECT_EQ(last["rating"].dump(), Json(domain::AverageRating(exact)).dump());
  EXPECT_EQ(last["average_rating"], last["rating"]);
  EXPECT_EQ(last["event_type"], "rating.updated");
  EXPECT_EQ(replicas_[0]->consumer.dead_lettered_total(), 0u);
  // Every outbox entry was published and removed.
  EXPECT_TRUE(test::WaitUntil([&] { return relay_.backlog() == 0; }, std::chrono::seconds(10)));
}

TEST_F(RatingsConsumerTest, TwoReplicasRacingStillConvergeOnTheExactRating) {
  Start(2);
  const auto provider = test::RandomId();
  const auto exact = ReviewConcurrently(provider, 100);

  ASSERT_TRUE(RatingReaches(provider, exact));
  auto ratings = AwaitEvents(provider, 100);
  // Replicas may publish out of order; a consumer that keeps the update with the most reviews (as the user
  // service does) ends exact, and no two events claim the same number of reviews.
  std::set<std::int64_t> totals;
  Json newest;
  for (const auto& r : ratings) {
    EXPECT_TRUE(totals.insert(r["total_reviews"].get<std::int64_t>()).second) << r.dump();
    if (newest.is_null() || r["total_reviews"] > newest["total_reviews"]) newest = r;
  }
  EXPECT_EQ(newest["total_reviews"], 100);
  EXPECT_EQ(newest["stars_sum"], exact.stars_sum);
  EXPECT_EQ(newest["rating"].dump(), Json(domain::AverageRating(exact)).dump());
}

TEST_F(RatingsConsumerTest, RedeliveredAndMalformedEventsAreHarmless) {
  Start(1);
  auto& replica = *replicas_[0];
  const auto provider = test::RandomId();
  auto review = test::MakeReview(test::RandomId(), test::RandomId(), provider, 4);
  auto created = ReviewCreated(review, names_.review_exchange);
  ASSERT_TRUE(store_.Add(review, created));
  relay_.Notify();
  ASSERT_TRUE(test::WaitUntil([&] { return store_.Rating(provider).total_reviews == 1; }));
  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.handled_total() == 1; }));

  // The same event again (a relay re-publish or a redelivery), twice, and one without a provider.
  auto broken = bus::MakeEvent(names_.review_exchange, "review.created", {{"order_id", 5}, {"stars", 5}});
  topology_.Publish({created, created, broken});

  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.dead_lettered_total() == 1; }));
  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.handled_total() == 3; }));
  EXPECT_EQ(replica.handler.ratings_written(), 1u);
  EXPECT_EQ(replica.handler.ratings_unchanged(), 2u);
  EXPECT_EQ(store_.Rating(provider), (domain::RatingTotals{1, 4}));
  EXPECT_EQ(db_.get().collection(store::kProviderRatings).Count(mongo::Document{{"provider_id", provider}}),
            1);
  EXPECT_TRUE(test::WaitUntil(
      [&] { return bus::test::TestQueue(topology_.amqp(), names_.queue + ".dead").MessageCount() == 1; }));
}

}  // namespace
}  // namespace mp::review::events

// The event consumer wired as the service wires it, against real RabbitMQ, FerretDB/MongoDB and Redis. Each
// run uses exchanges, a queue and a database of its own, so runs never see each other's events (nor a
// running notification service's).
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "libs/bus/consumer.hpp"
#include "libs/bus/tests/bus_test_support.hpp"
#include "libs/service/testing/test_topology.hpp"
#include "services/notification/src/events/event_handler.hpp"
#include "services/notification/src/events/inbox_events.hpp"
#include "services/notification/tests/notification_test_support.hpp"

namespace mp::notification::events {
namespace {

using domain::Inbox;
using Json = nlohmann::json;

// One replica's consumer: its own handler, store and cache objects on the shared database and Redis.
struct Replica {
  Replica(mongo::Database& database, cache::Redis& redis, boost::asio::io_context& io,
          const bus::AmqpOptions& amqp, bus::QueueSpec spec)
      : store(database),
        cache(&redis, io.get_executor()),
        handler(store, cache),
        consumer(amqp, std::move(spec), [this](const bus::Event& event) { handler.Handle(event); }) {}

  store::InboxStore store;
  store::InboxCache cache;
  EventHandler handler;
  bus::Consumer consumer;
};

class NotificationConsumerTest : public ::testing::Test {
 public:
  NotificationConsumerTest() : redis_(io_.io(), test::TestRedisOptions()), store_(db_.get()) {
    names_.queue = topology_.Queue("notification.test");
    names_.order_exchange = topology_.Exchange("order");
    names_.payment_exchange = topology_.Exchange("payment");
    names_.review_exchange = topology_.Exchange("review");
    store_.EnsureIndexes();
  }

  ~NotificationConsumerTest() override {
    replicas_.clear();  // stops the consumers
    std::vector<std::string> keys;
    keys.reserve(orders_.size());
    for (auto order : orders_) keys.push_back(store::OrderKey(order));
    for (auto user : users_) {
      for (Inbox inbox : {Inbox::kCustomer, Inbox::kProvider}) {
        for (const char* suffix : {":state", ":ids", ":docs", ":unread", ":read"}) {
          keys.push_back(store::ViewKey(inbox, user) + suffix);
        }
      }
    }
    if (!keys.empty()) {
      keys.insert(keys.begin(), "DEL");
      try {
        io_.Run(redis_.Command(std::move(keys)));
      } catch (const std::exception&) {
        // Best effort clean-up.
      }
    }
    io_.Finish();
  }

  Replica& StartReplica(std::uint16_t prefetch = 16) {
    auto spec = NotificationQueue(names_);
    spec.prefetch = prefetch;
    replicas_.push_back(std::make_unique<Replica>(db_.get(), redis_, io_.io(), topology_.amqp(), spec));
    auto& replica = *replicas_.back();
    replica.consumer.Start();
    EXPECT_TRUE(test::WaitUntil([&] { return replica.consumer.connected(); }));
    return replica;
  }

  std::string ExchangeFor(const std::string& routing_key) {
    if (routing_key.rfind("order.", 0) == 0) return names_.order_exchange;
    if (routing_key.rfind("review.", 0) == 0) return names_.review_exchange;
    return names_.payment_exchange;
  }

  // An event as the producers publish it; `fields` may carry order_id etc.
  bus::Event MakeEvent(const std::string& routing_key, Json fields) {
    if (fields.contains("order_id") && fields["order_id"].is_number_integer()) {
      orders_.insert(fields["order_id"].get<std::int64_t>());
    }
    for (const char* user : {"customer_id", "provider_id"}) {
      if (fields.contains(user) && fields[user].is_number_integer()) {
        users_.insert(fields[user].get<std::int64_t>());
      }
    }
    return bus::MakeEvent(ExchangeFor(routing_key), routing_key, std::move(fields));
  }

  void Publish(const std::vector<bus::Event>& events) { topology_.Publish(events); }

  // Customer `user`'s inbox view built (empty) and ready, as a first read leaves it.
  bool ReadyEmptyView(Replica& replica, std::int64_t user) {
    users_.insert(user);
    auto claim = io_.Run(replica.cache.BeginRebuild(Inbox::kCustomer, user));
    return claim.state == store::InboxCache::Claim::State::kBegun &&
           io_.Run(replica.cache.CommitRebuild(Inbox::kCustomer, user, claim.token, {}));
  }

  std::uint64_t HandledTotal() {
    std::uint64_t total = 0;
    for (const auto& replica : replicas_) total += replica->consumer.handled_total();
    return total;
  }

  std::multiset<std::string> Messages(Inbox inbox, std::int64_t user) {
    std::multiset<std::string> messages;
    for (const auto& item : store_.List(inbox, user, 200, 0).items) messages.insert(item.message);
    return messages;
  }

  std::int64_t EntriesAbout(Inbox inbox, std::int64_t user, std::int64_t order) {
    std::int64_t n = 0;
    for (const auto& item : store_.List(inbox, user, 200, 0).items) n += item.order_id == order ? 1 : 0;
    return n;
  }

  service::testing::TestTopology topology_;
  QueueNames names_;
  test::TestDatabase db_;
  test::IoThread io_;
  cache::Redis redis_;
  store::InboxStore store_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::set<std::int64_t> orders_;
  std::set<std::int64_t> users_;
};

TEST_F(NotificationConsumerTest, EveryEventTypeBecomesItsNoticesExactlyOnce) {
  auto& replica = StartReplica();
  const std::int64_t c = test::RandomId(), p = test::RandomId() + 1, o = test::RandomId();
  auto ids = [&](const Json& extra) {
    Json fields = {{"order_id", o}, {"customer_id", c}};
    if (extra.is_object()) fields.update(extra);  // ids({}) passes null
    return fields;
  };
  std::vector<bus::Event> events = {
      MakeEvent("order.created", ids({{"title", "Fix sink"}, {"price", 200.0}, {"location", "NORTH"}})),
      MakeEvent("order.approved", ids({})),
      MakeEvent("order.rejected", ids({{"reject_reason", "Duplicate"}})),
      MakeEvent("order.accepted", ids({{"provider_id", p}})),
      MakeEvent("order.status_changed",
                ids({{"provider_id", p}, {"old_status", "accepted"}, {"new_status", "in_progress"}})),
      MakeEvent("order.cancelled", ids({{"provider_id", nullptr}})),
      MakeEvent("order.deleted", ids({{"provider_id", p}})),
      MakeEvent("payment.initiated", ids({{"payment_id", 1}, {"amount", 200.0}})),
      MakeEvent("payment.completed", ids({{"payment_id", 1}, {"provider_id", p}, {"amount", 200.0}})),
      MakeEvent("payment.failed", ids({{"payment_id", 2}, {"reason", "declined"}})),
      MakeEvent("refund.processed", ids({{"refund_id", 1},
                                         {"provider_id", p},
                                         {"amount", 200.0},
                                         {"status", "completed"},
                                         {"reason", "x"}})),
      MakeEvent("refund.processed", ids({{"refund_id", 2},
                                         {"provider_id", p},
                                         {"amount", 200.0},
                                         {"status", "rejected"},
                                         {"reason", "late"}})),
      MakeEvent("review.created",
                ids({{"review_id", std::to_string(o)}, {"provider_id", p}, {"stars", 5}, {"content", ""}})),
      MakeEvent("order.exploded", ids({})),  // bound by order.* but unknown: acknowledged, ignored
  };
  Publish(events);
  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.handled_total() == events.size(); }))
      << replica.consumer.handled_total() << " of " << events.size();

  const std::string n = std::to_string(o);
  EXPECT_EQ(
      Messages(Inbox::kCustomer, c),
      (std::multiset<std::string>{
          "You have successfully published the order: " + n + ".",
          "Your order " + n + " has been approved by admin. It is now available for providers to accept.",
          "Your order " + n + " has been rejected by admin. Reason: Duplicate",
          "Your order: " + n + " has been accepted by provider: " + std::to_string(p) + ".",
          "Order " + n + " status updated to in_progress.",
          "You have successfully cancelled the order: " + n + ".",
          "Payment for order " + n + " completed successfully.",
          "Payment for order " + n + " failed. Please try again.",
          "Refund for order " + n + " completed.",
          "Refund for order " + n + " was rejected: late.",
          "You have successfully reviewed order " + n + ".",
      }));
  EXPECT_EQ(Messages(Inbox::kProvider, p), (std::multiset<std::string>{
                                               "You have successfully accepted the order: " + n + ".",
                                               "Order " + n + " status updated to in_progress.",
                                               "Payment for order " + n + " received.",
                                               "Refund for order " + n + " completed.",
                                               "Customer has reviewed your order " + n + " with 5 stars.",
                                           }));
  EXPECT_EQ(replica.handler.notices_added(), 16u);
  EXPECT_EQ(replica.handler.events_ignored(), 1u);
  EXPECT_EQ(replica.consumer.dead_lettered_total(), 0u);

  // The order's latest notice is cached for a day.
  ASSERT_TRUE(test::WaitUntil([&] {
    return io_.Run(redis_.Command("GET", store::OrderKey(o))).type == cache::Reply::Type::kString;
  }));
  auto latest = Json::parse(io_.Run(redis_.Command("GET", store::OrderKey(o))).str);
  EXPECT_EQ(latest["order_id"], o);
  auto ttl = io_.Run(redis_.Command("TTL", store::OrderKey(o))).integer;
  EXPECT_GT(ttl, 23 * 3600);
  EXPECT_LE(ttl, 24 * 3600);
}

TEST_F(NotificationConsumerTest, RedeliveredEventChangesNothing) {
  auto& replica = StartReplica();
  const std::int64_t c = test::RandomId(), p = test::RandomId() + 1, o = test::RandomId();
  auto event = MakeEvent("order.accepted", {{"order_id", o}, {"customer_id", c}, {"provider_id", p}});
  Publish({event, event, event});  // the same event_id three times (relay re-publish, redelivery)
  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.handled_total() == 3; }));
  EXPECT_EQ(EntriesAbout(Inbox::kCustomer, c, o), 1);
  EXPECT_EQ(EntriesAbout(Inbox::kProvider, p, o), 1);
  EXPECT_EQ(replica.handler.notices_added(), 2u);
  EXPECT_EQ(replica.handler.duplicates_skipped(), 4u);
}

TEST_F(NotificationConsumerTest, TwoReplicasOnOneQueueStillApplyEachEventOnce) {
  auto& first = StartReplica(/*prefetch=*/1);
  auto& second = StartReplica(/*prefetch=*/1);
  const std::int64_t c = test::RandomId();
  std::vector<bus::Event> events;
  std::vector<std::int64_t> orders;
  for (int i = 0; i < 15; ++i) {
    orders.push_back(test::RandomId());
    events.push_back(MakeEvent("order.created", {{"order_id", orders.back()}, {"customer_id", c}}));
  }
  // Every event twice, interleaved, so the copies may go to different replicas.
  std::vector<bus::Event> twice = events;
  twice.insert(twice.end(), events.begin(), events.end());
  Publish(twice);
  ASSERT_TRUE(test::WaitUntil([&] { return HandledTotal() == twice.size(); })) << HandledTotal();
  EXPECT_GT(first.consumer.handled_total(), 0u);
  EXPECT_GT(second.consumer.handled_total(), 0u);
  EXPECT_EQ(store_.List(Inbox::kCustomer, c, 200, 0).total, static_cast<std::int64_t>(events.size()));
  for (auto order : orders) EXPECT_EQ(EntriesAbout(Inbox::kCustomer, c, order), 1) << order;
  EXPECT_EQ(first.handler.notices_added() + second.handler.notices_added(), events.size());
  EXPECT_EQ(first.handler.duplicates_skipped() + second.handler.duplicates_skipped(), events.size());
}

TEST_F(NotificationConsumerTest, PoisonEventEndsInTheDeadLetterQueue) {
  auto& replica = StartReplica();
  const std::int64_t c = test::RandomId(), o = test::RandomId();
  // order.accepted without provider_id cannot make its texts; the next event still goes through.
  auto poison = MakeEvent("order.accepted", {{"order_id", o}, {"customer_id", c}});
  auto fine = MakeEvent("order.created", {{"order_id", o + 1}, {"customer_id", c}});
  Publish({poison, fine});
  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.dead_lettered_total() == 1; }));
  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.handled_total() == 1; }));
  bus::test::TestQueue dead(topology_.amqp(), names_.queue + ".dead");
  ASSERT_TRUE(test::WaitUntil([&] { return dead.MessageCount() == 1; }));
  auto message = dead.Get();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->message_id, poison.event_id);
  EXPECT_EQ(replica.consumer.failed_total(), 1u);  // dead-lettered at once, not retried
  EXPECT_EQ(EntriesAbout(Inbox::kCustomer, c, o), 0);
  EXPECT_EQ(EntriesAbout(Inbox::kCustomer, c, o + 1), 1);
}

TEST_F(NotificationConsumerTest, NewEntriesReachTheRecipientsInboxView) {
  auto& replica = StartReplica();
  const std::int64_t c = test::RandomId(), o = test::RandomId();
  ASSERT_TRUE(ReadyEmptyView(replica, c));
  EXPECT_EQ(io_.Run(replica.cache.Unread(Inbox::kCustomer, c)), 0);
  Publish({MakeEvent("order.created", {{"order_id", o}, {"customer_id", c}})});
  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.handled_total() == 1; }));
  // No rebuild: the consumer's write reached the ready view, before the event was acknowledged (a crash in
  // between means a redelivery; see the next test).
  EXPECT_EQ(io_.Run(replica.cache.Unread(Inbox::kCustomer, c)), 1);
  auto page = io_.Run(replica.cache.Page(Inbox::kCustomer, c, 10, 0));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].order_id, o);
  EXPECT_FALSE(page->items[0].is_read);
}

TEST_F(NotificationConsumerTest, ARedeliveryGivesTheViewAnEntryTheFirstDeliveryStoredAndDiedBefore) {
  auto& replica = StartReplica();
  const std::int64_t c = test::RandomId(), o = test::RandomId();
  ASSERT_TRUE(ReadyEmptyView(replica, c));
  // The first delivery stored the notice in MongoDB, then its process was killed before the view took it.
  auto event = MakeEvent("order.created", {{"order_id", o}, {"customer_id", c}});
  auto notices = NoticesForEvent(event.routing_key, event.body);
  ASSERT_TRUE(notices && notices->size() == 1);
  ASSERT_TRUE(store_.Add(notices->front(), event.event_id, event.routing_key, time::Now()));
  EXPECT_EQ(io_.Run(replica.cache.Unread(Inbox::kCustomer, c)), 0);
  Publish({event});  // the redelivery
  ASSERT_TRUE(test::WaitUntil([&] { return replica.consumer.handled_total() == 1; }));
  ASSERT_TRUE(test::WaitUntil([&] { return io_.Run(replica.cache.Unread(Inbox::kCustomer, c)) == 1; }));
  EXPECT_EQ(EntriesAbout(Inbox::kCustomer, c, o), 1);  // still one entry in MongoDB
}

// 400 notices for one customer handled at once by two replicas, then 400 mark-reads at once (each of 200
// entries twice): the unread count stays exact in MongoDB and in the inbox's Redis view.
TEST_F(NotificationConsumerTest, FourHundredConcurrentNoticesAndReadsKeepTheUnreadCountExact) {
  auto& first = StartReplica();
  StartReplica();
  const std::int64_t c = test::RandomId();
  ASSERT_TRUE(ReadyEmptyView(first, c));
  constexpr int kNotices = 400;
  std::vector<bus::Event> events;
  events.reserve(kNotices);
  for (int i = 0; i < kNotices; ++i) {
    events.push_back(MakeEvent("order.created", {{"order_id", test::RandomId()}, {"customer_id", c}}));
  }
  Publish(events);
  ASSERT_TRUE(test::WaitUntil([&] { return HandledTotal() == kNotices; }, std::chrono::seconds(60)))
      << HandledTotal();
  // Each event was acknowledged after its view write: nothing left to wait for.
  EXPECT_EQ(store_.CountUnread(Inbox::kCustomer, c), kNotices);
  EXPECT_EQ(io_.Run(first.cache.Unread(Inbox::kCustomer, c)), kNotices);

  auto entries = store_.All(Inbox::kCustomer, c);
  ASSERT_EQ(entries.size(), static_cast<std::size_t>(kNotices));
  std::vector<std::thread> readers;
  readers.reserve(kNotices);
  for (int i = 0; i < kNotices; ++i) {
    readers.emplace_back([&, i] {
      const auto& entry = entries[static_cast<std::size_t>(i % (kNotices / 2))];
      auto read = store_.MarkRead(Inbox::kCustomer, c, *mongo::ObjectId::Parse(entry.id), time::Now());
      EXPECT_TRUE(read && read->is_read);
      boost::asio::co_spawn(io_.io(), first.cache.Read(Inbox::kCustomer, c, entry.id),
                            boost::asio::use_future)
          .get();
    });
  }
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(store_.CountUnread(Inbox::kCustomer, c), kNotices / 2);
  EXPECT_EQ(io_.Run(first.cache.Unread(Inbox::kCustomer, c)), kNotices / 2);
  auto page = io_.Run(first.cache.Page(Inbox::kCustomer, c, 1, 0));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, kNotices);
}

TEST(NotificationHandlerTest, MongoDownMeansRetryLaterNotAFailure) {
  mongo::Database database(test::UnreachableMongo());
  store::InboxStore store(database);
  test::IoThread io;
  store::InboxCache cache(nullptr, io.io().get_executor());
  EventHandler handler(store, cache);
  auto event = bus::MakeEvent("order_events", "order.created", {{"order_id", 5}, {"customer_id", 6}});
  EXPECT_THROW(handler.Handle(event), bus::RetryLater);
  // Unknown and notice-less events need no store at all.
  EXPECT_NO_THROW(handler.Handle(bus::MakeEvent("order_events", "order.deleted", {{"order_id", 5}})));
  EXPECT_NO_THROW(handler.Handle(bus::MakeEvent("order_events", "order.unknown", {{"order_id", 5}})));
  EXPECT_THROW(handler.Handle(bus::MakeEvent("order_events", "order.created", {{"order_id", "5"}})),
               bus::Poison);
}

}  // namespace
}  // namespace mp::notification::events

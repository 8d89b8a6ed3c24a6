#include "services/notification/src/store/inbox_store.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/event.hpp"
#include "services/notification/tests/notification_test_support.hpp"

namespace mp::notification::store {
namespace {

using domain::Inbox;
using domain::Notice;
using std::chrono::hours;
using std::chrono::seconds;

class InboxStoreTest : public ::testing::Test {
 protected:
  InboxStoreTest() : store_(db_.get()) {
    store_.EnsureIndexes();
    store_.EnsureIndexes();  // idempotent: every start runs it
  }

  std::optional<domain::Notification> Add(Inbox inbox, std::int64_t recipient, std::int64_t order,
                                          const std::string& event_id, time::TimePoint at = time::Now()) {
    return store_.Add(Notice{inbox, recipient, order, "Order " + std::to_string(order) + " news."}, event_id,
                      "order.status_changed", at);
  }

  test::TestDatabase db_;
  InboxStore store_;
  const std::int64_t customer_ = test::RandomId();
  const std::int64_t other_ = test::RandomId() + 1;
};

TEST_F(InboxStoreTest, StoresEachEventOncePerInboxAndRecipient) {
  auto first = Add(Inbox::kCustomer, customer_, 7, "event-1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id.size(), 24u);
  EXPECT_FALSE(first->is_read);
  EXPECT_FALSE(Add(Inbox::kCustomer, customer_, 7, "event-1"));  // redelivered
  EXPECT_TRUE(Add(Inbox::kProvider, customer_, 7, "event-1"));   // the other inbox
  EXPECT_TRUE(Add(Inbox::kCustomer, other_, 7, "event-1"));      // another recipient
  EXPECT_TRUE(Add(Inbox::kCustomer, customer_, 7, "event-2"));   // another event
  EXPECT_EQ(store_.List(Inbox::kCustomer, customer_, 50, 0).total, 2);
}

TEST_F(InboxStoreTest, ConcurrentDeliveriesOfOneEventStoreOneEntry) {
  std::atomic<int> stored{0};
  std::vector<std::thread> replicas;
  replicas.reserve(6);
  for (int i = 0; i < 6; ++i) {
    replicas.emplace_back([&] {
      if (Add(Inbox::kCustomer, customer_, 8, "event-concurrent")) ++stored;
    });
  }
  for (auto& t : replicas) t.join();
  EXPECT_EQ(stored.load(), 1);
  EXPECT_EQ(store_.List(Inbox::kCustomer, customer_, 50, 0).total, 1);
}

TEST_F(InboxStoreTest, ListsNewestFirstWithTheRealTotalAndPages) {
  const auto base = time::FromUnixSeconds(1'761'382'800);
  for (int i = 1; i <= 7; ++i)
    ASSERT_TRUE(Add(Inbox::kCustomer, customer_, i, "e" + std::to_string(i), base + seconds(i)));
  // Same second: the later insert (larger id) comes first.
  ASSERT_TRUE(Add(Inbox::kCustomer, customer_, 8, "e8", base + seconds(7)));
  ASSERT_TRUE(Add(Inbox::kCustomer, other_, 99, "e-other", base + seconds(100)));

  auto page = store_.List(Inbox::kCustomer, customer_, 3, 0);
  EXPECT_EQ(page.total, 8);
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].order_id, 8);
  EXPECT_EQ(page.items[1].order_id, 7);
  EXPECT_EQ(page.items[2].order_id, 6);
  EXPECT_EQ(page.items[1].created_at, base + seconds(7));
  EXPECT_EQ(page.items[1].recipient_id, customer_);
  EXPECT_EQ(page.items[1].message, "Order 7 news.");

  auto last = store_.List(Inbox::kCustomer, customer_, 3, 6);
  ASSERT_EQ(last.items.size(), 2u);
  EXPECT_EQ(last.items[1].order_id, 1);
  auto beyond = store_.List(Inbox::kCustomer, customer_, 3, 50);
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(beyond.total, 8);
  EXPECT_EQ(store_.List(Inbox::kProvider, customer_, 50, 0).total, 0);
}

TEST_F(InboxStoreTest, AdminNoticesHaveNoOrder) {
  auto stored = store_.Add(Notice{Inbox::kProvider, customer_, std::nullopt, "Welcome"}, bus::NewEventId(),
                           "admin.notice", time::Now());
  ASSERT_TRUE(stored);
  auto page = store_.List(Inbox::kProvider, customer_, 50, 0);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_FALSE(page.items[0].order_id);
  EXPECT_EQ(page.items[0].message, "Welcome");
  EXPECT_EQ(page.items[0].inbox, Inbox::kProvider);
}

TEST_F(InboxStoreTest, MarksOnlyTheOwnersEntryRead) {
  auto mine = Add(Inbox::kCustomer, customer_, 1, "e1");
  auto also_mine = Add(Inbox::kCustomer, customer_, 2, "e2");
  auto theirs = Add(Inbox::kCustomer, other_, 3, "e3");
  ASSERT_TRUE(mine && also_mine && theirs);
  EXPECT_EQ(store_.CountUnread(Inbox::kCustomer, customer_), 2);

  auto id = *mongo::ObjectId::Parse(mine->id);
  auto read = store_.MarkRead(Inbox::kCustomer, customer_, id, time::Now());
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->is_read);
  EXPECT_EQ(read->id, mine->id);
  EXPECT_EQ(store_.CountUnread(Inbox::kCustomer, customer_), 1);
  // Again: still found, still read.
  ASSERT_TRUE(store_.MarkRead(Inbox::kCustomer, customer_, id, time::Now()));
  // Someone else's entry, the other inbox, or an unknown id: not found, nothing changes.
  EXPECT_FALSE(
      store_.MarkRead(Inbox::kCustomer, customer_, *mongo::ObjectId::Parse(theirs->id), time::Now()));
  EXPECT_FALSE(store_.MarkRead(Inbox::kProvider, customer_, id, time::Now()));
  EXPECT_FALSE(store_.MarkRead(Inbox::kCustomer, customer_, mongo::ObjectId::Generate(), time::Now()));
  EXPECT_EQ(store_.CountUnread(Inbox::kCustomer, other_), 1);

  EXPECT_EQ(store_.MarkAllRead(Inbox::kCustomer, customer_, time::Now()), 1);
  EXPECT_EQ(store_.MarkAllRead(Inbox::kCustomer, customer_, time::Now()), 0);
  EXPECT_EQ(store_.CountUnread(Inbox::kCustomer, customer_), 0);
  EXPECT_EQ(store_.CountUnread(Inbox::kCustomer, other_), 1);
}

TEST_F(InboxStoreTest, RetentionRemovesOnlyNoticesReadLongAgo) {
  const auto now = time::Now();
  auto old_read = Add(Inbox::kCustomer, customer_, 1, "e1", now - hours(24 * 40));
  auto recent_read = Add(Inbox::kProvider, customer_, 2, "e2", now - hours(24 * 40));
  auto old_unread = Add(Inbox::kCustomer, customer_, 3, "e3", now - hours(24 * 40));
  ASSERT_TRUE(old_read && recent_read && old_unread);
  // read_at is what counts, not created_at.
  store_.MarkRead(Inbox::kCustomer, customer_, *mongo::ObjectId::Parse(old_read->id), now - hours(24 * 31));
  store_.MarkRead(Inbox::kProvider, customer_, *mongo::ObjectId::Parse(recent_read->id),
                  now - hours(24 * 29));

  auto removed = store_.PurgeReadBefore(now - domain::kReadRetention);
  ASSERT_EQ(removed.size(), 1u);  // what went, for the Redis views
  EXPECT_EQ(removed[0].id, old_read->id);
  EXPECT_EQ(removed[0].inbox, Inbox::kCustomer);
  EXPECT_EQ(removed[0].recipient_id, customer_);
  EXPECT_EQ(store_.List(Inbox::kCustomer, customer_, 50, 0).total, 1);  // the unread one stays
  EXPECT_EQ(store_.List(Inbox::kProvider, customer_, 50, 0).total, 1);
  EXPECT_TRUE(store_.PurgeReadBefore(now - domain::kReadRetention).empty());
}

TEST_F(InboxStoreTest, AllGivesEveryEntryOfOneInbox) {
  const auto now = time::Now();
  auto first = Add(Inbox::kCustomer, customer_, 1, "a1", now);
  auto second = Add(Inbox::kCustomer, customer_, 2, "a2", now + std::chrono::seconds(1));
  Add(Inbox::kCustomer, other_, 3, "a3", now);
  Add(Inbox::kProvider, customer_, 4, "a4", now);
  ASSERT_TRUE(first && second);
  store_.MarkRead(Inbox::kCustomer, customer_, *mongo::ObjectId::Parse(first->id), now);
  auto all = store_.All(Inbox::kCustomer, customer_);
  ASSERT_EQ(all.size(), 2u);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  EXPECT_EQ(all[0].id, first->id);
  EXPECT_TRUE(all[0].is_read);
  EXPECT_EQ(all[1].id, second->id);
  EXPECT_FALSE(all[1].is_read);
  EXPECT_EQ(all[1].order_id, 2);
  EXPECT_TRUE(store_.All(Inbox::kProvider, other_).empty());
}

TEST(InboxStoreDownTest, UnreachableMongoIsUnavailable) {
  mongo::Database database(test::UnreachableMongo());
  InboxStore store(database);
  try {
    store.List(Inbox::kCustomer, 1, 50, 0);
    FAIL() << "no error";
  } catch (const mongo::Error& error) {
    EXPECT_TRUE(error.unavailable()) << error.what();
  }
}

}  // namespace
}  // namespace mp::notification::store

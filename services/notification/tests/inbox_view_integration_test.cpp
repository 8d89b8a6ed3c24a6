// The inbox views of InboxCache against a real Redis: building, the writes that reach a view while it is
// ready or being built, the ones that must drop it, and stale views after a failed write.
#include <gtest/gtest.h>

#include "services/notification/src/store/inbox_cache.hpp"
#include "services/notification/tests/notification_test_support.hpp"

namespace mp::notification::store {
namespace {

using domain::Inbox;
using domain::Notification;

class InboxViewTest : public ::testing::Test {
 public:
  InboxViewTest() : redis_(io_.io(), test::TestRedisOptions()), cache_(&redis_, io_.io().get_executor()) {}
  ~InboxViewTest() override {
    std::vector<std::string> del{"DEL"};
    for (const char* suffix : {":state", ":ids", ":docs", ":unread", ":read"}) del.push_back(view_ + suffix);
    try {
      io_.Run(redis_.Command(std::move(del)));
    } catch (const std::exception&) {
      // Best effort clean-up.
    }
    io_.Finish();
  }

  // Entry `n` of the user's inbox, `n` seconds after a fixed time (ids grow with n).
  Notification Entry(int n, bool read = false) {
    Notification e;
    e.id = "65a1b2c3d4e5f607182900" + std::string(n < 10 ? "0" : "") + std::to_string(n);
    e.inbox = Inbox::kCustomer;
    e.recipient_id = user_;
    e.order_id = 1000 + n;
    e.message = "About order " + std::to_string(1000 + n);
    e.created_at = time::FromUnixSeconds(1'761'382'800 + n);
    e.is_read = read;
    return e;
  }

  std::optional<domain::InboxPage> Page(std::int64_t limit = 50, std::int64_t offset = 0) {
    return io_.Run(cache_.Page(Inbox::kCustomer, user_, limit, offset));
  }
  std::optional<std::int64_t> Unread() { return io_.Run(cache_.Unread(Inbox::kCustomer, user_)); }
  using State = InboxCache::Claim::State;
  InboxCache::Claim Claim() { return io_.Run(cache_.BeginRebuild(Inbox::kCustomer, user_)); }
  // The token of a rebuild this test claimed, or nullopt.
  std::optional<std::string> Begin() {
    auto claim = Claim();
    if (claim.state != State::kBegun) return std::nullopt;
    return claim.token;
  }
  bool Commit(const std::string& token, std::vector<Notification> entries) {
    return io_.Run(cache_.CommitRebuild(Inbox::kCustomer, user_, token, std::move(entries)));
  }
  void Added(std::vector<Notification> added) { io_.Run(cache_.Added(std::move(added))); }
  void Read(int n) { io_.Run(cache_.Read(Inbox::kCustomer, user_, Entry(n).id)); }
  void ReadAll() { io_.Run(cache_.ReadAll(Inbox::kCustomer, user_)); }
  std::vector<std::int64_t> Orders(const domain::InboxPage& page) {
    std::vector<std::int64_t> orders;
    orders.reserve(page.items.size());
    for (const auto& item : page.items) orders.push_back(item.order_id.value_or(0) - 1000);
    return orders;
  }
  cache::Reply Raw(std::vector<std::string> command) { return io_.Run(redis_.Command(std::move(command))); }

  test::IoThread io_;
  cache::Redis redis_;
  InboxCache cache_;
  const std::int64_t user_ = test::RandomId();
  const std::string view_ = ViewKey(Inbox::kCustomer, user_);
};

TEST_F(InboxViewTest, ARebuiltViewServesPagesNewestFirstWithCounts) {
  EXPECT_FALSE(Page());
  EXPECT_FALSE(Unread());
  auto token = Begin();
  ASSERT_TRUE(token);
  EXPECT_EQ(Claim().state, State::kBusy) << "a second reader must wait, not rebuild the same view";
  EXPECT_FALSE(Page()) << "a view under construction is not served";
  ASSERT_TRUE(Commit(*token, {Entry(1, true), Entry(3), Entry(2)}));
  EXPECT_EQ(Claim().state, State::kReady) << "ready views are not rebuilt";

  auto page = Page(2, 0);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(page->unread, 2);
  EXPECT_EQ(Orders(*page), (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(page->items[0].id, Entry(3).id);
  EXPECT_EQ(page->items[0].message, Entry(3).message);
  EXPECT_EQ(page->items[0].created_at, Entry(3).created_at);
  EXPECT_EQ(page->items[0].recipient_id, user_);
  EXPECT_FALSE(page->items[0].is_read);
  auto rest = Page(2, 2);
  ASSERT_TRUE(rest);
  EXPECT_EQ(Orders(*rest), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(rest->items[0].is_read);
  EXPECT_EQ(Page(5, 3)->items.size(), 0u);
  EXPECT_EQ(Unread(), 2);
  EXPECT_GT(Raw({"PTTL", view_ + ":state"}).integer, 5 * 3600 * 1000);
}

TEST_F(InboxViewTest, WritesReachAReadyViewAndCommute) {
  auto token = Begin();
  ASSERT_TRUE(Commit(*token, {}));
  EXPECT_EQ(Unread(), 0);
  Added({Entry(1), Entry(2)});
  EXPECT_EQ(Unread(), 2);
  Read(3);  // read before it arrived (the consumer's update was late): it arrives read
  Added({Entry(3)});
  Added({Entry(2)});  // twice: no change
  EXPECT_EQ(Unread(), 2);
  Read(1);
  Read(1);
  EXPECT_EQ(Unread(), 1);
  auto page = Page();
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(Orders(*page), (std::vector<std::int64_t>{3, 2, 1}));
  EXPECT_TRUE(page->items[0].is_read);
  EXPECT_FALSE(page->items[1].is_read);
  ReadAll();
  EXPECT_EQ(Unread(), 0);
  io_.Run(cache_.Removed({Entry(1), Entry(3)}));
  page = Page();
  EXPECT_EQ(page->total, 1);
  EXPECT_EQ(Orders(*page), (std::vector<std::int64_t>{2}));
}

TEST_F(InboxViewTest, WritesDuringARebuildAreKeptOrDropTheView) {
  // Added and Read are merged into the scan's entries, whatever the scan saw.
  auto token = Begin();
  Added({Entry(4)});
  Read(2);
  ASSERT_TRUE(Commit(*token, {Entry(1), Entry(2)}));  // the scan saw 2 unread: the read wins
  EXPECT_EQ(Unread(), 2);
  EXPECT_EQ(Page()->total, 3);
  Raw({"DEL", view_ + ":state"});

  // A read-all cannot be merged (the scan may predate it): the rebuild fails and the next reader starts over.
  token = Begin();
  ASSERT_TRUE(token);
  ReadAll();
  EXPECT_FALSE(Commit(*token, {Entry(1)}));
  EXPECT_FALSE(Page());
  token = Begin();
  ASSERT_TRUE(token);
  io_.Run(cache_.Removed({Entry(1)}));
  EXPECT_FALSE(Commit(*token, {Entry(1)}));

  // An aborted rebuild frees the view at once.
  token = Begin();
  ASSERT_TRUE(token);
  io_.Run(cache_.AbortRebuild(Inbox::kCustomer, user_, *token));
  EXPECT_TRUE(Begin());
}

TEST_F(InboxViewTest, WritesToAnInboxWithoutAViewStoreNothing) {
  Added({Entry(1)});
  Read(1);
  ReadAll();
  for (const char* suffix : {":state", ":ids", ":docs", ":unread", ":read"}) {
    EXPECT_EQ(Raw({"EXISTS", view_ + suffix}).integer, 0) << suffix;
  }
  // The order's latest notice is kept all the same.
  auto latest = Raw({"GET", OrderKey(1001)});
  ASSERT_EQ(latest.type, cache::Reply::Type::kString);
  EXPECT_EQ(nlohmann::json::parse(latest.str)["id"], Entry(1).id);
  Raw({"DEL", OrderKey(1001)});
}

TEST_F(InboxViewTest, AFailedWriteLeavesTheViewStaleUntilRedisAnswersAgain) {
  ASSERT_TRUE(Commit(*Begin(), {Entry(1)}));
  Raw({"DEL", view_ + ":ids"});
  Raw({"SET", view_ + ":ids", "not a sorted set"});  // the next Added fails in Redis (WRONGTYPE)
  Added({Entry(2)});
  EXPECT_EQ(cache_.stale_views(), 1u);
  EXPECT_EQ(Raw({"EXISTS", view_ + ":state"}).integer, 1) << "not dropped yet";
  // The next write that reaches Redis drops it first; readers then rebuild it from MongoDB.
  io_.Run(cache_.ReadAll(Inbox::kProvider, user_));
  EXPECT_EQ(cache_.stale_views(), 0u);
  EXPECT_EQ(Raw({"EXISTS", view_ + ":state"}).integer, 0);
  EXPECT_FALSE(Page());
}

TEST_F(InboxViewTest, AnUnreadableEntryDropsTheView) {
  ASSERT_TRUE(Commit(*Begin(), {Entry(1)}));
  Raw({"HSET", view_ + ":docs", Entry(1).id, "{not json"});
  EXPECT_FALSE(Page());
  EXPECT_EQ(Raw({"EXISTS", view_ + ":state"}).integer, 0);
}

TEST(InboxViewOutageTest, NoRedisMeansNoViewAndStaleViews) {
  test::IoThread io;
  cache::RedisOptions options;
  options.port = 1;  // nothing listens there
  cache::Redis redis(io.io(), options);
  InboxCache cache(&redis, io.io().get_executor());
  EXPECT_FALSE(io.Run(cache.Page(Inbox::kCustomer, 7, 10, 0)));
  EXPECT_EQ(io.Run(cache.BeginRebuild(Inbox::kCustomer, 7)).state, InboxCache::Claim::State::kUnavailable);
  io.Run(cache.ReadAll(Inbox::kCustomer, 7));
  EXPECT_EQ(cache.stale_views(), 1u);
  InboxCache none(nullptr, io.io().get_executor());
  EXPECT_FALSE(io.Run(none.Unread(Inbox::kCustomer, 7)));
  io.Run(none.ReadAll(Inbox::kCustomer, 7));
  EXPECT_EQ(none.stale_views(), 0u);
}

}  // namespace
}  // namespace mp::notification::store

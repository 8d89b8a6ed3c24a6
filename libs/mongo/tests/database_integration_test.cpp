#include "libs/mongo/database.hpp"

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/mongo/tests/test_database.hpp"

namespace mp::mongo {
namespace {

class DatabaseTest : public ::testing::Test {
 public:
  DatabaseTest() : db_(test::TestDatabaseOptions("mp_mongo_test")) {}
  ~DatabaseTest() override {
    try {
      db_.Drop();
    } catch (const std::exception&) {
      // Best effort clean-up.
    }
  }

  Database db_;
};

TEST_F(DatabaseTest, PingsAndRunsCommands) {
  EXPECT_TRUE(db_.Ping());
  auto reply = db_.Command(Document{{"ping", 1}});
  EXPECT_EQ(reply["ok"], 1.0);
  EXPECT_EQ(db_.clients_in_use(), 0u);
}

TEST_F(DatabaseTest, InsertsAndFindsWithFilterSortSkipAndLimit) {
  auto items = db_.collection("items");
  auto base = time::FromUnixSeconds(1'761'382'800);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto id = ObjectId::Generate();
    ids.push_back(id.ToString());
    items.InsertOne(
        Document{{"_id", id},
                 {"owner", std::int64_t{7}},
                 {"n", i},
                 {"at", base + std::chrono::seconds(i)},
                 {"flag", i % 2 == 0},
                 {"order_id", i == 0 ? std::optional<std::int64_t>() : std::optional<std::int64_t>(i)}});
  }
  items.InsertOne(Document{{"owner", std::int64_t{8}}, {"n", 99}});

  FindOptions newest;
  newest.sort = Document{{"at", -1}, {"_id", -1}};
  newest.skip = 1;
  newest.limit = 2;
  auto page = items.Find(Document{{"owner", 7}}, newest);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]["n"], 3);
  EXPECT_EQ(page[1]["n"], 2);
  EXPECT_EQ(page[0]["_id"], ids[3]);
  EXPECT_EQ(TimeFromMillis(page[0]["at"].get<std::int64_t>()), base + std::chrono::seconds(3));

  auto first = items.FindOne(Document{{"_id", *ObjectId::Parse(ids[0])}});
  ASSERT_TRUE(first);
  EXPECT_TRUE((*first)["order_id"].is_null());
  EXPECT_FALSE(items.FindOne(Document{{"_id", ObjectId::Generate()}}));
  // An int32 filter matches int64 values (numbers compare by value).
  EXPECT_EQ(items.Count(Document{{"owner", 7}}), 5);
  EXPECT_EQ(items.Count(Document{{"owner", std::int64_t{7}}, {"flag", true}}), 3);
  EXPECT_EQ(items.Count(Document{{"at", Document{{"$lt", base + std::chrono::seconds(2)}}}}), 2);
  EXPECT_EQ(items.Count(Document{{"owner", 1234}}), 0);
  EXPECT_EQ(db_.collection("never_created").Count(Document{}), 0);
  EXPECT_TRUE(db_.collection("never_created").Find(Document{}).empty());
}

TEST_F(DatabaseTest, UpdatesAndDeletesReportCounts) {
  auto items = db_.collection("items");
  for (int i = 0; i < 4; ++i) items.InsertOne(Document{{"owner", 1}, {"n", i}, {"read", false}});
  auto one = items.UpdateOne(Document{{"owner", 1}, {"n", 0}}, Document{{"$set", Document{{"read", true}}}});
  EXPECT_EQ(one.matched, 1);
  EXPECT_EQ(one.modified, 1);
  auto again = items.UpdateOne(Document{{"owner", 1}, {"n", 0}, {"read", false}},
                               Document{{"$set", Document{{"read", true}}}});
  EXPECT_EQ(again.matched, 0);
  auto many = items.UpdateMany(Document{{"owner", 1}, {"read", false}},
                               Document{{"$set", Document{{"read", true}}}, {"$inc", Document{{"n", 10}}}});
  EXPECT_EQ(many.matched, 3);
  EXPECT_EQ(many.modified, 3);
  EXPECT_EQ(items.Count(Document{{"n", Document{{"$gte", 10}}}}), 3);
  EXPECT_EQ(items.DeleteMany(Document{{"read", true}, {"n", Document{{"$gte", 12}}}}), 2);
  EXPECT_EQ(items.Count(Document{}), 2);
  EXPECT_EQ(items.DeleteMany(Document{{"owner", 2}}), 0);
}

TEST_F(DatabaseTest, UniqueIndexRejectsDuplicatesAndIndexCreationIsIdempotent) {
  auto items = db_.collection("inbox");
  std::vector<IndexSpec> indexes = {
      {"owner_created_at", Document{{"owner", 1}, {"created_at", -1}}, false},
      {"event_owner_unique", Document{{"event_id", 1}, {"owner", 1}}, true},
  };
  items.CreateIndexes(indexes);
  items.CreateIndexes(indexes);  // again: no error

  items.InsertOne(Document{{"event_id", "e-1"}, {"owner", 1}});
  items.InsertOne(Document{{"event_id", "e-1"}, {"owner", 2}});  // another owner: fine
  try {
    items.InsertOne(Document{{"event_id", "e-1"}, {"owner", 1}});
    FAIL() << "duplicate accepted";
  } catch (const Error& error) {
    EXPECT_TRUE(error.duplicate_key())
        << error.what() << " domain=" << error.domain() << " code=" << error.code();
    EXPECT_FALSE(error.unavailable());
  }
  EXPECT_EQ(items.Count(Document{{"event_id", "e-1"}}), 2);

  auto listed = db_.Command(Document{{"listIndexes", "inbox"}});
  std::vector<std::string> names;
  for (const auto& index : listed["cursor"]["firstBatch"]) names.push_back(index["name"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "event_owner_unique"), names.end());
}

TEST(DatabaseUnreachableTest, FailsFastAsUnavailable) {
  Options options;
  options.uri = "mongodb://127.0.0.1:1/";  // nothing listens on port 1
  options.database = "nowhere";
  options.server_selection_timeout = std::chrono::milliseconds(300);
  options.connect_timeout = std::chrono::milliseconds(300);
  Database db(options);
  auto started = std::chrono::steady_clock::now();
  try {
    db.collection("items").Count(Document{});
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_TRUE(error.unavailable()) << error.what();
    EXPECT_FALSE(error.duplicate_key());
    auto api = ToApiError(error);
    ASSERT_TRUE(api);
    EXPECT_EQ(api->kind(), ApiError::Kind::kUnavailable);
  }
  EXPECT_THROW(db.collection("items").InsertOne(Document{{"a", 1}}), Error);
  EXPECT_FALSE(db.Ping());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(DatabaseOptionsTest, RejectsAnInvalidUri) {
  Options options;
  options.uri = "mongodb://";
  options.database = "x";
  EXPECT_THROW(Database{options}, Error);
}

// 400 updates of one document at once, from 400 threads over 32 connections: none is lost. On FerretDB v1,
// which reads, modifies and writes in separate steps, this holds by the local store's version check and
// the retries of write conflicts (every update increments `version`, as the services' updates do).
TEST(DatabaseConcurrencyTest, FourHundredConcurrentUpdatesOfOneDocumentAllCount) {
  auto options = test::TestDatabaseOptions("mp_mongo_concurrency");
  options.max_pool_size = 32;
  test::ScopedDatabase db(options);
  auto counters = db.get().collection("counters");
  counters.InsertOne(
      Document{{"_id", 1}, {"version", std::int64_t{0}}, {"n", 0}, {"total", 0}, {"log", Array{}}});
  constexpr int kUpdates = 400;
  std::vector<std::thread> threads;
  threads.reserve(kUpdates);
  for (int i = 1; i <= kUpdates; ++i) {
    threads.emplace_back([&counters, i] {
      // A counter, an array append and a "newest wins" conditional set, as counters, outboxes and ratings.
      auto counted = counters.UpdateOne(Document{{"_id", 1}},
                                        Document{{"$inc", Document{{"version", std::int64_t{1}}, {"n", 1}}},
                                                 {"$push", Document{{"log", i}}}});
      EXPECT_EQ(counted.matched, 1);
      counters.UpdateOne(
          Document{{"_id", 1}, {"total", Document{{"$lt", i}}}},
          Document{{"$set", Document{{"total", i}}}, {"$inc", Document{{"version", std::int64_t{1}}}}});
    });
  }
  for (auto& thread : threads) thread.join();
  auto doc = counters.FindOne(Document{{"_id", 1}});
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["n"], kUpdates);
  EXPECT_EQ((*doc)["total"], kUpdates);
  std::set<int> logged;
  for (const auto& entry : (*doc)["log"]) logged.insert(entry.get<int>());
  EXPECT_EQ(logged.size(), static_cast<std::size_t>(kUpdates));
  // Every counting update, and at least the conditional set that won, incremented the version.
  EXPECT_GE((*doc)["version"].get<int>(), kUpdates + 1);
}

}  // namespace
}  // namespace mp::mongo

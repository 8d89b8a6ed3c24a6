#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/sql/error.hpp"
#include "libs/sql/pool.hpp"
#include "libs/sql/tests/test_database.hpp"
#include "libs/sql/transaction.hpp"

namespace mp::sql {
namespace {

using std::chrono::milliseconds;

// The test database through a pool of `size` connections that waits at most `acquire_timeout` for one.
Options PoolOf(std::size_t size, milliseconds acquire_timeout = Options{}.acquire_timeout) {
  Options options = test::TestDatabaseOptions();
  options.pool_size = size;
  options.acquire_timeout = acquire_timeout;
  return options;
}

TEST(Pool, ExhaustedPoolThrowsUnavailableAfterAcquireTimeout) {
  Pool pool(PoolOf(2, milliseconds(300)));
  auto first = pool.Acquire();
  auto second = pool.Acquire();
  EXPECT_EQ(pool.in_use(), 2u);
  EXPECT_EQ(pool.idle(), 0u);
  EXPECT_EQ(pool.size(), 2u);

  auto started = std::chrono::steady_clock::now();
  try {
    pool.Acquire();
    FAIL() << "expected the pool to be exhausted";
  } catch (const Error& e) {
    EXPECT_TRUE(e.unavailable()) << e.what();
  }
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, milliseconds(290));
  EXPECT_LT(waited, milliseconds(2000));

  { auto released = std::move(second); }
  EXPECT_EQ(pool.idle(), 1u);
  EXPECT_EQ(pool.Acquire()->Query("SELECT 1")[0].Int(0), 1);
}

TEST(Pool, WaiterGetsTheConnectionAnotherThreadReturns) {
  Pool pool(PoolOf(1, milliseconds(5000)));
  auto held = pool.Acquire();
  std::thread returner([held = std::move(held)]() mutable {
    std::this_thread::sleep_for(milliseconds(100));
    auto drop = std::move(held);
  });
  EXPECT_EQ(pool.Acquire()->Query("SELECT 2")[0].Int(0), 2);
  returner.join();
}

TEST(Pool, ConnectionLeftInsideATransactionIsDiscardedAndRolledBack) {
  Pool pool(test::TestDatabaseOptions());
  pool.Acquire()->ExecuteScript(
      "DROP TABLE IF EXISTS sqltest_pool_tx;"
      "CREATE TABLE sqltest_pool_tx (id BIGINT PRIMARY KEY) ENGINE=InnoDB");
  {
    auto connection = pool.Acquire();
    connection->Begin();
    connection->Execute("INSERT INTO sqltest_pool_tx (id) VALUES (?)", {std::int64_t{1}});
  }
  EXPECT_EQ(pool.size(), 0u);  // closed, not returned
  auto connection = pool.Acquire();
  EXPECT_EQ(connection->Query("SELECT COUNT(*) FROM sqltest_pool_tx")[0].Int(0), 0);
  connection->Execute("DROP TABLE sqltest_pool_tx");
}

TEST(Pool, StartsWhileTheDatabaseIsUnreachableAndReportsUnavailable) {
  Options options = test::TestDatabaseOptions();
  options.port = 1;  // nothing listens there
  options.connect_timeout = milliseconds(1000);
  Pool pool(options);  // lazy: no connection yet
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_FALSE(pool.Ping());
  try {
    pool.Acquire();
    FAIL() << "expected no connection";
  } catch (const Error& e) {
    EXPECT_TRUE(e.unavailable()) << e.what();
  }
  EXPECT_EQ(pool.size(), 0u);
}

TEST(Pool, ConnectionKilledByTheServerWhileIdleIsReplacedOnNextUse) {
  Pool pool(PoolOf(2));
  std::int64_t victim_id = 0;
  {
    auto victim = pool.Acquire();
    victim_id = victim->Query("SELECT CONNECTION_ID()")[0].Int(0);
    auto killer = pool.Acquire();
    killer->Execute("KILL CONNECTION " + std::to_string(victim_id));  // KILL takes no placeholder
  }
  // Both are idle now; take both so the killed one is used, each with SQL it has not prepared yet.
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    EXPECT_EQ(a->Query("SELECT 40 + ?", {std::int64_t{2}})[0].Int(0), 42);
    EXPECT_EQ(b->Query("SELECT 40 + ?", {std::int64_t{2}})[0].Int(0), 42);
  }
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_TRUE(pool.Ping());
}

TEST(Pool, ConcurrentConditionalUpdatesAreAllCounted) {
  constexpr int kThreads = 8;
  constexpr int kUpdatesPerThread = 200;
  Pool pool(PoolOf(4));  // fewer connections than threads, so acquiring waits too
  pool.Acquire()->ExecuteScript(
      "DROP TABLE IF EXISTS sqltest_counter;"
      "CREATE TABLE sqltest_counter (id BIGINT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB;"
      "INSERT INTO sqltest_counter (id, v) VALUES (1, 0), (2, 0)");
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kUpdatesPerThread; ++i) {
        try {
          auto connection = pool.Acquire();
          if (connection->Execute("UPDATE sqltest_counter SET v = v + 1 WHERE id = ?", {std::int64_t{1}})
                  .affected_rows != 1) {
            ++failures;
          }
        } catch (const Error&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto connection = pool.Acquire();
  auto rows = connection->Query("SELECT id, v FROM sqltest_counter ORDER BY id");
  EXPECT_EQ(rows[0].Int(1), kThreads * kUpdatesPerThread);
  EXPECT_EQ(rows[1].Int(1), 0);
  EXPECT_LE(pool.size(), 4u);
  connection->Execute("DROP TABLE sqltest_counter");
}

}  // namespace
}  // namespace mp::sql

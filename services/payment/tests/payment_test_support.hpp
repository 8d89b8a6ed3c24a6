#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "libs/core/error.hpp"
#include "libs/core/testing/polling.hpp"
#include "libs/sql/connection.hpp"
#include "libs/sql/options.hpp"
#include "libs/sql/tests/test_database.hpp"

// Helpers shared by the payment integration tests (a real MariaDB/MySQL from the MP_MYSQL_* and
// MP_TEST_DB_* variables ./marketplace test exports).
namespace mp::payment::test {

// A fresh, empty database `name` (mp_test_payment...) on the test server, for this test binary alone.
inline sql::Options FreshDatabase(const std::string& name) {
  auto options = sql::test::TestDatabaseOptions();
  {
    sql::Connection admin(options);
    admin.ExecuteScript("DROP DATABASE IF EXISTS " + name + "; CREATE DATABASE " + name +
                        " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  }
  options.database = name;
  options.pool_size = 24;
  options.acquire_timeout = std::chrono::milliseconds(20'000);
  return options;
}

inline void DropDatabase(const std::string& name) {
  try {
    auto options = sql::test::TestDatabaseOptions();
    sql::Connection admin(options);
    admin.ExecuteScript("DROP DATABASE IF EXISTS " + name);
  } catch (const std::exception&) {
    // Best effort clean-up; the next run drops it first anyway.
  }
}

// Runs `attempt(i)` on n threads released together; returns how many returned normally and the ApiError
// codes of the others.
template <class F>
std::pair<int, std::vector<std::string>> RaceOf(int n, F attempt) {
  std::atomic<bool> go{false};
  std::atomic<int> wins{0};
  std::mutex mutex;
  std::vector<std::string> refusals;
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      try {
        attempt(i);
        ++wins;
      } catch (const ApiError& e) {
        std::lock_guard lock(mutex);
        refusals.push_back(e.code());
      } catch (const std::exception& e) {  // a store error (deadlock, timeout): a failure the test shows
        std::lock_guard lock(mutex);
        refusals.push_back(std::string("exception: ") + e.what());
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return {wins.load(), refusals};
}

using mp::testing::WaitUntil;  // polls every 20 ms, 15 s by default

}  // namespace mp::payment::test

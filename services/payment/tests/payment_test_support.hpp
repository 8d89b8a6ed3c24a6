#pragma once

#include <chrono>
#include <string>

#include "libs/core/testing/polling.hpp"
#include "libs/core/testing/race.hpp"
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

using mp::testing::RaceOf;
using mp::testing::WaitUntil;  // polls every 20 ms, 15 s by default

}  // namespace mp::payment::test

#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "libs/core/testing/required_env.hpp"
#include "libs/sql/options.hpp"

namespace mp::sql::test {

// The integration database, from MP_MYSQL_HOST, MP_MYSQL_PORT, MP_TEST_DB, MP_TEST_DB_USER and
// MP_DB_PASSWORD_TEST (./marketplace test sets them). Throws with a clear message when one is missing, so
// the test fails instead of silently passing.
inline Options TestDatabaseOptions() {
  mp::testing::RequiredEnv env;
  Options options;
  options.host = env.Get("MP_MYSQL_HOST");
  std::string port = env.Get("MP_MYSQL_PORT");
  options.database = env.Get("MP_TEST_DB");
  options.user = env.Get("MP_TEST_DB_USER");
  options.password = env.Get("MP_DB_PASSWORD_TEST");
  env.Check("a MySQL/MariaDB test database");
  options.port = std::stoi(port);
  options.pool_size = 4;
  return options;
}

}  // namespace mp::sql::test

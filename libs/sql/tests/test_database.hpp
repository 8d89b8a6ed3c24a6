#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "libs/sql/options.hpp"

namespace mp::sql::test {

// The integration database, from MP_MYSQL_HOST, MP_MYSQL_PORT, MP_TEST_DB, MP_TEST_DB_USER and
// MP_DB_PASSWORD_TEST (./marketplace test sets them). Throws with a clear message when one is missing, so
// the test fails instead of silently passing.
inline Options TestDatabaseOptions() {
  std::string missing;
  auto get = [&](const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
      missing += missing.empty() ? name : std::string(", ") + name;
      return std::string();
    }
    return std::string(value);
  };
  Options options;
  options.host = get("MP_MYSQL_HOST");
  std::string port = get("MP_MYSQL_PORT");
  options.database = get("MP_TEST_DB");
  options.user = get("MP_TEST_DB_USER");
  options.password = get("MP_DB_PASSWORD_TEST");
  if (!missing.empty()) {
    throw std::runtime_error("integration tests need a MySQL/MariaDB test database; set " + missing +
                             " (./marketplace test does this)");
  }
  options.port = std::stoi(port);
  options.pool_size = 4;
  return options;
}

}  // namespace mp::sql::test

#pragma once

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>

#include "libs/core/testing/required_env.hpp"
#include "libs/mongo/database.hpp"
#include "libs/mongo/options.hpp"

namespace mp::mongo::test {

// A throwaway database on the integration server: mongodb://$MP_MONGO_HOST:$MP_MONGO_PORT/ (host defaults
// to 127.0.0.1), named `<prefix>_<random>`; the test drops it at the end. Throws with a clear message when
// MP_MONGO_PORT is missing (./marketplace test sets it), so the test fails instead of silently passing.
inline Options TestDatabaseOptions(const std::string& prefix) {
  mp::testing::RequiredEnv env;
  std::string port = env.Get("MP_MONGO_PORT");
  env.Check("a MongoDB-protocol test server (FerretDB)");
  const char* host = std::getenv("MP_MONGO_HOST");
  Options options;
  options.uri =
      "mongodb://" + std::string(host != nullptr && *host != '\0' ? host : "127.0.0.1") + ":" + port + "/";
  std::random_device random;
  options.database = prefix + "_" + std::to_string(random() % 100'000'000);
  options.app_name = "mp-test";
  options.max_pool_size = 8;
  return options;
}

// A throwaway database `<prefix>_<random>` (TestDatabaseOptions), or the one `options` name, for one test or
// fixture, dropped at the end.
class ScopedDatabase {
 public:
  explicit ScopedDatabase(const std::string& prefix) : ScopedDatabase(TestDatabaseOptions(prefix)) {}
  explicit ScopedDatabase(Options options) : database_(std::move(options)) {}
  ~ScopedDatabase() {
    try {
      database_.Drop();
    } catch (const std::exception&) {
      // Best effort clean-up.
    }
  }
  ScopedDatabase(const ScopedDatabase&) = delete;
  ScopedDatabase& operator=(const ScopedDatabase&) = delete;
  Database& get() { return database_; }

 private:
  Database database_;
};

// A MongoDB URI nothing listens on, with short timeouts: "the store is down".
inline Options UnreachableOptions(std::string database) {
  Options options;
  options.uri = "mongodb://127.0.0.1:1/";
  options.database = std::move(database);
  options.server_selection_timeout = std::chrono::milliseconds(300);
  options.connect_timeout = std::chrono::milliseconds(300);
  return options;
}

}  // namespace mp::mongo::test

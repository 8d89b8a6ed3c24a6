#pragma once

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>

#include "libs/core/testing/required_env.hpp"
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

}  // namespace mp::mongo::test

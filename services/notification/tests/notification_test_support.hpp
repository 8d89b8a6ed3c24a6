#pragma once

#include <chrono>
#include <cstdlib>
#include <future>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "libs/cache/redis.hpp"
#include "libs/core/testing/polling.hpp"
#include "libs/core/testing/required_env.hpp"
#include "libs/http/testing/io_thread.hpp"
#include "libs/mongo/database.hpp"
#include "libs/mongo/tests/test_database.hpp"

// Helpers shared by the notification integration tests (real FerretDB/MongoDB, RabbitMQ and Redis, from
// the variables ./marketplace test exports).
namespace mp::notification::test {

// MP_REDIS_HOST (default 127.0.0.1), MP_REDIS_PORT, MP_REDIS_PASSWORD.
inline cache::RedisOptions TestRedisOptions() {
  mp::testing::RequiredEnv env;
  std::string port = env.Get("MP_REDIS_PORT");
  std::string password = env.Get("MP_REDIS_PASSWORD");
  env.Check("a Redis test server");
  cache::RedisOptions options;
  const char* host = std::getenv("MP_REDIS_HOST");
  if (host != nullptr && *host != '\0') options.host = host;
  options.port = std::stoi(port);
  options.password = password;
  options.max_connections = 4;
  return options;
}

// Ids far from anything a developer's data uses, different on every run.
inline std::int64_t RandomId() { return mp::testing::RandomId(); }

using mp::testing::WaitUntil;  // polls every 20 ms, 15 s by default

using http::testing::IoThread;

// A database `notification_test_<random>` of its own, dropped at the end.
class TestDatabase : public mongo::test::ScopedDatabase {
 public:
  TestDatabase() : ScopedDatabase("notification_test") {}
};

// A MongoDB URI nothing listens on, with short timeouts: "the store is down".
inline mongo::Options UnreachableMongo() { return mongo::test::UnreachableOptions("notification_down"); }

}  // namespace mp::notification::test

#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>

#include "libs/mongo/database.hpp"
#include "libs/mongo/tests/test_database.hpp"

// Helpers shared by the user service's integration tests (real FerretDB/MongoDB and RabbitMQ, from the
// variables ./marketplace test exports).
namespace mp::user::test {

// User ids far from anything a developer's data uses, different on every run.
inline std::int64_t RandomId() {
  static std::mt19937_64 rng{std::random_device{}()};
  return 2'000'000'000 + static_cast<std::int64_t>(rng() % 1'000'000'000);
}

// Polls `done` every 20 ms until it holds or `timeout` passes; returns its last value.
template <class Predicate>
bool WaitUntil(Predicate done, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// A database `mp_test_user_<random>` of its own, dropped at the end.
class TestDatabase {
 public:
  TestDatabase() : database_(mongo::test::TestDatabaseOptions("mp_test_user")) {}
  ~TestDatabase() {
    try {
      database_.Drop();
    } catch (const std::exception&) {
      // Best effort clean-up.
    }
  }
  mongo::Database& get() { return database_; }

 private:
  mongo::Database database_;
};

// A MongoDB URI nothing listens on, with short timeouts: "the store is down".
inline mongo::Options UnreachableMongo() {
  mongo::Options options;
  options.uri = "mongodb://127.0.0.1:1/";
  options.database = "mp_test_user_down";
  options.server_selection_timeout = std::chrono::milliseconds(300);
  options.connect_timeout = std::chrono::milliseconds(300);
  return options;
}

}  // namespace mp::user::test

#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>

#include "libs/core/testing/polling.hpp"
#include "libs/mongo/database.hpp"
#include "libs/mongo/tests/test_database.hpp"

// Helpers shared by the user service's integration tests (real FerretDB/MongoDB and RabbitMQ, from the
// variables ./marketplace test exports).
namespace mp::user::test {

// Ids far from anything a developer's data uses, different on every run.
inline std::int64_t RandomId() { return mp::testing::RandomId(2'000'000'000); }

using mp::testing::WaitUntil;  // polls every 20 ms, 15 s by default

// A database `mp_test_user_<random>` of its own, dropped at the end.
class TestDatabase : public mongo::test::ScopedDatabase {
 public:
  TestDatabase() : ScopedDatabase("mp_test_user") {}
};

// A MongoDB URI nothing listens on, with short timeouts: "the store is down".
inline mongo::Options UnreachableMongo() { return mongo::test::UnreachableOptions("mp_test_user_down"); }

}  // namespace mp::user::test

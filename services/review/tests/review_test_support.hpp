#pragma once

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <utility>

#include "libs/core/testing/polling.hpp"
#include "libs/mongo/database.hpp"
#include "libs/mongo/options.hpp"
#include "libs/mongo/tests/test_database.hpp"
#include "services/review/src/domain/review.hpp"

// Helpers shared by the review integration tests (real FerretDB/MongoDB and RabbitMQ, from the variables
// ./marketplace test exports).
namespace mp::review::test {

// Ids far from anything a developer's data uses, different on every run.
inline std::int64_t RandomId() { return mp::testing::RandomId(); }

// mp::testing::WaitUntil with a 30 s default (ratings wait for events and recounts).
template <class Predicate>
bool WaitUntil(Predicate done, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  return mp::testing::WaitUntil(std::move(done), timeout);
}

// A database `mp_test_review_<random>` of its own, dropped at the end.
class TestDatabase : public mongo::test::ScopedDatabase {
 public:
  TestDatabase() : ScopedDatabase("mp_test_review") {}
};

// A MongoDB URI nothing listens on, with short timeouts: "the store is down".
inline mongo::Options UnreachableMongo() { return mongo::test::UnreachableOptions("mp_test_review_down"); }

inline domain::Review MakeReview(std::int64_t order_id, std::int64_t customer_id, std::int64_t provider_id,
                                 int stars, time::TimePoint created_at = time::Now(),
                                 std::optional<std::string> content = std::nullopt) {
  return domain::Review{order_id, customer_id, provider_id, stars, std::move(content), created_at};
}

}  // namespace mp::review::test

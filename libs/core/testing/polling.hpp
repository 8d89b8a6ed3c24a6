#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <thread>

// Helpers for integration tests that wait on asynchronous effects (events, caches) of real servers.
namespace mp::testing {

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

// An id in [base, base + 10^9), different on every run: far from anything a developer's data uses.
inline std::int64_t RandomId(std::int64_t base = 1'000'000'000) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return base + static_cast<std::int64_t>(rng() % 1'000'000'000);
}

}  // namespace mp::testing

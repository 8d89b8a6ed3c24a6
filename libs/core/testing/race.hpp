#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "libs/core/error.hpp"

namespace mp::testing {

// Runs `attempt(i)` on n threads released together; returns how many returned normally and the ApiError
// codes of the others.
template <class F>
std::pair<int, std::vector<std::string>> RaceOf(int n, F attempt) {
  std::atomic<bool> go{false};
  std::atomic<int> wins{0};
  std::mutex mutex;
  std::vector<std::string> refusals;
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      try {
        attempt(i);
        ++wins;
      } catch (const ApiError& e) {
        std::lock_guard lock(mutex);
        refusals.push_back(e.code());
      } catch (const std::exception& e) {  // a store error (deadlock, timeout): a failure the test shows
        std::lock_guard lock(mutex);
        refusals.push_back(std::string("exception: ") + e.what());
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return {wins.load(), refusals};
}

}  // namespace mp::testing

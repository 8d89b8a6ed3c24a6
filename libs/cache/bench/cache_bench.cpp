// Throughput of the local limiter (CPU only) and of the Redis client and limiter against a real Redis
// (skipped unless MP_REDIS_PORT is set). Run from an optimised build:
//   MP_REDIS_PORT=36379 MP_REDIS_PASSWORD=testpw build/release/libs/cache/cache_bench
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "libs/cache/local_rate_limiter.hpp"
#include "libs/cache/rate_limiter.hpp"
#include "libs/cache/redis.hpp"

namespace {

namespace asio = boost::asio;
using mp::cache::LocalRateLimiter;

void BM_LocalRateLimiterHit(benchmark::State& state) {
  static LocalRateLimiter limiter;
  std::vector<std::string> keys;
  for (int i = 0; i < 10'000; ++i) keys.push_back("user:" + std::to_string(i));
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    benchmark::DoNotOptimize(limiter.Hit(keys[i++ % keys.size()], 60, std::chrono::seconds(60)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LocalRateLimiterHit)->Threads(1)->Threads(2);

constexpr int kBatch = 20'000;  // operations per benchmark iteration

asio::awaitable<void> Worker(std::atomic<int>& left, bool use_limiter, mp::cache::Redis& redis,
                             mp::cache::RateLimiter& limiter, int id) {
  const std::string key = "bench:" + std::to_string(id % 1000);
  while (left.fetch_sub(1) > 0) {
    if (use_limiter) {
      co_await limiter.Hit(key, 1'000'000, std::chrono::seconds(60));
    } else {
      co_await redis.Command("INCR", key);
    }
  }
}

// Args: in-flight operations (coroutines); 2 I/O threads, 16 connections.
void RedisThroughput(benchmark::State& state, bool use_limiter) {
  if (std::getenv("MP_REDIS_PORT") == nullptr) {
    state.SkipWithError("MP_REDIS_PORT not set");
    return;
  }
  mp::config::Env env;
  asio::io_context io;
  mp::cache::Redis redis(io, mp::cache::FromEnv(env));
  mp::cache::RateLimiter limiter(redis);
  for (auto _ : state) {
    std::atomic<int> left{kBatch};
    for (int i = 0; i < state.range(0); ++i) {
      asio::co_spawn(io, Worker(left, use_limiter, redis, limiter, i), asio::detached);
    }
    io.restart();
    std::thread second([&io] { io.run(); });
    io.run();
    second.join();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
void BM_RedisIncr(benchmark::State& state) { RedisThroughput(state, false); }
void BM_RedisRateLimiterHit(benchmark::State& state) { RedisThroughput(state, true); }
BENCHMARK(BM_RedisIncr)->Arg(1)->Arg(64)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RedisRateLimiterHit)->Arg(64)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

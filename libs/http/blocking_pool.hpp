#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

// A bounded pool of threads for blocking client libraries (MariaDB Connector/C, libmongoc, Argon2id):
// `co_await pool.Run([&] { return store.Find(id); })` runs the call there and resumes the coroutine on its
// own I/O thread, so an I/O thread never blocks.
//
// The queue in front of the threads is bounded too: with `threads` calls running and `queue_limit` waiting,
// Run() refuses the next one at once (Overloaded, which the app answers with 503 and Retry-After), so under
// overload requests fail fast instead of waiting longer and longer.
namespace mp::http {

class BlockingPool {
 public:
  class Overloaded : public std::runtime_error {
   public:
    Overloaded() : std::runtime_error("blocking pool full: every thread busy and the queue at its limit") {}
  };

  BlockingPool(std::size_t threads, std::size_t queue_limit)
      : pool_(threads), threads_(threads), capacity_(threads + queue_limit) {}
  ~BlockingPool() { Stop(); }

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F>> Run(F f) {
    using R = std::invoke_result_t<F>;
    if (pending_.fetch_add(1) >= capacity_) {
      pending_.fetch_sub(1);
      rejected_total_.fetch_add(1);
      throw Overloaded();
    }
    Release release{pending_};
    if constexpr (std::is_void_v<R> || std::is_default_constructible_v<R>) {
      co_return co_await boost::asio::co_spawn(
          pool_.get_executor(), [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
          boost::asio::use_awaitable);
    } else {
      // co_spawn default-constructs the result when the call throws; an Outcome<T, Refusal> has no default.
      auto result = co_await boost::asio::co_spawn(
          pool_.get_executor(),
          [f = std::move(f)]() mutable -> boost::asio::awaitable<std::optional<R>> { co_return f(); },
          boost::asio::use_awaitable);
      co_return std::move(*result);
    }
  }

  std::size_t threads() const { return threads_; }
  std::size_t queue_limit() const { return capacity_ - threads_; }
  // Calls running or waiting for a thread; rejected since start.
  std::size_t pending() const { return pending_.load(); }
  std::uint64_t rejected_total() const { return rejected_total_.load(); }

  void Stop() {
    pool_.stop();
    pool_.join();
  }

 private:
  struct Release {
    std::atomic<std::size_t>& pending;
    ~Release() { pending.fetch_sub(1); }
  };

  boost::asio::thread_pool pool_;
  std::size_t threads_;
  std::size_t capacity_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> rejected_total_{0};
};

}  // namespace mp::http

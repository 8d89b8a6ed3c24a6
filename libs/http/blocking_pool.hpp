#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

// A bounded pool of threads for blocking client libraries (MariaDB Connector/C, libmongoc, Argon2id):
// `co_await pool.Run([&] { return store.Find(id); })` runs the call there and resumes the coroutine on its
// own I/O thread, so an I/O thread never blocks.
namespace mp::http {

class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads), threads_(threads) {}
  ~BlockingPool() { Stop(); }

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F>> Run(F f) {
    using R = std::invoke_result_t<F>;
    co_return co_await boost::asio::co_spawn(
        pool_.get_executor(), [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
        boost::asio::use_awaitable);
  }

  std::size_t threads() const { return threads_; }
  void Stop() {
    pool_.stop();
    pool_.join();
  }

 private:
  boost::asio::thread_pool pool_;
  std::size_t threads_;
};

}  // namespace mp::http

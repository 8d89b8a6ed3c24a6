#pragma once

#include <thread>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace mp::http::testing {

// An io_context on a thread of its own, for clients a test runs outside an App (HTTP, Redis). Finish() lets
// pending work (fire-and-forget cache updates) complete, then joins; the destructor does the same.
class IoThread {
 public:
  IoThread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~IoThread() { Finish(); }
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::io_context& io() { return io_; }
  void Finish() {
    guard_.reset();
    if (thread_.joinable()) thread_.join();
  }

  // Runs a coroutine there and waits for its result.
  template <class T>
  T Run(boost::asio::awaitable<T> task) {
    return boost::asio::co_spawn(io_, std::move(task), boost::asio::use_future).get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace mp::http::testing

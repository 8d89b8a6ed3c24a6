#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "libs/cache/resp.hpp"
#include "libs/core/config.hpp"

// Asynchronous Redis client for Asio coroutines: our own transport on Asio, hiredis only parses replies.
namespace mp::cache {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // AUTH on connect when not empty
  int db = 0;            // SELECT on connect when not 0
  std::size_t max_connections = 16;
  std::chrono::milliseconds connect_timeout{500};  // resolve + connect + AUTH/SELECT
  std::chrono::milliseconds command_timeout{500};  // waiting for a free connection + the round trip
};

// MP_REDIS_HOST, MP_REDIS_PORT, MP_REDIS_PASSWORD, MP_REDIS_DB, MP_REDIS_MAX_CONNECTIONS,
// MP_REDIS_CONNECT_TIMEOUT_MS, MP_REDIS_COMMAND_TIMEOUT_MS (problems are collected in `env`).
RedisOptions FromEnv(mp::config::Env& env);

// A pool of up to max_connections connections; each carries one command or pipeline at a time. Safe to
// use from coroutines on any number of threads. Must outlive every operation started on it.
//
// Every operation throws RedisError when Redis is unreachable, does not answer within the timeouts, or
// breaks the connection; a connection that failed or timed out is closed, never reused, and the next
// operation opens a new one.
class Redis {
  struct Connection;

 public:
  Redis(boost::asio::any_io_executor executor, RedisOptions options);
  Redis(boost::asio::io_context& io, RedisOptions options);
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  // Throws RedisError also for an error reply (RedisError::server_reply() is then true).
  boost::asio::awaitable<Reply> Command(std::vector<std::string> args);
  // Command("SET", key, value): the same, for use inside coroutines, where g++ 12 rejects a braced list
  // ("array used as initializer") such as co_await Command({"GET", key}).
  template <class... Args>
  boost::asio::awaitable<Reply> Command(std::string_view name, const Args&... args) {
    std::vector<std::string> all;
    all.reserve(1 + sizeof...(Args));
    all.emplace_back(name);
    (all.emplace_back(args), ...);
    return Command(std::move(all));
  }
  // One round trip for all commands. Error replies are returned in place (type kError), not thrown, so
  // the caller sees which command failed; transport failures throw.
  boost::asio::awaitable<std::vector<Reply>> Pipeline(std::vector<std::vector<std::string>> commands);
  // PING; false instead of an exception (for /ready).
  boost::asio::awaitable<bool> Ping();

  // A connection of its own, outside the pool and its limit, for commands after which Redis pushes
  // messages (SUBSCRIBE, CLIENT TRACKING). Used by one coroutine at a time; Close() may come from another
  // coroutine on the same executor (it makes a pending Send or Receive throw).
  class Dedicated {
   public:
    ~Dedicated();
    // Sends the commands and reads one reply each; error replies in place. Bounded by command_timeout.
    boost::asio::awaitable<std::vector<Reply>> Send(std::vector<std::vector<std::string>> commands);
    // The next reply Redis pushes; waits without a time limit (ping to detect a silent peer).
    boost::asio::awaitable<Reply> Receive();
    // Sends PING without waiting (its answer arrives through Receive); closes the connection on failure.
    void Ping();
    void Close();

   private:
    friend class Redis;
    Dedicated(std::shared_ptr<Connection> connection, std::chrono::milliseconds timeout);
    std::shared_ptr<Connection> connection_;
    std::chrono::milliseconds timeout_;
  };
  // Connects (bounded by connect_timeout, AUTH/SELECT as for the pool); throws RedisError.
  boost::asio::awaitable<std::unique_ptr<Dedicated>> OpenDedicated();

  // Whether the last operation reached Redis and got its replies (error replies included). False before
  // the first operation.
  bool healthy() const { return healthy_.load(std::memory_order_relaxed); }
  std::size_t open_connections() const;  // in use, idle or being opened (a gauge for /metrics)
  const RedisOptions& options() const { return options_; }

 private:
  struct Waiter;
  using ConnectionPtr = std::shared_ptr<Connection>;

  boost::asio::awaitable<std::vector<Reply>> Execute(std::string payload, std::size_t replies);
  boost::asio::awaitable<std::vector<Reply>> Run(std::string payload, std::size_t replies);
  boost::asio::awaitable<ConnectionPtr> Acquire(std::chrono::steady_clock::time_point deadline);
  boost::asio::awaitable<void> Connect(Connection& connection);
  void Release(ConnectionPtr connection);
  void Discard(const ConnectionPtr& connection);

  boost::asio::any_io_executor executor_;
  RedisOptions options_;
  std::atomic<bool> healthy_{false};

  mutable std::mutex mutex_;  // guards the members below and Waiter::handed/connection
  std::vector<ConnectionPtr> idle_;
  std::deque<std::shared_ptr<Waiter>> waiters_;  // non-empty only while idle_ is empty
  std::size_t open_ = 0;
};

}  // namespace mp::cache

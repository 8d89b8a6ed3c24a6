#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "libs/sql/connection.hpp"
#include "libs/sql/options.hpp"

namespace mp::sql {

class Pool;

// A connection borrowed from a Pool; given back when it goes out of scope. A connection that is broken
// or still inside a transaction is closed instead (the server then rolls the transaction back).
class PooledConnection {
 public:
  PooledConnection(Pool* pool, std::unique_ptr<Connection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  PooledConnection(PooledConnection&& other) noexcept = default;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  ~PooledConnection();

  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }
  Connection& get() const { return *connection_; }

 private:
  void Release();

  Pool* pool_;
  std::unique_ptr<Connection> connection_;
};

// A bounded, thread-safe set of connections. Connections are opened lazily on demand, so a service can
// start while the database is still coming up. The pool must outlive every PooledConnection.
class Pool {
 public:
  explicit Pool(Options options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Waits up to options.acquire_timeout for a free connection, then throws Error (unavailable()).
  // A connection idle for more than 30 s is pinged first and replaced if the server dropped it.
  PooledConnection Acquire();
  // For /ready: a connection can be had and answers.
  bool Ping();

  std::size_t in_use() const;
  std::size_t idle() const;
  std::size_t size() const;  // open (or opening) connections, in use or idle
  const Options& options() const { return options_; }

 private:
  friend class PooledConnection;
  using SteadyClock = std::chrono::steady_clock;
  struct Idle {
    std::unique_ptr<Connection> connection;
    SteadyClock::time_point since;
  };

  void Release(std::unique_ptr<Connection> connection);

  const Options options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Idle> idle_;  // most recently used at the back
  std::size_t size_ = 0;
};

}  // namespace mp::sql

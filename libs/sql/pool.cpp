#include "libs/sql/pool.hpp"

#include <fmt/format.h>

#include "libs/sql/error.hpp"

namespace mp::sql {
namespace {

// Servers and proxies drop idle sessions (wait_timeout, NAT); beyond this a connection is checked first.
constexpr std::chrono::seconds kPingAfterIdle{30};

}  // namespace

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    connection_ = std::move(other.connection_);
  }
  return *this;
}

PooledConnection::~PooledConnection() { Release(); }

void PooledConnection::Release() {
  if (connection_ != nullptr && pool_ != nullptr) pool_->Release(std::move(connection_));
  connection_.reset();
}

Pool::Pool(Options options) : options_(std::move(options)) {}

Pool::~Pool() = default;

PooledConnection Pool::Acquire() {
  const auto deadline = SteadyClock::now() + options_.acquire_timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      Idle entry = std::move(idle_.back());
      idle_.pop_back();
      if (SteadyClock::now() - entry.since < kPingAfterIdle)
        return PooledConnection(this, std::move(entry.connection));
      lock.unlock();
      bool alive = entry.connection->Ping();
      if (alive) return PooledConnection(this, std::move(entry.connection));
      entry.connection.reset();
      lock.lock();
      --size_;
      continue;
    }
    if (size_ < options_.pool_size) {
      ++size_;
      lock.unlock();
      try {
        return PooledConnection(this, std::make_unique<Connection>(options_));
      } catch (...) {
        lock.lock();
        --size_;
        available_.notify_one();
        throw;
      }
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        size_ >= options_.pool_size) {
      throw Error::Unavailable(fmt::format("no database connection free within {} ms ({} of {} in use)",
                                           options_.acquire_timeout.count(), size_, options_.pool_size));
    }
  }
}

void Pool::Release(std::unique_ptr<Connection> connection) {
  bool keep = !connection->broken() && !connection->in_transaction();
  if (!keep) connection.reset();  // close before taking the lock
  std::lock_guard lock(mutex_);
  if (keep) {
    idle_.push_back(Idle{std::move(connection), SteadyClock::now()});
  } else {
    --size_;
  }
  available_.notify_one();
}

bool Pool::Ping() {
  try {
    PooledConnection connection = Acquire();
    return connection->Ping();
  } catch (const Error&) {
    return false;
  }
}

std::size_t Pool::in_use() const {
  std::lock_guard lock(mutex_);
  return size_ - idle_.size();
}

std::size_t Pool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t Pool::size() const {
  std::lock_guard lock(mutex_);
  return size_;
}

}  // namespace mp::sql

#include "libs/cache/redis.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <functional>
#include <stdexcept>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "libs/core/log.hpp"

namespace mp::cache {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

std::string Millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

// Runs on_expiry if `at` passes while this object lives. The timer runs on the operation's strand, as
// does the coroutine that owns this object, so on_expiry never races with the coroutine, and once the
// destructor has disarmed it a late timer completion does nothing.
class Deadline {
 public:
  Deadline(const asio::any_io_executor& strand, Clock::time_point at, std::function<void()> on_expiry)
      : timer_(strand, at), state_(std::make_shared<State>()) {
    state_->on_expiry = std::move(on_expiry);
    timer_.async_wait([state = state_](const error_code& ec) {
      if (ec || !state->armed) return;
      state->fired = true;
      state->on_expiry();
    });
  }
  ~Deadline() {
    state_->armed = false;
    timer_.cancel();
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  bool fired() const { return state_->fired; }

 private:
  struct State {
    bool armed = true;
    bool fired = false;
    std::function<void()> on_expiry;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace

struct Redis::Connection {
  explicit Connection(const asio::any_io_executor& executor) : socket(executor) {}

  // An idle connection whose peer has closed it (Redis restarted, idle timeout) shows EOF without
  // blocking; so does one with unexpected bytes pending (out of step). Either is dropped before use.
  bool Alive() {
    if (!socket.is_open()) return false;
    char byte = 0;
    const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  void Close() {
    error_code ignored;
    socket.close(ignored);
  }

  tcp::socket socket;
  ReplyParser parser;
  std::array<char, 16 * 1024> buffer{};
};

// A coroutine waiting for a connection while all max_connections are in use. Release() hands it a
// connection (or, when one was discarded, the right to open a new one) and wakes it by cancelling its
// timer on its own strand.
struct Redis::Waiter {
  Waiter(const asio::any_io_executor& strand, Clock::time_point deadline) : timer(strand, deadline) {}
  asio::steady_timer timer;
  bool handed = false;       // guarded by Redis::mutex_
  ConnectionPtr connection;  // guarded by Redis::mutex_; null with handed: open a new one
};

namespace {

// Writes the payload and reads `count` replies. Throws RedisError on I/O or protocol errors.
asio::awaitable<std::vector<Reply>> Exchange(tcp::socket& socket, ReplyParser& parser,
                                             std::array<char, 16 * 1024>& buffer, const std::string& payload,
                                             std::size_t count) {
  error_code ec;
  co_await asio::async_write(socket, asio::buffer(payload), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw RedisError("redis write failed: " + ec.message());
  std::vector<Reply> replies;
  replies.reserve(count);
  while (replies.size() < count) {
    if (auto reply = parser.Next()) {
      replies.push_back(std::move(*reply));
      continue;
    }
    const std::size_t n =
        co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::eof) throw RedisError("redis closed the connection");
    if (ec) throw RedisError("redis read failed: " + ec.message());
    parser.Feed({buffer.data(), n});
  }
  co_return replies;
}

}  // namespace

RedisOptions FromEnv(mp::config::Env& env) {
  RedisOptions options;
  options.host = env.String("MP_REDIS_HOST", options.host);
  options.port = static_cast<int>(env.Int("MP_REDIS_PORT", options.port, 1, 65535));
  options.password = env.String("MP_REDIS_PASSWORD", "");
  options.db = static_cast<int>(env.Int("MP_REDIS_DB", 0, 0, 1023));
  options.max_connections = static_cast<std::size_t>(env.Int("MP_REDIS_MAX_CONNECTIONS", 16, 1, 1024));
  options.connect_timeout = std::chrono::milliseconds(env.Int("MP_REDIS_CONNECT_TIMEOUT_MS", 500, 1, 60'000));
  options.command_timeout = std::chrono::milliseconds(env.Int("MP_REDIS_COMMAND_TIMEOUT_MS", 500, 1, 60'000));
  return options;
}

Redis::Redis(asio::any_io_executor executor, RedisOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {
  if (options_.max_connections == 0) throw std::invalid_argument("RedisOptions::max_connections must be > 0");
}

Redis::Redis(asio::io_context& io, RedisOptions options) : Redis(io.get_executor(), std::move(options)) {}

Redis::~Redis() {
  std::lock_guard lock(mutex_);
  for (auto& connection : idle_) connection->Close();
}

std::size_t Redis::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

asio::awaitable<Reply> Redis::Command(std::vector<std::string> args) {
  if (args.empty()) throw std::invalid_argument("empty redis command");
  auto replies = co_await Execute(EncodeCommand(args), 1);
  Reply reply = std::move(replies.front());
  if (reply.type == Reply::Type::kError) throw RedisError(reply.str, /*server_reply=*/true);
  co_return reply;
}

asio::awaitable<std::vector<Reply>> Redis::Pipeline(std::vector<std::vector<std::string>> commands) {
  if (commands.empty()) co_return std::vector<Reply>{};
  std::string payload;
  for (const auto& args : commands) {
    if (args.empty()) throw std::invalid_argument("empty redis command in pipeline");
    AppendCommand(payload, args);
  }
  co_return co_await Execute(std::move(payload), commands.size());
}

asio::awaitable<bool> Redis::Ping() {
  try {
    const Reply reply = co_await Command("PING");
    co_return reply.type == Reply::Type::kStatus&& reply.str == "PONG";
  } catch (const RedisError&) {
    co_return false;
  }
}

// Each operation runs on a strand of its own, so its deadline timers never run concurrently with it
// whatever executor (and number of threads) the caller uses.
asio::awaitable<std::vector<Reply>> Redis::Execute(std::string payload, std::size_t replies) {
  co_return co_await asio::co_spawn(asio::make_strand(executor_), Run(std::move(payload), replies),
                                    asio::use_awaitable);
}

asio::awaitable<std::vector<Reply>> Redis::Run(std::string payload, std::size_t count) {
  const auto deadline_at = Clock::now() + options_.command_timeout;
  const auto strand = co_await asio::this_coro::executor;
  ConnectionPtr connection;
  try {
    connection = co_await Acquire(deadline_at);
  } catch (...) {
    healthy_ = false;
    throw;
  }
  std::vector<Reply> replies;
  std::exception_ptr failure;
  {
    Deadline deadline(strand, deadline_at, [c = connection.get()] { c->Close(); });
    try {
      replies = co_await Exchange(connection->socket, connection->parser, connection->buffer, payload, count);
    } catch (...) {
      failure = deadline.fired() ? std::make_exception_ptr(RedisError("redis command timed out after " +
                                                                      Millis(options_.command_timeout)))
                                 : std::current_exception();
    }
  }
  healthy_ = !failure;
  if (failure) {
    Discard(connection);
    std::rethrow_exception(failure);
  }
  Release(std::move(connection));
  co_return replies;
}

asio::awaitable<Redis::ConnectionPtr> Redis::Acquire(Clock::time_point deadline_at) {
  const auto strand = co_await asio::this_coro::executor;
  for (;;) {
    ConnectionPtr connection;
    std::shared_ptr<Waiter> waiter;
    bool open_new = false;
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        connection = std::move(idle_.back());
        idle_.pop_back();
      } else if (open_ < options_.max_connections) {
        ++open_;
        open_new = true;
      } else {
        waiter = std::make_shared<Waiter>(strand, deadline_at);
        waiters_.push_back(waiter);
      }
    }
    if (waiter) {
      error_code ignored;  // cancelled: woken by Release(); success: deadline reached
      co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      std::lock_guard lock(mutex_);
      if (!waiter->handed) {
        waiters_.erase(std::find(waiters_.begin(), waiters_.end(), waiter));
        throw RedisError("no redis connection free within " + Millis(options_.command_timeout) +
                         " (pool of " + std::to_string(options_.max_connections) + ")");
      }
      connection = std::move(waiter->connection);
      open_new = !connection;
    }
    if (connection) {
      if (connection->Alive()) co_return connection;
      mp::log::Debug("redis: dropping a closed idle connection");
      Discard(connection);
      continue;
    }
    if (open_new) {
      auto fresh = std::make_shared<Connection>(executor_);
      try {
        co_await Connect(*fresh);
      } catch (...) {
        Discard(fresh);
        throw;
      }
      co_return fresh;
    }
  }
}

asio::awaitable<void> Redis::Connect(Connection& connection) {
  const auto strand = co_await asio::this_coro::executor;
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  tcp::resolver resolver(strand);
  Deadline deadline(strand, Clock::now() + options_.connect_timeout, [&resolver, &connection] {
    resolver.cancel();
    connection.Close();
  });
  const auto timed_out = [&] {
    return RedisError("redis " + where + ": connect timed out after " + Millis(options_.connect_timeout));
  };

  error_code ec;
  const auto endpoints = co_await resolver.async_resolve(options_.host, std::to_string(options_.port),
                                                         asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    co_await asio::async_connect(connection.socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (deadline.fired()) throw timed_out();
  if (ec) throw RedisError("redis " + where + ": cannot connect: " + ec.message());
  connection.socket.set_option(tcp::no_delay(true), ec);

  std::string hello;
  std::size_t count = 0;
  if (!options_.password.empty()) {
    AppendCommand(hello, {"AUTH", options_.password});
    ++count;
  }
  if (options_.db != 0) {
    AppendCommand(hello, {"SELECT", std::to_string(options_.db)});
    ++count;
  }
  if (count > 0) {
    std::vector<Reply> replies;
    try {
      replies = co_await Exchange(connection.socket, connection.parser, connection.buffer, hello, count);
    } catch (const RedisError&) {
      if (deadline.fired()) throw timed_out();
      throw;
    }
    for (const auto& reply : replies) {
      // Redis's message, never the password: "WRONGPASS invalid username-password pair ...".
      if (reply.type == Reply::Type::kError) {
        throw RedisError("redis " + where + ": handshake failed: " + reply.str);
      }
    }
  }
  mp::log::Debug("redis: connected", {{"address", where}});
}

asio::awaitable<std::unique_ptr<Redis::Dedicated>> Redis::OpenDedicated() {
  auto connection = std::make_shared<Connection>(co_await asio::this_coro::executor);
  co_await Connect(*connection);
  co_return std::unique_ptr<Dedicated>(new Dedicated(std::move(connection), options_.command_timeout));
}

Redis::Dedicated::Dedicated(std::shared_ptr<Connection> connection, std::chrono::milliseconds timeout)
    : connection_(std::move(connection)), timeout_(timeout) {}

Redis::Dedicated::~Dedicated() { Close(); }

void Redis::Dedicated::Close() { connection_->Close(); }

void Redis::Dedicated::Ping() {
  static const std::string kPing = EncodeCommand({"PING"});
  asio::async_write(connection_->socket, asio::buffer(kPing),
                    [connection = connection_](const error_code& ec, std::size_t) {
                      if (ec) connection->Close();
                    });
}

asio::awaitable<std::vector<Reply>> Redis::Dedicated::Send(std::vector<std::vector<std::string>> commands) {
  std::string payload;
  for (const auto& args : commands) AppendCommand(payload, args);
  const auto executor = co_await asio::this_coro::executor;
  Deadline deadline(executor, Clock::now() + timeout_, [c = connection_.get()] { c->Close(); });
  try {
    co_return co_await Exchange(connection_->socket, connection_->parser, connection_->buffer, payload,
                                commands.size());
  } catch (const RedisError&) {
    if (!deadline.fired()) throw;
  }
  throw RedisError("redis command timed out after " + Millis(timeout_));
}

asio::awaitable<Reply> Redis::Dedicated::Receive() {
  for (;;) {
    if (auto reply = connection_->parser.Next()) co_return std::move(*reply);
    error_code ec;
    const std::size_t n = co_await connection_->socket.async_read_some(
        asio::buffer(connection_->buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::eof) throw RedisError("redis closed the connection");
    if (ec) throw RedisError("redis read failed: " + ec.message());
    connection_->parser.Feed({connection_->buffer.data(), n});
  }
}

void Redis::Release(ConnectionPtr connection) {
  std::lock_guard lock(mutex_);
  if (waiters_.empty()) {
    idle_.push_back(std::move(connection));
    return;
  }
  auto waiter = std::move(waiters_.front());
  waiters_.pop_front();
  waiter->handed = true;
  waiter->connection = std::move(connection);
  asio::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
}

void Redis::Discard(const ConnectionPtr& connection) {
  connection->Close();
  std::lock_guard lock(mutex_);
  if (waiters_.empty()) {
    --open_;
    return;
  }
  // The slot passes to a waiter, which opens a connection of its own.
  auto waiter = std::move(waiters_.front());
  waiters_.pop_front();
  waiter->handed = true;
  asio::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
}

}  // namespace mp::cache

// Against a real redis-server: MP_REDIS_HOST (default 127.0.0.1), MP_REDIS_PORT (required),
// MP_REDIS_PASSWORD. The restart test starts a redis-server of its own (skipped if none is installed).
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

#include "libs/cache/rate_limiter.hpp"
#include "libs/cache/redis.hpp"
#include "libs/cache/tracked_reads.hpp"
#include "libs/security/crypto.hpp"

extern char** environ;

namespace mp::cache {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Runs one coroutine to completion on `io` (on this thread) and returns its result or rethrows.
template <class T>
T RunSync(asio::io_context& io, asio::awaitable<T> task) {
  std::optional<T> result;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(task), [&](const std::exception_ptr& e, T value) {
    error = e;
    if (!e) result = std::move(value);
  });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

long ElapsedMs(Clock::time_point since) {
  return static_cast<long>(std::chrono::duration_cast<milliseconds>(Clock::now() - since).count());
}

// A port nobody listens on (bound and released at once).
int FreePort() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  return acceptor.local_endpoint().port();
}

class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(std::getenv("MP_REDIS_PORT"), nullptr)
        << "MP_REDIS_PORT is not set. Start a Redis and export MP_REDIS_HOST / MP_REDIS_PORT / "
           "MP_REDIS_PASSWORD, e.g. `./marketplace infra start --instance test`, or `redis-server "
           "--port 36379 --bind 127.0.0.1 --requirepass testpw --save '' --appendonly no --daemonize yes "
           "--dir /tmp` with MP_REDIS_PORT=36379 MP_REDIS_PASSWORD=testpw.";
    mp::config::Env env;
    options_ = FromEnv(env);
    env.Validate();
    prefix_ = "mp:cache-test:" + mp::security::RandomToken(6) + ":";
  }

  template <class T>
  T Run(asio::awaitable<T> task) {
    return RunSync(io_, std::move(task));
  }

  RedisOptions options_;
  std::string prefix_;
  asio::io_context io_;
};

TEST_F(RedisTest, SetGetIncrAndNil) {
  Redis redis(io_, options_);
  EXPECT_FALSE(redis.healthy());
  const Reply set = Run(redis.Command({"SET", prefix_ + "s", "value"}));
  EXPECT_EQ(set.type, Reply::Type::kStatus);
  EXPECT_EQ(set.str, "OK");
  EXPECT_EQ(Run(redis.Command({"GET", prefix_ + "s"})).str, "value");
  EXPECT_TRUE(Run(redis.Command({"GET", prefix_ + "missing"})).nil());
  EXPECT_EQ(Run(redis.Command({"INCR", prefix_ + "n"})).integer, 1);
  EXPECT_EQ(Run(redis.Command({"INCRBY", prefix_ + "n", "41"})).integer, 42);
  const std::string binary("a\r\n\0$*b", 7);
  Run(redis.Command({"SET", prefix_ + "b", binary}));
  EXPECT_EQ(Run(redis.Command({"GET", prefix_ + "b"})).str, binary);
  const Reply list = Run(redis.Command({"MGET", prefix_ + "s", prefix_ + "missing"}));
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_TRUE(list.elements[1].nil());
  EXPECT_TRUE(Run(redis.Ping()));
  EXPECT_TRUE(redis.healthy());
  EXPECT_EQ(Run(redis.Command("GET", prefix_ + "s")).str, "value");  // the variadic form
  Run(redis.Command({"DEL", prefix_ + "s", prefix_ + "n", prefix_ + "b"}));
}

TEST_F(RedisTest, ErrorReplyThrowsAndTheConnectionStaysUsable) {
  Redis redis(io_, options_);
  Run(redis.Command({"SET", prefix_ + "text", "abc"}));
  try {
    Run(redis.Command({"INCR", prefix_ + "text"}));
    FAIL() << "INCR of a string must fail";
  } catch (const RedisError& e) {
    EXPECT_TRUE(e.server_reply());
    EXPECT_EQ(std::string(e.what()).rfind("ERR", 0), 0u) << e.what();
  }
  EXPECT_THROW(Run(redis.Command({"NOSUCHCOMMAND"})), RedisError);
  EXPECT_TRUE(redis.healthy());  // Redis answered
  EXPECT_EQ(Run(redis.Command({"GET", prefix_ + "text"})).str, "abc");
  EXPECT_EQ(redis.open_connections(), 1u);
  Run(redis.Command({"DEL", prefix_ + "text"}));
}

TEST_F(RedisTest, PipelineReturnsRepliesInOrderWithErrorsInPlace) {
  Redis redis(io_, options_);
  const auto replies = Run(redis.Pipeline({{"SET", prefix_ + "p", "x"},
                                           {"INCR", prefix_ + "p"},
                                           {"GET", prefix_ + "p"},
                                           {"INCR", prefix_ + "q"},
                                           {"DEL", prefix_ + "p", prefix_ + "q"}}));
  ASSERT_EQ(replies.size(), 5u);
  EXPECT_EQ(replies[0].str, "OK");
  EXPECT_EQ(replies[1].type, Reply::Type::kError);
  EXPECT_EQ(replies[2].str, "x");
  EXPECT_EQ(replies[3].integer, 1);
  EXPECT_EQ(replies[4].integer, 2);
  EXPECT_TRUE(Run(redis.Pipeline({})).empty());
}

TEST_F(RedisTest, SelectsTheConfiguredDatabase) {
  RedisOptions db1 = options_;
  db1.db = 1;
  Redis other(io_, db1);
  Redis redis(io_, options_);
  Run(other.Command({"SET", prefix_ + "db", "one"}));
  EXPECT_TRUE(Run(redis.Command({"GET", prefix_ + "db"})).nil());
  EXPECT_EQ(Run(other.Command({"GET", prefix_ + "db"})).str, "one");
  Run(other.Command({"DEL", prefix_ + "db"}));
}

// A coroutine function, not a capturing lambda: the frame must own what it uses.
asio::awaitable<void> IncrementAndRoundTrip(Redis& redis, std::string counter, int i) {
  // The variadic form: a braced list inside co_await does not compile with g++ 12.
  const std::string own = counter + ":" + std::to_string(i);
  co_await redis.Command("INCR", counter);
  co_await redis.Command("SET", own, std::to_string(i));
  const Reply reply = co_await redis.Command("GET", own);
  if (reply.str != std::to_string(i)) throw std::runtime_error("wrong value for " + own);
  co_await redis.Command("DEL", own);
}

TEST_F(RedisTest, TwoIoThreadsRunAThousandConcurrentCommands) {
  RedisOptions options = options_;
  options.max_connections = 8;
  options.command_timeout = milliseconds(5000);  // 1000 commands queue for 8 connections on 2 cores
  Redis redis(io_, options);
  constexpr int kCommands = 1000;
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  const std::string counter = prefix_ + "counter";
  for (int i = 0; i < kCommands; ++i) {
    asio::co_spawn(io_, IncrementAndRoundTrip(redis, counter, i),
                   [&](const std::exception_ptr& e) { ++(e ? failed : done); });
  }
  std::thread second([this] { io_.run(); });
  io_.run();
  second.join();
  EXPECT_EQ(done.load(), kCommands);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LE(redis.open_connections(), 8u);
  EXPECT_EQ(Run(redis.Command({"GET", counter})).str, std::to_string(kCommands));
  Run(redis.Command({"DEL", counter}));
}

TEST_F(RedisTest, APoolOfOneServesConcurrentCommandsInTurn) {
  RedisOptions options = options_;
  options.max_connections = 1;
  options.command_timeout = milliseconds(3000);
  Redis redis(io_, options);
  int done = 0;
  for (int i = 0; i < 50; ++i) {
    asio::co_spawn(io_, redis.Command({"INCR", prefix_ + "one"}),
                   [&](const std::exception_ptr& e, const Reply&) {
                     if (!e) ++done;
                   });
  }
  io_.run();
  EXPECT_EQ(done, 50);
  EXPECT_EQ(redis.open_connections(), 1u);
  EXPECT_EQ(Run(redis.Command({"GET", prefix_ + "one"})).str, "50");
  Run(redis.Command({"DEL", prefix_ + "one"}));
}

TEST_F(RedisTest, ATimedOutConnectionIsClosedAndTheNextCommandWorks) {
  RedisOptions options = options_;
  options.command_timeout = milliseconds(200);
  Redis redis(io_, options);
  const auto start = Clock::now();
  EXPECT_THROW(Run(redis.Command({"BLPOP", prefix_ + "never", "2"})), RedisError);
  EXPECT_GE(ElapsedMs(start), 190);
  EXPECT_LT(ElapsedMs(start), 1000);
  EXPECT_FALSE(redis.healthy());
  EXPECT_EQ(redis.open_connections(), 0u);  // closed, not returned to the pool
  EXPECT_TRUE(Run(redis.Ping()));
  EXPECT_TRUE(redis.healthy());
}

TEST_F(RedisTest, WrongPasswordIsAnError) {
  RedisOptions options = options_;
  options.password = options_.password + "-but-wrong";
  Redis redis(io_, options);
  try {
    Run(redis.Command({"PING"}));
    FAIL() << "AUTH with a wrong password must fail";
  } catch (const RedisError& e) {
    EXPECT_NE(std::string(e.what()).find("handshake failed"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(options.password), std::string::npos) << "password leaked";
  }
  EXPECT_FALSE(redis.healthy());
  EXPECT_FALSE(Run(redis.Ping()));
  EXPECT_EQ(redis.open_connections(), 0u);
}

TEST_F(RedisTest, RateLimiterAllowsTheLimitThenDenies) {
  Redis redis(io_, options_);
  RateLimiter limiter(redis);
  const std::string key = prefix_ + "user:1";
  for (int i = 0; i < 5; ++i) {
    const Decision d = Run(limiter.Hit(key, 5, std::chrono::seconds(60)));
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 5);
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.retry_after_seconds, 0);
  }
  for (int i = 0; i < 3; ++i) {
    const Decision d = Run(limiter.Hit(key, 5, std::chrono::seconds(60)));
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.remaining, 0);
    EXPECT_GE(d.retry_after_seconds, 1);
    EXPECT_LE(d.retry_after_seconds, 60);
  }
  // Stored under rl:, as one hash that expires after two windows; rejected hits were not counted.
  EXPECT_EQ(Run(redis.Command({"HGET", "rl:" + key, "c"})).str, "5");
  const std::int64_t ttl = Run(redis.Command({"PTTL", "rl:" + key})).integer;
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 120'000);
  Run(redis.Command({"DEL", "rl:" + key}));
}

TEST_F(RedisTest, RateLimiterKeysAreIndependent) {
  Redis redis(io_, options_);
  RateLimiter limiter(redis);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Run(limiter.Hit(prefix_ + "a", 2, std::chrono::seconds(60))).allowed);
  }
  EXPECT_FALSE(Run(limiter.Hit(prefix_ + "a", 2, std::chrono::seconds(60))).allowed);
  const Decision b = Run(limiter.Hit(prefix_ + "b", 2, std::chrono::seconds(60)));
  EXPECT_TRUE(b.allowed);
  EXPECT_EQ(b.remaining, 1);
  Run(redis.Command({"DEL", "rl:" + prefix_ + "a", "rl:" + prefix_ + "b"}));
}

TEST_F(RedisTest, RateLimiterReloadsItsScriptAfterAFlush) {
  Redis redis(io_, options_);
  RateLimiter limiter(redis);
  ASSERT_TRUE(Run(limiter.Hit(prefix_ + "f", 3, std::chrono::seconds(10))).allowed);
  Run(redis.Command({"SCRIPT", "FLUSH"}));  // what a Redis restart does too
  const Decision d = Run(limiter.Hit(prefix_ + "f", 3, std::chrono::seconds(10)));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
  Run(redis.Command({"DEL", "rl:" + prefix_ + "f"}));
}

// 200 hits of one key with a limit of 50 at once, on two threads: how many were allowed (-1 if any failed).
int AllowedOfABurst(asio::io_context& io, RateLimiter& limiter, const std::string& key) {
  std::atomic<int> allowed{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < 200; ++i) {
    asio::co_spawn(io, limiter.Hit(key, 50, std::chrono::seconds(60)),
                   [&](const std::exception_ptr& e, Decision d) {
                     if (e)
                       ++failed;
                     else if (d.allowed)
                       ++allowed;
                   });
  }
  io.restart();
  std::thread second([&io] { io.run(); });
  io.run();
  second.join();
  return failed.load() == 0 ? allowed.load() : -1;
}

TEST_F(RedisTest, RateLimiterIsCorrectUnderConcurrency) {
  RedisOptions options = options_;
  options.command_timeout = milliseconds(5000);
  Redis redis(io_, options);
  RateLimiter limiter(redis);
  EXPECT_EQ(AllowedOfABurst(io_, limiter, prefix_ + "burst"), 50);
  Run(redis.Command({"DEL", "rl:" + prefix_ + "burst"}));
}

TEST_F(RedisTest, RateLimiterWithLocalAdmissionStaysExactOnOneReplica) {
  Redis redis(io_, options_);
  RateLimiter limiter(redis, 0.1);
  const std::string key = prefix_ + "local";
  int allowed = 0;
  int remote = 0;
  for (int i = 0; i < 101; ++i) {
    const bool local = limiter.Admit(key, 100, std::chrono::seconds(60)).has_value();
    if (local) {
      ++allowed;
      continue;
    }
    ++remote;
    if (Run(limiter.Hit(key, 100, std::chrono::seconds(60))).allowed) ++allowed;
  }
  EXPECT_EQ(allowed, 100);
  EXPECT_LT(remote, 60) << "most hits far from the limit were decided without a round trip";
  EXPECT_EQ(Run(limiter.Flush()), 0u) << "the refusal carried every local hit to Redis";
  EXPECT_EQ(Run(redis.Command({"HGET", "rl:" + key, "c"})).str, "100");
  Run(redis.Command({"DEL", "rl:" + key}));
}

TEST_F(RedisTest, RateLimiterFlushCountsLocalHitsInRedis) {
  Redis redis(io_, options_);
  RateLimiter limiter(redis, 0.1);
  const std::string key = prefix_ + "flush";
  ASSERT_TRUE(Run(limiter.Hit(key, 1000, std::chrono::seconds(60))).allowed);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(limiter.Admit(key, 1000, std::chrono::seconds(60)));
  EXPECT_EQ(Run(redis.Command({"HGET", "rl:" + key, "c"})).str, "1");
  EXPECT_EQ(Run(limiter.Flush()), 1u);
  EXPECT_EQ(Run(redis.Command({"HGET", "rl:" + key, "c"})).str, "51");
  // After SCRIPT FLUSH (a Redis restart does the same) the flush reloads the script and loses nothing.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.Admit(key, 1000, std::chrono::seconds(60)));
  Run(redis.Command({"SCRIPT", "FLUSH"}));
  EXPECT_EQ(Run(limiter.Flush()), 1u);
  EXPECT_EQ(Run(limiter.Flush()), 1u);
  EXPECT_EQ(Run(redis.Command({"HGET", "rl:" + key, "c"})).str, "56");
  Run(redis.Command({"DEL", "rl:" + key}));
}

TEST_F(RedisTest, RateLimiterWithLocalAdmissionIsCorrectUnderConcurrency) {
  RedisOptions options = options_;
  options.command_timeout = milliseconds(5000);
  Redis redis(io_, options);
  RateLimiter limiter(redis, 0.1);
  EXPECT_EQ(AllowedOfABurst(io_, limiter, prefix_ + "burst"), 50);
  Run(limiter.Flush());
  EXPECT_EQ(Run(redis.Command({"HGET", "rl:" + prefix_ + "burst", "c"})).str, "50");
  Run(redis.Command({"DEL", "rl:" + prefix_ + "burst"}));
}

// TrackedReads runs its watch on an io_context of its own, as beside a server's I/O threads.
class TrackedReadsTest : public RedisTest {
 protected:
  void SetUp() override {
    RedisTest::SetUp();
    watch_redis_ = std::make_unique<Redis>(watch_io_, options_);
    reads_ = std::make_unique<TrackedReads>(*watch_redis_,
                                            std::vector<std::string>{prefix_ + "tv:", prefix_ + "jti:"});
    asio::co_spawn(asio::make_strand(watch_io_), reads_->Run(), asio::detached);
    watch_thread_ = std::thread([this] { watch_io_.run(); });
    ASSERT_TRUE(WaitFor([&] { return reads_->live(); })) << "CLIENT TRACKING did not come up";
  }
  void TearDown() override {
    watch_io_.stop();
    if (watch_thread_.joinable()) watch_thread_.join();
  }

  template <class Predicate>
  static bool WaitFor(Predicate ready, milliseconds limit = milliseconds(5000)) {
    const auto until = Clock::now() + limit;
    while (!ready()) {
      if (Clock::now() > until) return false;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return true;
  }

  // Looks the commands up in Redis and stores the replies, as the gateway does on a miss.
  void LookUp(const std::vector<std::vector<std::string>>& commands, Redis& redis) {
    const auto epoch = reads_->epoch();
    reads_->Store(commands, Run(redis.Pipeline(commands)), epoch);
  }

  asio::io_context watch_io_;
  std::unique_ptr<Redis> watch_redis_;
  std::unique_ptr<TrackedReads> reads_;
  std::thread watch_thread_;
};

TEST_F(TrackedReadsTest, RepliesStayUntilRedisReportsAChange) {
  Redis redis(io_, options_);
  const std::vector<std::vector<std::string>> lookups = {{"GET", prefix_ + "tv:7"},
                                                         {"EXISTS", prefix_ + "jti:abc"}};
  EXPECT_FALSE(reads_->Lookup(lookups));
  LookUp(lookups, redis);
  auto cached = reads_->Lookup(lookups);
  ASSERT_TRUE(cached);
  EXPECT_TRUE((*cached)[0].nil());
  EXPECT_EQ((*cached)[1].integer, 0);

  Run(redis.Command({"SET", prefix_ + "jti:abc", "1"}));  // what auth's logout writes
  EXPECT_TRUE(WaitFor([&] { return !reads_->Lookup(lookups); }, milliseconds(2000)));
  LookUp(lookups, redis);
  cached = reads_->Lookup(lookups);
  ASSERT_TRUE(cached);
  EXPECT_EQ((*cached)[1].integer, 1);

  // An expiry is a change too.
  Run(redis.Command({"SET", prefix_ + "tv:7", "3", "PX", "100"}));
  EXPECT_TRUE(WaitFor([&] { return !reads_->Lookup(lookups); }, milliseconds(2000)));
  LookUp(lookups, redis);
  ASSERT_TRUE(reads_->Lookup(lookups));
  EXPECT_TRUE(WaitFor([&] { return !reads_->Lookup(lookups); }, milliseconds(3000)))
      << "expired key still cached";
  Run(redis.Command({"DEL", prefix_ + "jti:abc", prefix_ + "tv:7"}));
}

TEST_F(TrackedReadsTest, AReplyThatMayPredateAChangeIsNotKept) {
  Redis redis(io_, options_);
  const std::vector<std::vector<std::string>> lookups = {{"GET", prefix_ + "tv:8"}};
  const auto before = reads_->epoch();
  auto replies = Run(redis.Pipeline(lookups));
  Run(redis.Command({"SET", prefix_ + "tv:8", "2"}));
  ASSERT_TRUE(WaitFor([&] { return reads_->epoch() != before; }, milliseconds(2000)));
  reads_->Store(lookups, replies, before);  // the nil read before the SET
  EXPECT_FALSE(reads_->Lookup(lookups));
  // Keys outside the prefixes and other commands are never cached.
  const std::vector<std::vector<std::string>> other = {{"GET", prefix_ + "elsewhere"}};
  LookUp(other, redis);
  EXPECT_FALSE(reads_->Lookup(other));
  Run(redis.Command({"DEL", prefix_ + "tv:8"}));
}

TEST_F(TrackedReadsTest, NothingIsServedWhileTheWatchIsDownAndItComesBack) {
  Redis redis(io_, options_);
  const std::vector<std::vector<std::string>> lookups = {{"EXISTS", prefix_ + "jti:down"}};
  LookUp(lookups, redis);
  ASSERT_TRUE(reads_->Lookup(lookups));
  // Kills every subscribed connection (other processes' watches on this Redis reconnect the same way).
  Run(redis.Command({"CLIENT", "KILL", "TYPE", "pubsub"}));
  EXPECT_TRUE(WaitFor([&] { return !reads_->live(); }, milliseconds(2000)));
  EXPECT_FALSE(reads_->Lookup(lookups));
  EXPECT_EQ(reads_->entries(), 0u);
  EXPECT_TRUE(WaitFor([&] { return reads_->live(); }, milliseconds(5000))) << "no reconnect";
  EXPECT_FALSE(reads_->Lookup(lookups)) << "what was learnt before the break is gone";
}

// ---- Failure modes that need no shared Redis ----

// A PING with `options` fails with a RedisError saying `error`, after at least `at_least_ms` and before
// `below_ms`, and leaves no connection open. Returns whether the client still reports itself healthy.
bool HealthyAfterFailedPing(const RedisOptions& options, const std::string& error, int at_least_ms,
                            int below_ms) {
  asio::io_context io;
  Redis redis(io, options);
  const auto start = Clock::now();
  try {
    RunSync(io, redis.Command({"PING"}));
    ADD_FAILURE() << "the PING was answered";
  } catch (const RedisError& e) {
    EXPECT_NE(std::string(e.what()).find(error), std::string::npos) << e.what();
  }
  EXPECT_GE(ElapsedMs(start), at_least_ms);
  EXPECT_LT(ElapsedMs(start), below_ms);
  EXPECT_EQ(redis.open_connections(), 0u);
  return redis.healthy();
}

TEST(RedisFailure, UnreachablePortFailsFastWithRedisError) {
  RedisOptions options;
  options.port = FreePort();
  EXPECT_FALSE(HealthyAfterFailedPing(options, "cannot connect", 0, 600));
}

// A socket that listens but never answers: the kernel completes TCP handshakes from the backlog.
class SilentServer {
 public:
  SilentServer() : acceptor_(io_, {asio::ip::address_v4::loopback(), 0}) {}
  int port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
};

TEST(RedisFailure, ASilentServerTimesOutTheCommandNotHangs) {
  SilentServer server;
  RedisOptions options;
  options.port = server.port();
  options.command_timeout = milliseconds(300);
  HealthyAfterFailedPing(options, "timed out", 290, 1000);
}

TEST(RedisFailure, ASilentServerTimesOutTheHandshakeWithinTheConnectTimeout) {
  SilentServer server;
  RedisOptions options;
  options.port = server.port();
  options.password = "pw";
  options.connect_timeout = milliseconds(250);
  options.command_timeout = milliseconds(5000);
  HealthyAfterFailedPing(options, "connect timed out", 240, 1000);
}

// A redis-server of the test's own, so it can be stopped and started again.
class OwnRedisServer {
 public:
  explicit OwnRedisServer(int port) : port_(std::to_string(port)) {}
  ~OwnRedisServer() { Stop(); }

  bool Start() {
    std::vector<std::string> args = {"redis-server", "--port", port_,   "--bind", "127.0.0.1", "--save",   "",
                                     "--appendonly", "no",     "--dir", "/tmp",   "--logfile", "/dev/null"};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    return posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) == 0;
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  std::string port_;
  pid_t pid_ = -1;
};

bool PingWithin(asio::io_context& io, Redis& redis, milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    if (RunSync(io, redis.Ping())) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST(RedisFailure, RecoversAfterRedisRestarts) {
  const int port = FreePort();
  OwnRedisServer server(port);
  if (!server.Start()) GTEST_SKIP() << "redis-server is not installed";
  asio::io_context io;
  RedisOptions options;
  options.port = port;
  options.connect_timeout = milliseconds(300);
  options.command_timeout = milliseconds(300);
  Redis redis(io, options);
  RateLimiter limiter(redis);
  ASSERT_TRUE(PingWithin(io, redis, milliseconds(5000))) << "own redis-server did not start";

  // Leave several idle connections in the pool.
  int done = 0;
  for (int i = 0; i < 6; ++i) {
    asio::co_spawn(io, redis.Command({"INCR", "restart"}),
                   [&](const std::exception_ptr& e, const Reply&) { done += !e; });
  }
  io.restart();
  io.run();
  ASSERT_EQ(done, 6);
  ASSERT_GT(redis.open_connections(), 1u);
  ASSERT_TRUE(RunSync(io, limiter.Hit("restart", 10, std::chrono::seconds(60))).allowed);

  // Down: errors, quickly, not hangs.
  server.Stop();
  const auto start = Clock::now();
  EXPECT_THROW(RunSync(io, redis.Command({"GET", "restart"})), RedisError);
  EXPECT_THROW(RunSync(io, limiter.Hit("restart", 10, std::chrono::seconds(60))), RedisError);
  EXPECT_LT(ElapsedMs(start), 1000);
  EXPECT_FALSE(redis.healthy());

  // Back (empty: no persistence, no scripts): the next commands reconnect.
  ASSERT_TRUE(server.Start());
  ASSERT_TRUE(PingWithin(io, redis, milliseconds(5000)));
  EXPECT_TRUE(redis.healthy());
  EXPECT_EQ(RunSync(io, redis.Command({"INCR", "restart"})).integer, 1);
  EXPECT_TRUE(RunSync(io, limiter.Hit("restart", 10, std::chrono::seconds(60))).allowed);  // NOSCRIPT path

  // A quick restart while connections sit idle: stale ones are noticed before use, no error at all.
  for (int i = 0; i < 4; ++i) {
    asio::co_spawn(io, redis.Command({"INCR", "restart"}), [](const std::exception_ptr&, const Reply&) {});
  }
  io.restart();
  io.run();
  server.Stop();
  ASSERT_TRUE(server.Start());
  std::this_thread::sleep_for(milliseconds(200));  // let it listen; the client does not retry by itself
  EXPECT_EQ(RunSync(io, redis.Command({"INCR", "restart"})).integer, 1);
}

}  // namespace
}  // namespace mp::cache

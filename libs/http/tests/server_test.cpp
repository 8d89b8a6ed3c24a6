#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include "libs/core/error.hpp"
#include "libs/core/validation.hpp"
#include "libs/http/app.hpp"
#include "libs/http/client.hpp"
#include "libs/http/envelope.hpp"
#include "libs/http/testing/io_thread.hpp"

namespace mp::http {
namespace {

namespace asio = boost::asio;

// Everything the peer sends until it closes the connection.
std::string ReadToEnd(asio::ip::tcp::socket& socket) {
  std::string out;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    auto n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};

class ServerTest : public ::testing::Test {
 public:
  ServerTest() : app_(MakeOptions()), client_(client_io_.io().get_executor(), ClientOptions{}) {
    app_.router().Add(Verb::get, "/hello/{id:int}", [](Context& c) -> asio::awaitable<Response> {
      co_return Ok({{"id", c.IntParam("id")}}, "Hi");
    });
    app_.router().Add(Verb::post, "/echo",
                      [](Context& c) -> asio::awaitable<Response> { co_return Ok(c.Body()); });
    app_.router().Add(Verb::get, "/slow", [this](Context&) -> asio::awaitable<Response> {
      slow_started_.set_value();
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(300));
      co_await timer.async_wait(asio::use_awaitable);
      co_return Ok("done");
    });
    app_.router().Add(Verb::get, "/blocking", [this](Context&) -> asio::awaitable<Response> {
      int value = co_await app_.blocking().Run([] { return 41 + 1; });
      co_return Ok(value);
    });
    app_.router().Add(Verb::get, "/blocking/no-default", [this](Context&) -> asio::awaitable<Response> {
      // A result without a default constructor (a domain Outcome) comes back through the pool too.
      auto value = co_await app_.blocking().Run([] { return NoDefault(7); });
      co_return Ok(value.value);
    });
    app_.router().Add(Verb::get, "/blocking/slow", [this](Context&) -> asio::awaitable<Response> {
      co_await app_.blocking().Run([] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
      co_return Ok("done");
    });
    app_.router().Add(Verb::get, "/boom", [](Context&) -> asio::awaitable<Response> {
      throw std::runtime_error("secret internals");
      co_return Ok(nullptr);
    });
    port_ = app_.Start();
    upstream_ = Upstream{"test", "127.0.0.1", port_};
  }
  ~ServerTest() override { app_.Stop(); }

  static AppOptions MakeOptions() {
    AppOptions options;
    options.service = "test";
    options.server.port = 0;
    options.server.body_limit = 1024;
    options.access_log = false;
    options.blocking_threads = 2;
    options.blocking_queue = 2;
    return options;
  }

  Response Call(Verb method, const std::string& target, std::string body = {}) {
    Request request{method, target, 11};
    if (!body.empty()) {
      request.set(boost::beast::http::field::content_type, "application/json");
      request.body() = std::move(body);
    }
    return client_io_.Run(client_.Send(upstream_, std::move(request)));
  }

  std::string Raw(const std::string& bytes) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port_});
    asio::write(socket, asio::buffer(bytes));
    return ReadToEnd(socket);
  }

  App app_;
  testing::IoThread client_io_;
  HttpClient client_;
  std::uint16_t port_ = 0;
  Upstream upstream_;
  std::promise<void> slow_started_;
};

TEST_F(ServerTest, ServesRoutesWithEnvelopeAndRequestId) {
  auto response = Call(Verb::get, "/hello/7");
  EXPECT_EQ(response.result(), Status::ok);
  auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["data"]["id"], 7);
  EXPECT_EQ(body["message"], "Hi");
  EXPECT_EQ(response["X-Request-ID"].size(), 32u);
}

TEST_F(ServerTest, KeepsConnectionsAlive) {
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Call(Verb::get, "/hello/1").result(), Status::ok);
  EXPECT_EQ(client_.idle_connections(), 1u);
}

TEST_F(ServerTest, BuiltInEndpoints) {
  app_.metrics().AddGauge("things_done_total", "Things done.", [] { return 3.0; });
  app_.metrics().AddGauge("things_open", "Things open.", [] { return 1.0; });
  EXPECT_EQ(Call(Verb::get, "/health").result(), Status::ok);
  EXPECT_EQ(Call(Verb::get, "/ready").result(), Status::ok);
  Call(Verb::get, "/hello/3");
  auto metrics = Call(Verb::get, "/metrics");
  EXPECT_NE(
      metrics.body().find(
          "http_requests_total{service=\"test\",method=\"GET\",route=\"/hello/{id:int}\",status=\"200\"}"),
      std::string::npos)
      << metrics.body();
  EXPECT_NE(metrics.body().find("# TYPE things_done_total counter\nthings_done_total 3\n"),
            std::string::npos);
  EXPECT_NE(metrics.body().find("# TYPE things_open gauge\nthings_open 1\n"), std::string::npos);
  EXPECT_NE(metrics.body().find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  EXPECT_NE(metrics.body().find("process_resident_memory_bytes "), std::string::npos);
  EXPECT_EQ(metrics.body().find("process_resident_memory_bytes 0\n"), std::string::npos);
}

TEST_F(ServerTest, BuiltInEndpointsAnswerOtherMethodsWith405AndAllow) {
  for (const char* path : {"/health", "/ready", "/metrics"}) {
    for (Verb verb : {Verb::post, Verb::put, Verb::delete_, Verb::trace, Verb::patch}) {
      auto response = Call(verb, path);
      EXPECT_EQ(response.result(), Status::method_not_allowed) << path;
      EXPECT_EQ(response[boost::beast::http::field::allow], "GET") << path;
      EXPECT_EQ(nlohmann::json::parse(response.body())["code"], "method_not_allowed") << path;
    }
  }
}

TEST_F(ServerTest, AnIdOutOfRangeNamesTheRule) {
  auto response = Call(Verb::get, "/hello/1000000000000000000");
  EXPECT_EQ(response.result(), Status::unprocessable_entity);
  EXPECT_EQ(nlohmann::json::parse(response.body())["details"][0]["problem"], std::string(kIdProblem));
}

TEST_F(ServerTest, ErrorsAreEnvelopesNeverCrashes) {
  EXPECT_EQ(Call(Verb::get, "/nope").result(), Status::not_found);
  EXPECT_EQ(Call(Verb::get, "/hello/abc").result(), Status::unprocessable_entity);
  EXPECT_EQ(Call(Verb::delete_, "/hello/1").result(), Status::method_not_allowed);
  EXPECT_EQ(Call(Verb::post, "/echo", "{bad json").result(), Status::bad_request);
  auto boom = Call(Verb::get, "/boom");
  EXPECT_EQ(boom.result(), Status::internal_server_error);
  EXPECT_EQ(boom.body().find("secret internals"), std::string::npos);
  EXPECT_EQ(Call(Verb::get, "/blocking").body(), Ok(42).body());
  EXPECT_EQ(Call(Verb::get, "/blocking/no-default").body(), Ok(7).body());
}

TEST_F(ServerTest, OversizedBodyIs413) {
  auto response = Call(Verb::post, "/echo", R"({"a":")" + std::string(5000, 'x') + R"("})");
  EXPECT_EQ(response.result(), Status::payload_too_large);
}

TEST_F(ServerTest, GarbageRequestLineIs400AndClosed) {
  std::string reply = Raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_NE(reply.find("400"), std::string::npos) << reply;
}

// More concurrent blocking work than 2 threads + 2 queued: the surplus is refused at once with 503,
// `overloaded` and Retry-After instead of waiting, every request is answered, and the pool serves again
// after.
TEST_F(ServerTest, OverloadIsAnsweredAtOnceWith503AndRetryAfter) {
  constexpr int kRequests = 24;
  std::vector<std::future<std::string>> replies;
  replies.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    replies.push_back(std::async(std::launch::async, [this] {
      return Raw("GET /blocking/slow HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    }));
  }
  int ok = 0, overloaded = 0;
  for (auto& reply : replies) {
    // Bounded, not a timing assertion: 24 x 200 ms run one after another would take 2.4 s / 2 threads.
    ASSERT_EQ(reply.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    std::string text = reply.get();
    if (text.starts_with("HTTP/1.1 200")) {
      ++ok;
    } else {
      EXPECT_TRUE(text.starts_with("HTTP/1.1 503")) << text;
      EXPECT_NE(text.find("Retry-After: 1\r\n"), std::string::npos) << text;
      EXPECT_NE(text.find("\"code\":\"overloaded\""), std::string::npos) << text;
      ++overloaded;
    }
  }
  EXPECT_EQ(ok + overloaded, kRequests);
  EXPECT_GE(ok, 4);          // at least what the threads and the queue hold
  EXPECT_GE(overloaded, 1);  // and the surplus refused
  EXPECT_EQ(app_.blocking().rejected_total(), static_cast<std::uint64_t>(overloaded));
  EXPECT_EQ(app_.blocking().pending(), 0u);
  EXPECT_EQ(Call(Verb::get, "/blocking/slow").result(), Status::ok);
  EXPECT_NE(
      Call(Verb::get, "/metrics").body().find("blocking_pool_rejected_total " + std::to_string(overloaded)),
      std::string::npos);
}

TEST_F(ServerTest, ShutdownLetsInFlightRequestsFinish) {
  auto pending = asio::co_spawn(client_io_.io(), client_.Send(upstream_, Request{Verb::get, "/slow", 11}),
                                asio::use_future);
  slow_started_.get_future().wait();
  app_.Shutdown();  // what SIGTERM triggers
  auto response = pending.get();
  EXPECT_EQ(response.result(), Status::ok);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_THROW(Call(Verb::get, "/hello/1"), UpstreamError);
}

}  // namespace
}  // namespace mp::http

namespace mp::http {
namespace {

// Replicas: one client in front of several instances of a service.
class ReplicaTest : public ::testing::Test {
 public:
  ReplicaTest() {
    ClientOptions options;
    options.probe_interval = std::chrono::milliseconds(50);
    options.connect_timeout = std::chrono::milliseconds(300);
    client_ = std::make_unique<HttpClient>(client_io_.io().get_executor(), options);
  }

  // An instance that answers GET /who and POST /who with its name, started on `port` (0: any free port,
  // which is then written back).
  std::unique_ptr<App> Instance(const std::string& name, std::uint16_t& port, bool reuse_port = false,
                                std::uint16_t instance_port = 0) {
    AppOptions options;
    options.service = name;
    options.server.port = port;
    options.server.reuse_port = reuse_port;
    options.server.instance_port = instance_port;
    options.access_log = false;
    options.blocking_threads = 1;
    auto app = std::make_unique<App>(options);
    for (Verb verb : {Verb::get, Verb::post}) {
      app->router().Add(verb, "/who", [name](Context&) -> asio::awaitable<Response> { co_return Ok(name); });
    }
    port = app->Start();
    return app;
  }

  std::string Who(const Upstream& upstream, Verb verb = Verb::get) {
    Request request{verb, "/who", 11};
    if (verb == Verb::post) {
      request.set(boost::beast::http::field::content_type, "application/json");
      request.body() = "{}";
    }
    auto response = client_io_.Run(client_->Send(upstream, std::move(request)));
    return nlohmann::json::parse(response.body())["data"].get<std::string>();
  }

  // GET /who on a fresh connection (so that the kernel picks the listener each time).
  static std::string WhoOnNewConnection(std::uint16_t port) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(socket,
                asio::buffer(std::string("GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
    std::string out = ReadToEnd(socket);
    return nlohmann::json::parse(out.substr(out.find("\r\n\r\n") + 4))["data"].get<std::string>();
  }

  static std::uint16_t FreePort() {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
  }

  testing::IoThread client_io_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ReplicaTest, ParsesAListOfInstances) {
  auto upstream = Upstream::Parse("order", "http://10.0.0.5:8003, http://10.0.0.6:8003/");
  ASSERT_EQ(upstream.endpoints.size(), 2u);
  EXPECT_EQ(upstream.endpoints[1].Address(), "10.0.0.6:8003");
  EXPECT_THROW(Upstream::Parse("order", "http://10.0.0.5:8003,"), std::invalid_argument);
  EXPECT_THROW(Upstream::Parse("order", "http://a:1,https://b:2"), std::invalid_argument);
}

TEST_F(ReplicaTest, CallsGoRoundRobinAndSkipAnInstanceThatIsDown) {
  std::uint16_t a_port = 0, b_port = 0;
  auto a = Instance("a", a_port);
  auto b = Instance("b", b_port);
  const std::uint16_t dead = FreePort();
  auto upstream = Upstream::Parse("svc", "http://127.0.0.1:" + std::to_string(a_port) +
                                             ",http://127.0.0.1:" + std::to_string(dead) +
                                             ",http://127.0.0.1:" + std::to_string(b_port));
  std::map<std::string, int> served;
  for (int i = 0; i < 12; ++i) ++served[Who(upstream)];
  // A POST whose connection is refused moves on too: nothing was sent.
  for (int i = 0; i < 6; ++i) ++served[Who(upstream, Verb::post)];
  EXPECT_EQ(served["a"] + served["b"], 18);
  EXPECT_GE(served["a"], 6);
  EXPECT_GE(served["b"], 6);
  EXPECT_EQ(client_->ejected_endpoints(), 1u);
  EXPECT_EQ(client_->ejections_total(), 1u);
  EXPECT_GE(client_->failovers_total(), 1u);  // the first call that met the dead one moved on
  a->Stop();
  b->Stop();
}

TEST_F(ReplicaTest, AnInstanceThatStopsIsEjectedAndTakesCallsAgainOnceReady) {
  std::uint16_t a_port = 0, b_port = 0;
  auto a = Instance("a", a_port);
  auto b = Instance("b", b_port);
  auto upstream = Upstream::Parse(
      "svc", "http://127.0.0.1:" + std::to_string(a_port) + ",http://127.0.0.1:" + std::to_string(b_port));
  for (int i = 0; i < 4; ++i) Who(upstream);  // pooled connections to both
  b->Stop();
  b.reset();
  std::map<std::string, int> served;
  for (int i = 0; i < 10; ++i) ++served[Who(upstream)];  // stale connections to b: retried on a
  EXPECT_EQ(served["a"], 10);
  EXPECT_EQ(client_->ejected_endpoints(), 1u);
  EXPECT_GE(client_->failovers_total(), 1u);

  b = Instance("b", b_port);  // back, on the same port
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (client_->ejected_endpoints() != 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(client_->ejected_endpoints(), 0u) << "the readiness probe did not re-admit it";
  served.clear();
  for (int i = 0; i < 10; ++i) ++served[Who(upstream)];
  EXPECT_EQ(served["b"], 5);
  a->Stop();
  b->Stop();
}

TEST_F(ReplicaTest, APostAfterARestartDoesNotUseAConnectionTheServerClosed) {
  std::uint16_t port = 0;
  auto a = Instance("a", port);
  auto upstream = Upstream::Parse("svc", "http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(Who(upstream), "a");  // leaves a pooled keep-alive connection
  a->Stop();
  a.reset();  // closes it from the server's side
  a = Instance("a", port);
  // Written to the closed connection, the POST would fail after sending and could not be retried (503).
  EXPECT_EQ(Who(upstream, Verb::post), "a");
  a->Stop();
}

TEST_F(ReplicaTest, ReplicasShareAPortAndEachKeepsItsOwn) {
  std::uint16_t shared = FreePort();
  const std::uint16_t own_a = FreePort(), own_b = FreePort();
  auto a = Instance("a", shared, true, own_a);
  auto b = Instance("b", shared, true, own_b);
  std::map<std::string, int> served;
  for (int i = 0; i < 40; ++i) ++served[WhoOnNewConnection(shared)];
  EXPECT_EQ(served["a"] + served["b"], 40);
  EXPECT_GT(served["a"], 0) << "the kernel gave every connection to b";
  EXPECT_GT(served["b"], 0) << "the kernel gave every connection to a";
  EXPECT_EQ(WhoOnNewConnection(own_a), "a");
  EXPECT_EQ(WhoOnNewConnection(own_b), "b");
  a->Stop();
  a.reset();  // its listening sockets close, as when the process dies
  for (int i = 0; i < 10; ++i) EXPECT_EQ(WhoOnNewConnection(shared), "b");  // the survivor takes them all
  b->Stop();
}

}  // namespace
}  // namespace mp::http

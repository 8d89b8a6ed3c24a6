#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "libs/core/error.hpp"
#include "libs/http/app.hpp"
#include "libs/http/client.hpp"
#include "libs/http/envelope.hpp"

namespace mp::http {
namespace {

namespace asio = boost::asio;

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : app_(MakeOptions()), client_io_(), client_(client_io_.get_executor(), ClientOptions{}) {
    app_.router().Add(Verb::get, "/hello/{id:int}", [](Context& c) -> asio::awaitable<Response> {
      co_return Ok({{"id", c.IntParam("id")}}, "Hi");
    });
    app_.router().Add(Verb::post, "/echo", [](Context& c) -> asio::awaitable<Response> {
      co_return Ok(c.Body());
    });
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
    app_.router().Add(Verb::get, "/boom", [](Context&) -> asio::awaitable<Response> {
      throw std::runtime_error("secret internals");
      co_return Ok(nullptr);
    });
    port_ = app_.Start();
    upstream_ = Upstream{"test", "127.0.0.1", port_};
    client_thread_ = std::thread([this] {
      auto guard = asio::make_work_guard(client_io_);
      client_io_.run();
    });
  }
  ~ServerTest() override {
    client_io_.stop();
    client_thread_.join();
    app_.Stop();
  }

  static AppOptions MakeOptions() {
    AppOptions options;
    options.service = "test";
    options.server.port = 0;
    options.server.body_limit = 1024;
    options.access_log = false;
    options.blocking_threads = 2;
    return options;
  }

  Response Call(Verb method, std::string target, std::string body = {}) {
    Request request{method, target, 11};
    if (!body.empty()) {
      request.set(boost::beast::http::field::content_type, "application/json");
      request.body() = std::move(body);
    }
    return asio::co_spawn(client_io_, client_.Send(upstream_, std::move(request)), asio::use_future).get();
  }

  std::string Raw(const std::string& bytes) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port_});
    asio::write(socket, asio::buffer(bytes));
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

  App app_;
  asio::io_context client_io_;
  HttpClient client_;
  std::thread client_thread_;
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
  EXPECT_EQ(Call(Verb::get, "/health").result(), Status::ok);
  EXPECT_EQ(Call(Verb::get, "/ready").result(), Status::ok);
  Call(Verb::get, "/hello/3");
  auto metrics = Call(Verb::get, "/metrics");
  EXPECT_NE(metrics.body().find("http_requests_total{service=\"test\",method=\"GET\",route=\"/hello/{id:int}\",status=\"200\"}"),
            std::string::npos)
      << metrics.body();
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
}

TEST_F(ServerTest, OversizedBodyIs413) {
  auto response = Call(Verb::post, "/echo", "{\"a\":\"" + std::string(5000, 'x') + "\"}");
  EXPECT_EQ(response.result(), Status::payload_too_large);
}

TEST_F(ServerTest, GarbageRequestLineIs400AndClosed) {
  std::string reply = Raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_NE(reply.find("400"), std::string::npos) << reply;
}

TEST_F(ServerTest, ShutdownLetsInFlightRequestsFinish) {
  auto pending = asio::co_spawn(client_io_, client_.Send(upstream_, Request{Verb::get, "/slow", 11}), asio::use_future);
  slow_started_.get_future().wait();
  app_.Shutdown();  // what SIGTERM triggers
  auto response = pending.get();
  EXPECT_EQ(response.result(), Status::ok);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_THROW(Call(Verb::get, "/hello/1"), UpstreamError);
}

}  // namespace
}  // namespace mp::http

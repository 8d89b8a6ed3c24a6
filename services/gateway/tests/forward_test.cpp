// The gateway in front of a fake backend on loopback: roles are checked before the backend is called, the
// headers a service needs (Authorization, Idempotency-Key, X-Request-ID) and the query string are passed
// on, X-Total-Count comes back, and a backend that cannot be reached becomes 503 upstream_unavailable.
#include <atomic>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include "libs/cache/redis.hpp"
#include "libs/http/app.hpp"
#include "libs/http/client.hpp"
#include "libs/http/envelope.hpp"
#include "libs/http/testing/io_thread.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/testing/tokens.hpp"
#include "services/gateway/src/gateway.hpp"

namespace mp::gateway {
namespace {

namespace asio = boost::asio;
using http::Status;
using http::Verb;

http::AppOptions QuietApp(std::string name) {
  http::AppOptions options;
  options.service = std::move(name);
  options.server.port = 0;
  options.access_log = false;
  options.blocking_threads = 1;
  return options;
}

// A loopback port nobody listens on (bound once, then released).
std::uint16_t ClosedPort() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

class ForwardTest : public ::testing::Test {
 public:
  ForwardTest() : backend_(QuietApp("backend")), authn_(security::testing::Verifier(), nullptr) {
    // The fake backend answers every route it is asked for with what it received.
    auto echo = [this](http::Context& c) -> asio::awaitable<http::Response> {
      ++backend_calls_;
      const auto& request = c.request();
      nlohmann::json seen;
      seen["target"] = std::string(request.target());
      seen["idempotency_key"] = std::string(request["Idempotency-Key"]);
      seen["authorization"] = std::string(request["Authorization"]);
      seen["request_id"] = std::string(request["X-Request-ID"]);
      seen["content_type"] = std::string(request["Content-Type"]);
      seen["body"] = request.body();
      c.response_headers.emplace_back("X-Total-Count", "42");
      if (!seen["idempotency_key"].get<std::string>().empty()) {
        c.response_headers.emplace_back("Idempotent-Replayed", "true");
      }
      co_return http::Ok(seen);
    };
    for (const auto& route : PublicRoutes()) backend_.router().Add(route.method, route.pattern, echo);
    backend_port_ = backend_.Start();
  }

  ~ForwardTest() override {
    if (gateway_app_) gateway_app_->Stop();
    backend_.Stop();
  }

  // Starts the gateway with every backend pointing at the fake one, except `dead` (a closed port). Redis
  // is unreachable too: rate limits fall back to the per-replica limiter.
  void StartGateway(const std::set<std::string>& dead = {}) {
    std::uint16_t closed = ClosedPort();
    GatewayOptions options;
    for (const auto& backend : Backends()) {
      std::string name(backend.name);
      options.upstreams[name] =
          http::Upstream{name, "127.0.0.1", dead.contains(name) ? closed : backend_port_};
    }
    options.client.connect_timeout = std::chrono::milliseconds(500);
    options.client.request_timeout = std::chrono::milliseconds(2000);
    gateway_app_ = std::make_unique<http::App>(QuietApp("gateway"));
    cache::RedisOptions redis_options;
    redis_options.port = closed;
    redis_options.connect_timeout = std::chrono::milliseconds(200);
    redis_options.command_timeout = std::chrono::milliseconds(200);
    redis_ = std::make_unique<cache::Redis>(gateway_app_->io(), redis_options);
    gateway_ = std::make_unique<Gateway>(*gateway_app_, options, authn_, *redis_);
    gateway_->Register();
    gateway_port_ = gateway_app_->Start();
  }

  // A valid access token of a user with `role` (user id 10 × role, so each role has its own rate limit).
  std::string Token(int role) const {
    security::Claims claims;
    claims.user_id = 10 * role;
    claims.role = role;
    claims.issued_at = std::time(nullptr);
    claims.expires_at = claims.issued_at + 600;
    return "Bearer " + security::testing::Signer().Issue(claims);
  }

  http::Response Call(Verb method, const std::string& target, const std::string& authorization = {},
                      const std::string& body = {}, const std::string& idempotency_key = {}) {
    http::Request request{method, target, 11};
    if (!authorization.empty()) request.set(boost::beast::http::field::authorization, authorization);
    if (!idempotency_key.empty()) request.set("Idempotency-Key", idempotency_key);
    if (!body.empty()) {
      request.set(boost::beast::http::field::content_type, "application/json");
      request.body() = body;
    }
    request.prepare_payload();
    http::Upstream gateway{"gateway", "127.0.0.1", gateway_port_};
    return client_io_.Run(client_.Send(gateway, std::move(request)));
  }

  // What the backend saw (the envelope's data of an echoed call).
  static nlohmann::json Seen(const http::Response& response) {
    return nlohmann::json::parse(response.body()).at("data");
  }

  static std::string Code(const http::Response& response) {
    return nlohmann::json::parse(response.body()).value("code", "");
  }

  http::App backend_;
  std::uint16_t backend_port_ = 0;
  std::atomic<int> backend_calls_{0};
  identity::Authenticator authn_;
  std::unique_ptr<http::App> gateway_app_;
  std::unique_ptr<cache::Redis> redis_;
  std::unique_ptr<Gateway> gateway_;
  std::uint16_t gateway_port_ = 0;
  http::testing::IoThread client_io_;
  http::HttpClient client_{client_io_.io().get_executor(), http::ClientOptions{}};
};

TEST_F(ForwardTest, PaymentGetsTheIdempotencyKeyTokenAndBody) {
  StartGateway();
  std::string token = Token(identity::kCustomer);
  auto response = Call(Verb::post, "/api/v1/customer/payments/pay", token, R"({"order_id":5})", "pay-5-once");
  ASSERT_EQ(response.result(), Status::ok) << response.body();
  auto seen = Seen(response);
  EXPECT_EQ(seen["target"], "/api/v1/customer/payments/pay");
  EXPECT_EQ(seen["idempotency_key"], "pay-5-once");
  EXPECT_EQ(seen["authorization"], token);
  EXPECT_EQ(seen["content_type"], "application/json");
  EXPECT_EQ(seen["body"], R"({"order_id":5})");
  EXPECT_FALSE(seen["request_id"].get<std::string>().empty());
  EXPECT_EQ(seen["request_id"], std::string(response["X-Request-ID"]));
  EXPECT_EQ(response["Idempotent-Replayed"], "true");  // a replay is marked for the client

  auto without = Call(Verb::post, "/api/v1/customer/payments/pay", token, R"({"order_id":5})");
  ASSERT_EQ(without.result(), Status::ok) << without.body();
  EXPECT_EQ(Seen(without)["idempotency_key"], "");
  EXPECT_EQ(without["Idempotent-Replayed"], "");
}

TEST_F(ForwardTest, RolesAreCheckedBeforeTheBackendIsCalled) {
  StartGateway();
  std::string customer = Token(identity::kCustomer);
  std::string provider = Token(identity::kProvider);
  std::string admin = Token(identity::kAdmin);
  struct Case {
    Verb method;
    std::string target;
    const std::string* allowed;
    const std::string* denied;
  };
  const Case cases[] = {
      {Verb::get, "/api/v1/customer/profile", &customer, &provider},
      {Verb::put, "/api/v1/customer/profile", &customer, &admin},
      {Verb::post, "/api/v1/customer/profile", &customer, &provider},
      {Verb::get, "/api/v1/provider/profile", &provider, &customer},
      {Verb::put, "/api/v1/provider/profile", &provider, &admin},
      {Verb::post, "/api/v1/provider/profile", &provider, &customer},
      {Verb::get, "/api/v1/admin/users?role_id=2&limit=5", &admin, &customer},
      {Verb::get, "/api/v1/admin/users/12", &admin, &provider},
      {Verb::put, "/api/v1/admin/users/12", &admin, &customer},
      {Verb::delete_, "/api/v1/admin/users/12", &admin, &provider},
      {Verb::post, "/api/v1/customer/payments/pay", &customer, &provider},
      {Verb::get, "/api/v1/customer/payments?limit=10", &customer, &admin},
      {Verb::post, "/api/v1/customer/refunds", &customer, &provider},
      {Verb::get, "/api/v1/admin/refunds?status=pending", &admin, &customer},
      {Verb::post, "/api/v1/admin/refunds/3/approve", &admin, &customer},
      {Verb::post, "/api/v1/reviews", &customer, &provider},
      {Verb::get, "/api/v1/reviews/provider/me/rating", &provider, &customer},
      {Verb::get, "/api/v1/reviews/provider/me/reviews", &provider, &admin},
  };
  for (const auto& c : cases) {
    std::string body = c.method == Verb::get || c.method == Verb::delete_ ? "" : "{}";
    int before = backend_calls_.load();
    auto denied = Call(c.method, c.target, *c.denied, body);
    EXPECT_EQ(denied.result(), Status::forbidden) << c.target;
    EXPECT_EQ(Code(denied), "wrong_role") << c.target;
    auto anonymous = Call(c.method, c.target, "", body);
    EXPECT_EQ(anonymous.result(), Status::unauthorized) << c.target;
    EXPECT_EQ(backend_calls_.load(), before) << c.target << " reached the backend";
    auto allowed = Call(c.method, c.target, *c.allowed, body);
    ASSERT_EQ(allowed.result(), Status::ok) << c.target << ": " << allowed.body();
    EXPECT_EQ(Seen(allowed)["target"], c.target);
  }
}

TEST_F(ForwardTest, PublicReadsNeedNoTokenAndKeepTheQuery) {
  StartGateway();
  std::string search = "/api/v1/providers/search?skills=plumbing&skills=wiring&min_rating=4.5&location=NORTH";
  auto found = Call(Verb::get, search);
  ASSERT_EQ(found.result(), Status::ok) << found.body();
  EXPECT_EQ(Seen(found)["target"], search);
  EXPECT_EQ(found["X-Total-Count"], "42");
  EXPECT_EQ(Call(Verb::get, "/api/v1/reviews/provider/9/rating").result(), Status::ok);
  auto reviews = Call(Verb::get, "/api/v1/reviews/provider/9?limit=2");
  ASSERT_EQ(reviews.result(), Status::ok) << reviews.body();
  EXPECT_EQ(reviews["X-Total-Count"], "42");
  // "me" without a suffix is not a provider id.
  int before = backend_calls_.load();
  EXPECT_EQ(Call(Verb::get, "/api/v1/reviews/provider/me").result(), Status::unprocessable_entity);
  EXPECT_EQ(Call(Verb::get, "/api/v1/reviews/provider/0/rating").result(), Status::unprocessable_entity);
  EXPECT_EQ(backend_calls_.load(), before);
}

TEST_F(ForwardTest, AnySignedInUserMayAskForAnOrdersReview) {
  StartGateway();
  for (int role : {identity::kCustomer, identity::kProvider, identity::kAdmin}) {
    auto response = Call(Verb::get, "/api/v1/reviews/order/3", Token(role));
    EXPECT_EQ(response.result(), Status::ok) << role << ": " << response.body();
  }
  EXPECT_EQ(Call(Verb::get, "/api/v1/reviews/order/3").result(), Status::unauthorized);
}

TEST_F(ForwardTest, UnreachableBackendIs503NamingIt) {
  StartGateway({"review", "payment", "user"});
  struct Case {
    Verb method;
    std::string target;
    std::string token;
    std::string service;
  };
  const Case cases[] = {
      {Verb::get, "/api/v1/reviews/provider/1/rating", "", "review"},
      {Verb::post, "/api/v1/customer/payments/pay", Token(identity::kCustomer), "payment"},
      {Verb::get, "/api/v1/admin/users", Token(identity::kAdmin), "user"},
  };
  for (const auto& c : cases) {
    auto response = Call(c.method, c.target, c.token, c.method == Verb::post ? R"({"order_id":1})" : "");
    ASSERT_EQ(response.result(), Status::service_unavailable) << c.target << ": " << response.body();
    auto body = nlohmann::json::parse(response.body());
    EXPECT_EQ(body["code"], "upstream_unavailable");
    EXPECT_NE(body["error"].get<std::string>().find("The " + c.service + " service is unavailable"),
              std::string::npos)
        << body;
  }
  // The other backends still answer.
  EXPECT_EQ(Call(Verb::get, "/api/v1/customer/orders", Token(identity::kCustomer)).result(), Status::ok);
}

TEST(RouteTable, EveryRouteGoesToAKnownBackend) {
  std::set<std::string_view> known;
  for (const auto& backend : Backends()) known.insert(backend.name);
  for (const auto& route : PublicRoutes()) EXPECT_TRUE(known.contains(route.upstream)) << route.pattern;
}

TEST(RouteTable, AdminUsersAndProfilesAreServedByTheUserService) {
  int count = 0;
  for (const auto& route : PublicRoutes()) {
    if (route.pattern.starts_with("/api/v1/admin/users") || route.pattern.ends_with("/profile") ||
        route.pattern == "/api/v1/providers/search") {
      EXPECT_EQ(route.upstream, "user") << route.pattern;
      ++count;
    }
  }
  EXPECT_EQ(count, 11);
}

TEST(RouteTable, NoInternalRouteIsPublic) {
  for (const auto& route : PublicRoutes()) {
    EXPECT_TRUE(route.pattern.starts_with("/api/v1/")) << route.pattern;
    EXPECT_EQ(route.pattern.find("/internal/"), std::string::npos) << route.pattern;
  }
}

}  // namespace
}  // namespace mp::gateway

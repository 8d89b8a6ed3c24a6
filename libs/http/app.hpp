#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "libs/core/config.hpp"
#include "libs/core/error.hpp"
#include "libs/http/blocking_pool.hpp"
#include "libs/http/metrics.hpp"
#include "libs/http/router.hpp"
#include "libs/http/server.hpp"

// The skeleton every service runs on: the HTTP server, the route table, the blocking pool, and the
// built-in middleware (request id, access log, metrics, error envelope) and endpoints (/health, /ready,
// /metrics). A service's main() builds its clients, adds its routes, and calls Run().
namespace mp::http {

struct AppOptions {
  std::string service;  // "auth", "gateway", ...
  std::string version = "1.0.0";
  ServerOptions server;
  std::size_t blocking_threads = 8;
  // Calls that may wait for a blocking thread; beyond it requests get 503 + Retry-After at once.
  std::size_t blocking_queue = 128;
  bool access_log = true;

  // MP_HTTP_HOST, MP_HTTP_PORT, MP_IO_THREADS, MP_BLOCKING_THREADS, MP_BLOCKING_QUEUE, MP_BODY_LIMIT,
  // MP_ACCESS_LOG, MP_LOG_LEVEL.
  static AppOptions FromEnv(config::Env& env, std::string service, std::uint16_t default_port);
};

// One check of /ready: a store or upstream and whether it answered.
struct ReadyCheck {
  std::string name;
  bool ok = false;
  std::string detail;
  bool critical = true;  // a failing non-critical check is reported but does not make /ready fail
};

class App {
 public:
  explicit App(AppOptions options);
  ~App();

  Router& router() { return router_; }
  Metrics& metrics() { return metrics_; }
  BlockingPool& blocking() { return blocking_; }
  boost::asio::io_context& io() { return io_; }
  const AppOptions& options() const { return options_; }

  // /ready answers 200 only when every check passes.
  void SetReadiness(std::function<boost::asio::awaitable<std::vector<ReadyCheck>>()> checks);
  // Runs before routing; a response it returns is sent as is (the gateway answers CORS preflights here).
  void SetBeforeRouting(std::function<boost::asio::awaitable<std::optional<Response>>(Context&)> hook) {
    before_routing_ = std::move(hook);
  }
  // Runs on every response before it is sent (the gateway adds CORS headers here).
  void SetAfterResponse(std::function<void(Context&, Response&)> hook) { after_response_ = std::move(hook); }
  // Maps a store's own exception to an ApiError (e.g. database unreachable -> 503) instead of the generic
  // 500; the first translator that returns a value wins.
  void AddErrorTranslator(std::function<std::optional<ApiError>(const std::exception&)> translator) {
    error_translators_.push_back(std::move(translator));
  }
  // Runs on SIGTERM/SIGINT after in-flight requests finished (flush outbox, close pools).
  void OnShutdown(std::function<void()> hook) { shutdown_hooks_.push_back(std::move(hook)); }

  // Handles one request (what the server calls); public for tests that skip the socket.
  boost::asio::awaitable<Response> Handle(Request& request, const Peer& peer);

  // Listens and runs the I/O threads until SIGTERM/SIGINT or Stop(); returns the exit code.
  int Run();
  // Binds and starts threads without blocking (tests); returns the port.
  std::uint16_t Start();
  void Stop();
  // What SIGTERM triggers: stop accepting, drain in-flight requests, run the shutdown hooks, stop.
  void Shutdown();

 private:
  boost::asio::awaitable<Response> Dispatch(Context& context);

  AppOptions options_;
  boost::asio::io_context io_;
  Router router_;
  Metrics metrics_;
  BlockingPool blocking_;
  std::unique_ptr<Server> server_;
  std::function<boost::asio::awaitable<std::vector<ReadyCheck>>()> readiness_;
  std::vector<std::function<void()>> shutdown_hooks_;
  std::vector<std::function<std::optional<ApiError>(const std::exception&)>> error_translators_;
  std::function<boost::asio::awaitable<std::optional<Response>>(Context&)> before_routing_;
  std::function<void(Context&, Response&)> after_response_;
  std::vector<std::thread> threads_;
  std::atomic<bool> shutting_down_{false};
};

// Random hex id for X-Request-ID when the client sent none (or an unusable one).
std::string NewRequestId();
bool IsUsableRequestId(std::string_view id);

}  // namespace mp::http

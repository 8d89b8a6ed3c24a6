#include "libs/http/app.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>

#include "libs/core/error.hpp"
#include "libs/core/log.hpp"
#include "libs/core/validation.hpp"
#include "libs/http/envelope.hpp"

namespace mp::http {

namespace asio = boost::asio;
using Field = boost::beast::http::field;

AppOptions AppOptions::FromEnv(config::Env& env, std::string service, std::uint16_t default_port) {
  AppOptions options;
  options.service = std::move(service);
  options.server.host = env.String("MP_HTTP_HOST", "127.0.0.1");
  options.server.port = static_cast<std::uint16_t>(env.Int("MP_HTTP_PORT", default_port, 0, 65535));
  options.server.reuse_port = env.Bool("MP_HTTP_REUSE_PORT", false);
  options.server.instance_port = static_cast<std::uint16_t>(env.Int("MP_HTTP_INSTANCE_PORT", 0, 0, 65535));
  options.server.io_threads = static_cast<int>(env.Int("MP_IO_THREADS", 2, 1, 256));
  options.server.body_limit =
      static_cast<std::size_t>(env.Int("MP_BODY_LIMIT", 64 * 1024, 1024, 64 * 1024 * 1024));
  options.blocking_threads = static_cast<std::size_t>(env.Int("MP_BLOCKING_THREADS", 8, 1, 512));
  options.blocking_queue = static_cast<std::size_t>(env.Int("MP_BLOCKING_QUEUE", 128, 0, 100'000));
  options.access_log = env.Bool("MP_ACCESS_LOG", true);
  log::Configure(options.service, log::ParseLevel(env.String("MP_LOG_LEVEL", "info")));
  return options;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  std::uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i) {
    id[i] = kHex[(a >> (i * 4)) & 0xF];
    id[16 + i] = kHex[(b >> (i * 4)) & 0xF];
  }
  return id;
}

bool IsUsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

App::App(AppOptions options)
    : options_(std::move(options)),
      io_(options_.server.io_threads),
      metrics_(options_.service),
      blocking_(options_.blocking_threads, options_.blocking_queue) {
  metrics_.AddGauge("blocking_pool_threads", "Threads for blocking store calls (MP_BLOCKING_THREADS).",
                    [this] { return double(blocking_.threads()); });
  metrics_.AddGauge("blocking_pool_pending", "Blocking calls running or waiting for a thread.",
                    [this] { return double(blocking_.pending()); });
  metrics_.AddGauge("blocking_pool_queue_limit", "Blocking calls that may wait (MP_BLOCKING_QUEUE).",
                    [this] { return double(blocking_.queue_limit()); });
  metrics_.AddGauge(
      "blocking_pool_rejected_total",
      "Requests answered 503 at once because every blocking thread was busy and the queue full.",
      [this] { return double(blocking_.rejected_total()); });
  metrics_.AddGauge("process_open_connections", "Open client connections.",
                    [this] { return server_ ? static_cast<double>(server_->open_connections()) : 0.0; });
  // The standard process metrics of Prometheus clients, for the dashboards (deploy/observability).
  metrics_.AddGauge("process_cpu_seconds_total", "User and system CPU time of the process, in seconds.", [] {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
  });
  metrics_.AddGauge("process_resident_memory_bytes", "Resident memory of the process, in bytes.", [] {
    std::ifstream statm("/proc/self/statm");
    double pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
  });
}

App::~App() {
  Stop();
  blocking_.Stop();
}

void App::SetReadiness(std::function<asio::awaitable<std::vector<ReadyCheck>>()> checks) {
  readiness_ = std::move(checks);
}

asio::awaitable<Response> App::Dispatch(Context& context) {
  auto& request = context.request();
  auto path = context.path();
  if (path == "/health" || path == "/ready" || path == "/metrics") {
    context.route = std::string(path);
    if (request.method() != Verb::get) {
      Response response = ErrorResponse(ApiError(ApiError::Kind::kMethodNotAllowed, "method_not_allowed",
                                                 "Method not allowed", "Allowed: GET"));
      response.set(Field::allow, "GET");
      co_return response;
    }
  }
  if (path == "/health") {
    co_return Json(Status::ok,
                   {{"status", "healthy"}, {"service", options_.service}, {"version", options_.version}});
  }
  if (path == "/ready") {
    std::vector<ReadyCheck> checks;
    if (readiness_) checks = co_await readiness_();
    bool ready = !shutting_down_;
    nlohmann::json report = nlohmann::json::object();
    for (const auto& check : checks) {
      if (check.critical) ready = ready && check.ok;
      report[check.name] = {{"ok", check.ok}, {"detail", check.detail}, {"critical", check.critical}};
    }
    co_return Json(
        ready ? Status::ok : Status::service_unavailable,
        {{"status", ready ? "ready" : "not_ready"}, {"service", options_.service}, {"checks", report}});
  }
  if (path == "/metrics") {
    co_return Text(Status::ok, metrics_.Render(), "text/plain; version=0.0.4");
  }

  if (before_routing_) {
    if (auto early = co_await before_routing_(context)) co_return std::move(*early);
  }
  auto match = router_.Find(request.method(), path);
  switch (match.kind) {
    case Router::Match::Kind::kNotFound:
      throw ApiError::NotFound(
          "No route for " + std::string(request.method_string()) + " " + std::string(path),
          "route_not_found");
    case Router::Match::Kind::kMethodNotAllowed: {
      Response response = ErrorResponse(ApiError(ApiError::Kind::kMethodNotAllowed, "method_not_allowed",
                                                 "Method not allowed", "Allowed: " + match.allow));
      response.set(Field::allow, match.allow);
      co_return response;
    }
    case Router::Match::Kind::kBadParam:
      throw ApiError::Validation({{match.bad_param, std::string(kIdProblem)}});
    case Router::Match::Kind::kFound: break;
  }
  context.route = match.route->pattern;
  context.SetParams(std::move(match.params));
  for (const auto& guard : match.route->guards) co_await guard.check(context);
  co_return co_await match.route->handler(context);
}

asio::awaitable<Response> App::Handle(Request& request, const Peer& peer) {
  auto started = std::chrono::steady_clock::now();
  Context context(request, peer.ip);
  auto incoming = request["X-Request-ID"];
  std::string_view incoming_id(incoming.data(), incoming.size());
  context.request_id = IsUsableRequestId(incoming_id) ? std::string(incoming_id) : NewRequestId();

  Response response;
  try {
    response = co_await Dispatch(context);
  } catch (const BlockingPool::Overloaded&) {
    // Counted in blocking_pool_rejected_total; not logged one by one, that would add to the overload.
    response = ErrorResponse(ApiError::Unavailable("The service is busy; retry shortly", "overloaded"));
    response.set(Field::retry_after, "1");
  } catch (const ApiError& error) {
    response = ErrorResponse(error);
    if (error.kind() == ApiError::Kind::kInternal || error.kind() == ApiError::Kind::kUnavailable) {
      log::Error("request failed",
                 {{"request_id", context.request_id}, {"route", context.route}, {"error", error.error()}});
    }
  } catch (const std::exception& ex) {
    std::optional<ApiError> translated;
    for (const auto& translate : error_translators_) {
      translated = translate(ex);
      if (translated) break;
    }
    log::Error(translated ? "store failure" : "unhandled error",
               {{"request_id", context.request_id}, {"route", context.route}, {"error", ex.what()}});
    response = ErrorResponse(translated ? *translated : ApiError::Internal());
  }
  for (auto& [name, value] : context.response_headers) response.set(name, value);
  if (after_response_) after_response_(context, response);
  response.set("X-Request-ID", context.request_id);

  auto took = std::chrono::steady_clock::now() - started;
  unsigned status = response.result_int();
  std::string_view method(request.method_string().data(), request.method_string().size());
  metrics_.ObserveRequest(method, context.route, status, took);
  bool quiet = context.route == "/health" || context.route == "/ready" || context.route == "/metrics";
  if (options_.access_log && !quiet && log::Enabled(log::Level::kInfo)) {
    nlohmann::json fields = nlohmann::json::object();
    fields["request_id"] = context.request_id;
    fields["method"] = std::string(method);
    fields["path"] = std::string(context.path());
    fields["route"] = context.route;
    fields["status"] = status;
    fields["duration_ms"] = std::chrono::duration<double, std::milli>(took).count();
    fields["remote"] = context.remote_ip();
    if (context.principal) fields["user_id"] = context.principal->user_id;
    log::Info("request", fields);
  }
  co_return response;
}

std::uint16_t App::Start() {
  server_ = std::make_unique<Server>(
      io_, options_.server, [this](Request& request, const Peer& peer) { return Handle(request, peer); });
  std::uint16_t port = server_->Listen();
  for (int i = 0; i < options_.server.io_threads; ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
  return port;
}

void App::Shutdown() {
  if (shutting_down_.exchange(true)) return;
  log::Info("shutting down: draining connections",
            {{"grace_seconds", options_.server.shutdown_grace.count()}});
  auto timer = std::make_shared<asio::steady_timer>(io_, options_.server.shutdown_grace);
  auto finish = [this, timer] {
    timer->cancel();
    for (auto& hook : shutdown_hooks_) {
      try {
        hook();
      } catch (const std::exception& ex) {
        log::Error("shutdown hook failed", {{"error", ex.what()}});
      }
    }
    shutdown_hooks_.clear();
    io_.stop();
  };
  // Phase 2: whatever is still open after the grace period is cut.
  timer->async_wait([this, finish](boost::system::error_code ec) {
    if (ec) return;
    log::Warn("grace period over: closing remaining connections");
    asio::post(io_, finish);
  });
  server_->Shutdown([this, finish] { asio::post(io_, finish); });
}

int App::Run() {
  std::uint16_t port = Start();
  log::Info("listening", {{"host", options_.server.host},
                          {"port", port},
                          {"io_threads", options_.server.io_threads},
                          {"blocking_threads", options_.blocking_threads},
                          {"blocking_queue", options_.blocking_queue},
                          {"routes", router_.routes().size()}});
  log::Debug("route table", {{"routes", router_.Table()}});
  asio::signal_set signals(io_, SIGTERM, SIGINT);
  signals.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) Shutdown();
  });
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  log::Info("stopped");
  return 0;
}

void App::Stop() {
  if (threads_.empty()) return;
  io_.stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace mp::http

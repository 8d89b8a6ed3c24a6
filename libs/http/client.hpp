#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "libs/http/types.hpp"

// HTTP/1.1 client for service-to-service calls: a keep-alive pool per instance, a connect timeout and a
// whole-request timeout on every call, and a retry only where it is safe (the connection failed before the
// request could have reached the server, or the method is idempotent).
//
// Several instances of an upstream (replicas): each call goes to the next instance round-robin, skipping
// ejected ones. An instance that refuses or drops a connection is ejected (passive health check) and
// probed with GET /ready every `probe_interval`; it takes calls again once it answers 200. A call whose
// connection failed before the request was sent moves on to the next instance (any method); an idempotent
// call that failed after it was sent is retried once on another instance. When every instance is ejected,
// calls still try them (the probe may simply not have run yet).
namespace mp::http {

// One instance of a service.
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string Address() const { return host + ":" + std::to_string(port); }
};

// A service, behind one or more instances (replicas). Requests go round-robin over the instances that are
// not ejected; see HttpClient.
struct Upstream {
  Upstream() = default;
  Upstream(std::string name, std::string host, std::uint16_t port)
      : name(std::move(name)), endpoints{Endpoint{std::move(host), port}} {}

  std::string name;  // "auth" — for errors and metrics
  std::vector<Endpoint> endpoints;

  // "http://127.0.0.1:8000", or several separated by commas ("http://10.0.0.5:8000,http://10.0.0.6:8000")
  // -> {name, endpoints}; throws std::invalid_argument.
  static Upstream Parse(std::string name, std::string_view urls);
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_idle_per_upstream = 256;
  std::chrono::seconds idle_ttl{20};  // below the servers' keep-alive timeout, so we close first
  std::size_t response_body_limit = 8 * 1024 * 1024;
  std::chrono::milliseconds probe_interval{1000};  // readiness probes of an ejected instance
};

// The upstream could not be reached or did not answer in time.
class UpstreamError : public std::runtime_error {
 public:
  UpstreamError(std::string upstream, const std::string& what, bool timeout)
      : std::runtime_error(what), upstream_(std::move(upstream)), timeout_(timeout) {}
  const std::string& upstream() const { return upstream_; }
  bool timeout() const { return timeout_; }

 private:
  std::string upstream_;
  bool timeout_;
};

class HttpClient {
 public:
  HttpClient(boost::asio::any_io_executor executor, ClientOptions options);
  ~HttpClient();

  // Sends `request` (target, method, headers, body as given; Host and Content-Length are set here).
  boost::asio::awaitable<Response> Send(const Upstream& upstream, Request request);

  std::size_t idle_connections() const;
  // Instances ejected now (a gauge for /metrics).
  std::size_t ejected_endpoints() const;
  // Calls that moved on to another instance after one failed (before sending, or an idempotent call
  // after), and instances ejected so far: counters for /metrics.
  std::uint64_t failovers_total() const { return failovers_.load(); }
  std::uint64_t ejections_total() const { return ejections_.load(); }

 private:
  struct Connection;
  struct Health;
  std::unique_ptr<Connection> TakeIdle(const Endpoint& endpoint);
  void GiveBack(const Endpoint& endpoint, std::unique_ptr<Connection> connection);
  boost::asio::awaitable<std::unique_ptr<Connection>> Connect(const Upstream& upstream,
                                                              const Endpoint& endpoint);
  // The instances to try for one call, in order: round-robin from the next one, ejected ones last.
  std::vector<const Endpoint*> Order(const Upstream& upstream);
  void Eject(const Endpoint& endpoint);

  boost::asio::any_io_executor executor_;
  ClientOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;  // by Endpoint::Address()
  std::map<std::string, std::size_t> next_;                              // round-robin position by upstream
  std::shared_ptr<Health> health_;  // ejected instances; shared with probes
  std::atomic<std::uint64_t> failovers_{0};
  std::atomic<std::uint64_t> ejections_{0};
};

bool IsIdempotent(Verb method);

}  // namespace mp::http

#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "libs/http/types.hpp"

// HTTP/1.1 client for service-to-service calls: a keep-alive pool per upstream, a connect timeout and a
// whole-request timeout on every call, and one retry on a fresh connection only where it is safe (the
// connection failed before the request could have reached the server, or the method is idempotent).
namespace mp::http {

struct Upstream {
  std::string name;  // "auth" — for errors and metrics
  std::string host;
  std::uint16_t port = 0;

  // "http://127.0.0.1:8000" -> {name, "127.0.0.1", 8000}; throws std::invalid_argument.
  static Upstream Parse(std::string name, std::string_view url);
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_idle_per_upstream = 256;
  std::chrono::seconds idle_ttl{20};  // below the servers' keep-alive timeout, so we close first
  std::size_t response_body_limit = 8 * 1024 * 1024;
};

// The upstream could not be reached or did not answer in time.
class UpstreamError : public std::runtime_error {
 public:
  UpstreamError(std::string upstream, std::string what, bool timeout)
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

 private:
  struct Connection;
  struct Pool;
  std::unique_ptr<Connection> TakeIdle(const Upstream& upstream);
  void GiveBack(const Upstream& upstream, std::unique_ptr<Connection> connection);
  boost::asio::awaitable<std::unique_ptr<Connection>> Connect(const Upstream& upstream);

  boost::asio::any_io_executor executor_;
  ClientOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;
};

bool IsIdempotent(Verb method);

}  // namespace mp::http

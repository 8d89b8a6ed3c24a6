#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "libs/http/types.hpp"

// HTTP/1.1 server on C++20 coroutines: N I/O threads, keep-alive, a deadline on every read, a body limit,
// and two-phase graceful shutdown (stop accepting and close idle connections; let in-flight requests finish;
// then stop hard after the grace period).
namespace mp::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port (tests)
  // SO_REUSEPORT on `port`: several replicas share it and the kernel spreads new connections over them.
  bool reuse_port = false;
  // If not 0, also accept on this port, which is this replica's own (for probes and scrapes when `port` is
  // shared). Same handler, same connections limit, same shutdown.
  std::uint16_t instance_port = 0;
  int io_threads = 2;
  std::size_t body_limit = 64 * 1024;
  std::chrono::seconds read_timeout{30};  // a whole request, headers + body
  std::chrono::seconds idle_timeout{75};  // keep-alive connection waiting for its next request
  std::chrono::seconds shutdown_grace{10};
};

struct Peer {
  std::string ip;
};

using RequestHandler = std::function<boost::asio::awaitable<Response>(Request&, const Peer&)>;

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, RequestHandler handler);
  ~Server();

  // Binds and starts accepting (throws if a port is taken). Returns the bound `port`.
  std::uint16_t Listen();
  // Phase 1 of shutdown: stop accepting, close idle keep-alive connections; busy ones close after their
  // response. `on_drained` runs once no connection is left (or the grace period ran out).
  void Shutdown(std::function<void()> on_drained);

  std::uint16_t port() const { return port_; }
  std::size_t open_connections() const { return open_.load(); }
  std::uint64_t requests_total() const { return requests_.load(); }

 private:
  struct Session;
  void Bind(std::uint16_t port, bool reuse_port);
  boost::asio::awaitable<void> Accept(boost::asio::ip::tcp::acceptor& acceptor);
  boost::asio::awaitable<void> Serve(std::shared_ptr<Session> session);
  void Forget(const std::shared_ptr<Session>& session);

  boost::asio::io_context& io_;
  ServerOptions options_;
  RequestHandler handler_;
  std::vector<boost::asio::ip::tcp::acceptor> acceptors_;  // the port, then the instance port
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> open_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::mutex sessions_mutex_;
  std::unordered_set<std::shared_ptr<Session>> sessions_;
  std::function<void()> on_drained_;
};

}  // namespace mp::http

#include "libs/http/client.hpp"

#include <poll.h>

#include <charconv>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace mp::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct HttpClient::Connection {
  explicit Connection(asio::any_io_executor executor) : stream(executor) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};
};

namespace {

Endpoint ParseEndpoint(const std::string& name, std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme))
    throw std::invalid_argument(name + " URL must start with http://: " + std::string(url));
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto colon = rest.rfind(':');
  Endpoint endpoint;
  if (colon == std::string_view::npos) {
    endpoint.host = std::string(rest);
    endpoint.port = 80;
  } else {
    endpoint.host = std::string(rest.substr(0, colon));
    auto port_text = rest.substr(colon + 1);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      throw std::invalid_argument(name + " URL has a bad port: " + std::string(url));
    }
    endpoint.port = static_cast<std::uint16_t>(port);
  }
  if (endpoint.host.empty()) throw std::invalid_argument(name + " URL has no host: " + std::string(url));
  return endpoint;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

Upstream Upstream::Parse(std::string name, std::string_view urls) {
  Upstream upstream;
  upstream.name = std::move(name);
  std::string_view rest = urls;
  for (;;) {
    auto comma = rest.find(',');
    std::string_view url = Trim(rest.substr(0, comma));
    upstream.endpoints.push_back(ParseEndpoint(upstream.name, url));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return upstream;
}

// Ejected instances, shared with the probes that re-admit them (a probe may outlive a call, not the
// io_context: it holds this state, never the client).
struct HttpClient::Health {
  std::mutex mutex;
  std::set<std::string> ejected;  // Endpoint::Address()
  bool closed = false;            // the client is gone: probes stop
};

namespace {

// GET /ready on one instance with a fresh connection; true on 200.
// Resolves (unless it is an address) and connects within `timeout`. On failure `ec` says why
// (asio::error::host_not_found when the name does not resolve).
asio::awaitable<void> ConnectTo(beast::tcp_stream& stream, const Endpoint& endpoint,
                                std::chrono::milliseconds timeout, boost::system::error_code& ec) {
  auto address = asio::ip::make_address(endpoint.host, ec);
  tcp::endpoint target;
  if (ec) {
    tcp::resolver resolver(stream.get_executor());
    auto results = co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec || results.empty()) {
      ec = asio::error::host_not_found;
      co_return;
    }
    target = *results.begin();
  } else {
    target = tcp::endpoint(address, endpoint.port);
  }
  stream.expires_after(timeout);
  co_await stream.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<bool> Ready(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  boost::system::error_code ec;
  co_await ConnectTo(stream, endpoint, timeout, ec);
  if (ec) co_return false;
  Request request{Verb::get, "/ready", 11};
  request.set(beast::http::field::host, endpoint.Address());
  request.keep_alive(false);
  co_await beast::http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;
  beast::flat_buffer buffer;
  Response response;
  co_await beast::http::async_read(stream, buffer, response, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && response.result() == Status::ok;
}

}  // namespace

bool IsIdempotent(Verb method) {
  return method == Verb::get || method == Verb::head || method == Verb::put || method == Verb::delete_ ||
         method == Verb::options;
}

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)), options_(options), health_(std::make_shared<Health>()) {}

HttpClient::~HttpClient() {
  std::lock_guard lock(health_->mutex);
  health_->closed = true;
}

std::size_t HttpClient::ejected_endpoints() const {
  std::lock_guard lock(health_->mutex);
  return health_->ejected.size();
}

std::vector<const Endpoint*> HttpClient::Order(const Upstream& upstream) {
  const std::size_t n = upstream.endpoints.size();
  std::size_t start = 0;
  if (n > 1) {
    std::lock_guard lock(mutex_);
    start = next_[upstream.name]++ % n;
  }
  std::vector<const Endpoint*> healthy, ejected;
  {
    std::lock_guard lock(health_->mutex);
    for (std::size_t i = 0; i < n; ++i) {
      const Endpoint& endpoint = upstream.endpoints[(start + i) % n];
      (health_->ejected.contains(endpoint.Address()) ? ejected : healthy).push_back(&endpoint);
    }
  }
  healthy.insert(healthy.end(), ejected.begin(), ejected.end());
  return healthy;
}

void HttpClient::Eject(const Endpoint& endpoint) {
  {
    std::lock_guard lock(health_->mutex);
    if (!health_->ejected.insert(endpoint.Address()).second) return;  // already ejected and probed
  }
  ++ejections_;
  {
    std::lock_guard lock(mutex_);
    idle_.erase(endpoint.Address());  // its pooled connections are most likely dead too
  }
  auto probe = [](std::shared_ptr<Health> health, Endpoint endpoint, std::chrono::milliseconds interval,
                  std::chrono::milliseconds timeout) -> asio::awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
      timer.expires_after(interval);
      co_await timer.async_wait(asio::use_awaitable);
      {
        std::lock_guard lock(health->mutex);
        if (health->closed) co_return;
      }
      if (co_await Ready(endpoint, timeout)) {
        std::lock_guard lock(health->mutex);
        health->ejected.erase(endpoint.Address());
        co_return;
      }
    }
  };
  asio::co_spawn(executor_, probe(health_, endpoint, options_.probe_interval, options_.connect_timeout),
                 asio::detached);
}

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [key, list] : idle_) n += list.size();
  return n;
}

std::unique_ptr<HttpClient::Connection> HttpClient::TakeIdle(const Endpoint& endpoint) {
  std::string key = endpoint.Address();
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto& list = idle_[key];
  while (!list.empty()) {
    auto connection = std::move(list.back());
    list.pop_back();
    if (now - connection->idle_since >= options_.idle_ttl) continue;
    // An idle connection has nothing to read. If it is readable, the server closed it (a restart, its
    // keep-alive timeout): a request written to it would fail after sending, which a POST may not retry.
    pollfd readable{connection->stream.socket().native_handle(), POLLIN, 0};
    if (::poll(&readable, 1, 0) != 0) continue;
    return connection;
  }
  return nullptr;
}

void HttpClient::GiveBack(const Endpoint& endpoint, std::unique_ptr<Connection> connection) {
  connection->idle_since = std::chrono::steady_clock::now();
  std::string key = endpoint.Address();
  std::lock_guard lock(mutex_);
  auto& list = idle_[key];
  if (list.size() < options_.max_idle_per_upstream) list.push_back(std::move(connection));
}

asio::awaitable<std::unique_ptr<HttpClient::Connection>> HttpClient::Connect(const Upstream& upstream,
                                                                             const Endpoint& instance) {
  auto connection = std::make_unique<Connection>(executor_);
  boost::system::error_code ec;
  co_await ConnectTo(connection->stream, instance, options_.connect_timeout, ec);
  if (ec == asio::error::host_not_found)
    throw UpstreamError(upstream.name, "cannot resolve " + instance.host, false);
  if (ec) {
    throw UpstreamError(upstream.name, "cannot connect to " + upstream.name + ": " + ec.message(),
                        ec == beast::error::timeout);
  }
  connection->stream.socket().set_option(tcp::no_delay(true), ec);
  co_return connection;
}

asio::awaitable<Response> HttpClient::Send(const Upstream& upstream, Request request) {
  if (upstream.endpoints.empty())
    throw UpstreamError(upstream.name, upstream.name + " has no instance configured", false);
  request.keep_alive(true);
  const bool idempotent = IsIdempotent(request.method());
  const auto order = Order(upstream);
  bool retried_after_send = false;  // an idempotent call gets one more instance after a failure once sent
  std::string last_error;
  bool last_timeout = false;

  for (std::size_t index = 0; index < order.size(); ++index) {
    const Endpoint& endpoint = *order[index];
    request.set(beast::http::field::host, endpoint.Address());
    request.prepare_payload();
    for (int attempt = 0;; ++attempt) {
      auto connection = TakeIdle(endpoint);
      const bool reused = connection != nullptr;
      if (!connection) {
        try {
          connection = co_await Connect(upstream, endpoint);
        } catch (const UpstreamError& error) {
          // Nothing was sent: the next instance may take it, whatever the method.
          Eject(endpoint);
          last_error = error.what();
          last_timeout = error.timeout();
          if (index + 1 < order.size()) ++failovers_;
          break;
        }
      }

      boost::system::error_code ec;
      connection->stream.expires_after(options_.request_timeout);
      co_await beast::http::async_write(connection->stream, request,
                                        asio::redirect_error(asio::use_awaitable, ec));
      const bool wrote = !ec;
      beast::http::response_parser<beast::http::string_body> parser;
      parser.body_limit(options_.response_body_limit);
      if (!ec) {
        co_await beast::http::async_read(connection->stream, connection->buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!ec) {
        Response response = parser.release();
        if (response.keep_alive()) GiveBack(endpoint, std::move(connection));
        co_return response;
      }
      const bool timeout = ec == beast::error::timeout;
      // A reused keep-alive connection that the server had already closed fails on write, or with EOF/reset
      // before any response byte: the request was not processed, so one retry on a fresh connection is safe.
      const bool stale =
          reused && !timeout &&
          (!wrote || (!parser.got_some() && (ec == beast::http::error::end_of_stream ||
                                             ec == asio::error::eof || ec == asio::error::connection_reset)));
      if (attempt == 0 && stale && (idempotent || !wrote)) continue;
      last_error =
          timeout ? upstream.name + " did not answer in time" : upstream.name + " failed: " + ec.message();
      last_timeout = timeout;
      if (!timeout) Eject(endpoint);  // reset or closed mid-call: the instance is likely gone
      if (idempotent && !retried_after_send && index + 1 < order.size()) {
        retried_after_send = true;
        ++failovers_;
        break;  // the next instance
      }
      throw UpstreamError(upstream.name, last_error, timeout);
    }
  }
  throw UpstreamError(upstream.name, last_error, last_timeout);
}

}  // namespace mp::http

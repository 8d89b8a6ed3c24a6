#include "libs/http/client.hpp"

#include <charconv>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
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

Upstream Upstream::Parse(std::string name, std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) throw std::invalid_argument(name + " URL must start with http://: " + std::string(url));
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto colon = rest.rfind(':');
  Upstream upstream;
  upstream.name = std::move(name);
  if (colon == std::string_view::npos) {
    upstream.host = std::string(rest);
    upstream.port = 80;
  } else {
    upstream.host = std::string(rest.substr(0, colon));
    auto port_text = rest.substr(colon + 1);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      throw std::invalid_argument(upstream.name + " URL has a bad port: " + std::string(url));
    }
    upstream.port = static_cast<std::uint16_t>(port);
  }
  if (upstream.host.empty()) throw std::invalid_argument(upstream.name + " URL has no host: " + std::string(url));
  return upstream;
}

bool IsIdempotent(Verb method) {
  return method == Verb::get || method == Verb::head || method == Verb::put || method == Verb::delete_ ||
         method == Verb::options;
}

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)), options_(options) {}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [key, list] : idle_) n += list.size();
  return n;
}

std::unique_ptr<HttpClient::Connection> HttpClient::TakeIdle(const Upstream& upstream) {
  std::string key = upstream.host + ":" + std::to_string(upstream.port);
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto& list = idle_[key];
  while (!list.empty()) {
    auto connection = std::move(list.back());
    list.pop_back();
    if (now - connection->idle_since < options_.idle_ttl) return connection;
  }
  return nullptr;
}

void HttpClient::GiveBack(const Upstream& upstream, std::unique_ptr<Connection> connection) {
  connection->idle_since = std::chrono::steady_clock::now();
  std::string key = upstream.host + ":" + std::to_string(upstream.port);
  std::lock_guard lock(mutex_);
  auto& list = idle_[key];
  if (list.size() < options_.max_idle_per_upstream) list.push_back(std::move(connection));
}

asio::awaitable<std::unique_ptr<HttpClient::Connection>> HttpClient::Connect(const Upstream& upstream) {
  auto connection = std::make_unique<Connection>(executor_);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(upstream.host, ec);
  tcp::endpoint endpoint;
  if (ec) {
    tcp::resolver resolver(executor_);
    auto results = co_await resolver.async_resolve(upstream.host, std::to_string(upstream.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec || results.empty()) throw UpstreamError(upstream.name, "cannot resolve " + upstream.host, false);
    endpoint = *results.begin();
  } else {
    endpoint = tcp::endpoint(address, upstream.port);
  }
  connection->stream.expires_after(options_.connect_timeout);
  co_await connection->stream.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    throw UpstreamError(upstream.name, "cannot connect to " + upstream.name + ": " + ec.message(),
                        ec == beast::error::timeout);
  }
  connection->stream.socket().set_option(tcp::no_delay(true), ec);
  co_return connection;
}

asio::awaitable<Response> HttpClient::Send(const Upstream& upstream, Request request) {
  request.set(beast::http::field::host, upstream.host + ":" + std::to_string(upstream.port));
  request.keep_alive(true);
  request.prepare_payload();
  bool idempotent = IsIdempotent(request.method());

  for (int attempt = 0;; ++attempt) {
    auto connection = TakeIdle(upstream);
    bool reused = connection != nullptr;
    if (!connection) connection = co_await Connect(upstream);

    boost::system::error_code ec;
    connection->stream.expires_after(options_.request_timeout);
    co_await beast::http::async_write(connection->stream, request, asio::redirect_error(asio::use_awaitable, ec));
    bool wrote = !ec;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(options_.response_body_limit);
    if (!ec) {
      co_await beast::http::async_read(connection->stream, connection->buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!ec) {
      Response response = parser.release();
      if (response.keep_alive()) GiveBack(upstream, std::move(connection));
      co_return response;
    }
    bool timeout = ec == beast::error::timeout;
    // A reused keep-alive connection that the server had already closed fails on write, or with EOF/reset
    // before any response byte: the request was not processed, so one retry on a fresh connection is safe.
    bool stale = reused && !timeout && (!wrote || (!parser.got_some() && (ec == beast::http::error::end_of_stream ||
                                                                         ec == asio::error::eof ||
                                                                         ec == asio::error::connection_reset)));
    if (attempt == 0 && stale && (idempotent || !wrote)) continue;
    throw UpstreamError(upstream.name,
                        timeout ? upstream.name + " did not answer in time" : upstream.name + " failed: " + ec.message(),
                        timeout);
  }
}

}  // namespace mp::http

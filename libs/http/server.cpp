#include "libs/http/server.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "libs/core/error.hpp"
#include "libs/core/log.hpp"
#include "libs/http/envelope.hpp"

namespace mp::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct Server::Session {
  explicit Session(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // touched only on the session's strand
};

Server::Server(asio::io_context& io, ServerOptions options, RequestHandler handler)
    : io_(io), options_(std::move(options)), handler_(std::move(handler)) {
  acceptors_.reserve(2);  // Accept() holds references: never reallocate
}

Server::~Server() = default;

std::uint16_t Server::Listen() {
  Bind(options_.port, options_.reuse_port);
  port_ = acceptors_.front().local_endpoint().port();
  if (options_.instance_port != 0) Bind(options_.instance_port, false);
  for (auto& acceptor : acceptors_) {
    asio::co_spawn(acceptor.get_executor(), Accept(acceptor), [](const std::exception_ptr& e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::Error("acceptor stopped", {{"error", ex.what()}});
      }
    });
  }
  return port_;
}

void Server::Bind(std::uint16_t port, bool reuse_port) {
  tcp::endpoint endpoint(asio::ip::make_address(options_.host), port);
  tcp::acceptor& acceptor = acceptors_.emplace_back(io_);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  if (reuse_port) {
    int on = 1;
    if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
      throw boost::system::system_error(errno, boost::system::system_category(), "SO_REUSEPORT");
    }
  }
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
}

asio::awaitable<void> Server::Accept(tcp::acceptor& acceptor) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      log::Warn("accept failed", {{"error", ec.message()}});
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_shared<Session>(std::move(socket));
    {
      std::lock_guard lock(sessions_mutex_);
      sessions_.insert(session);
    }
    ++open_;
    auto executor = session->stream.get_executor();
    asio::co_spawn(executor, Serve(session), [this, session](const std::exception_ptr& e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::Error("connection failed", {{"error", ex.what()}});
        }
      }
      Forget(session);
    });
  }
}

void Server::Forget(const std::shared_ptr<Session>& session) {
  std::function<void()> drained;
  {
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(session);
    if (stopping_ && sessions_.empty() && on_drained_) drained = std::exchange(on_drained_, nullptr);
  }
  --open_;
  if (drained) drained();
}

asio::awaitable<void> Server::Serve(std::shared_ptr<Session> session) {
  beast::flat_buffer buffer;
  auto& stream = session->stream;
  Peer peer;
  boost::system::error_code ec;
  auto remote = stream.socket().remote_endpoint(ec);
  if (!ec) peer.ip = remote.address().to_string();

  for (;;) {
    session->busy = false;
    if (stopping_) break;
    beast::http::request_parser<beast::http::string_body> parser;
    parser.body_limit(options_.body_limit);
    parser.header_limit(16 * 1024);
    // The idle deadline covers the wait for the next request; once bytes arrive a request must complete
    // within read_timeout.
    stream.expires_after(buffer.size() > 0 ? options_.read_timeout : options_.idle_timeout);
    co_await beast::http::async_read_header(stream, buffer, parser,
                                            asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      session->busy = true;
      if (!parser.is_done()) {  // a body follows (a GET is complete with its header: no second read)
        stream.expires_after(options_.read_timeout);
        co_await beast::http::async_read(stream, buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    if (ec == beast::http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      break;
    }
    Response response;
    bool close_after = false;
    if (ec == beast::http::error::body_limit) {
      response = ErrorResponse(
          ApiError(ApiError::Kind::kPayloadTooLarge, "payload_too_large", "Payload too large",
                   "The request body is larger than " + std::to_string(options_.body_limit) + " bytes"));
      close_after = true;
    } else if (ec == beast::http::error::header_limit) {
      response = Text(Status::request_header_fields_too_large, "", "text/plain");
      close_after = true;
    } else if (ec) {
      response = ErrorResponse(ApiError::BadRequest("Malformed HTTP request", "bad_http"));
      close_after = true;
    } else {
      Request request = parser.release();
      ++requests_;
      try {
        response = co_await handler_(request, peer);
      } catch (const ApiError& error) {
        response = ErrorResponse(error);
      } catch (const std::exception& ex) {
        log::Error("unhandled error", {{"error", ex.what()}});
        response = ErrorResponse(ApiError::Internal());
      }
      response.version(request.version());
      close_after = !request.keep_alive();
    }
    if (stopping_) close_after = true;
    response.keep_alive(!close_after);
    stream.expires_after(options_.read_timeout);
    co_await beast::http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || close_after) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
}

void Server::Shutdown(std::function<void()> on_drained) {
  stopping_ = true;
  for (auto& acceptor : acceptors_) {
    asio::post(acceptor.get_executor(), [&acceptor] {
      boost::system::error_code ec;
      acceptor.close(ec);
    });
  }
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(sessions_mutex_);
    if (sessions_.empty()) {
      if (on_drained) asio::post(io_, std::move(on_drained));
      return;
    }
    on_drained_ = std::move(on_drained);
    sessions.assign(sessions_.begin(), sessions_.end());
  }
  for (auto& session : sessions) {
    // Idle connections are cancelled at once; busy ones finish their request and close after the response.
    asio::post(session->stream.get_executor(), [session] {
      if (!session->busy) session->stream.cancel();
    });
  }
}

}  // namespace mp::http

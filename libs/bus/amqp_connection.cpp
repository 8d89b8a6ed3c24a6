#include "libs/bus/amqp_connection.hpp"

#include <sys/time.h>

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>

namespace mp::bus {

amqp_bytes_t Bytes(std::string_view text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

std::string_view View(amqp_bytes_t bytes) { return {static_cast<const char*>(bytes.bytes), bytes.len}; }

amqp_table_entry_t StringEntry(std::string_view key, std::string_view value) {
  amqp_table_entry_t entry{};
  entry.key = Bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = Bytes(value);
  return entry;
}

amqp_table_entry_t IntEntry(std::string_view key, std::int64_t value) {
  amqp_table_entry_t entry{};
  entry.key = Bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_I64;
  entry.value.value.i64 = value;
  return entry;
}

std::string DescribeReply(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return "ok";
    case AMQP_RESPONSE_NONE: return "no reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION: return DescribeMethod(reply.reply);
  }
  return "unknown reply";
}

std::string DescribeMethod(const amqp_method_t& method) {
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    auto* close = static_cast<amqp_connection_close_t*>(method.decoded);
    return fmt::format("connection closed by broker: {} {}", close->reply_code, View(close->reply_text));
  }
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    auto* close = static_cast<amqp_channel_close_t*>(method.decoded);
    return fmt::format("channel closed by broker: {} {}", close->reply_code, View(close->reply_text));
  }
  if (method.id == AMQP_BASIC_CANCEL_METHOD) return "consumer cancelled by broker (queue deleted?)";
  return fmt::format("unexpected method {:#x}", method.id);
}

AmqpConnection::AmqpConnection(const AmqpOptions& options, int heartbeat_seconds)
    : state_(amqp_new_connection()) {
  if (state_ == nullptr) throw AmqpError("amqp_new_connection failed");
  timeval timeout{static_cast<time_t>(options.timeout.count() / 1000),
                  static_cast<suseconds_t>((options.timeout.count() % 1000) * 1000)};
  const bool tls = options.tls != AmqpOptions::Tls::kDisabled;
  amqp_socket_t* socket = tls ? amqp_ssl_socket_new(state_) : amqp_tcp_socket_new(state_);
  int status = socket == nullptr ? AMQP_STATUS_NO_MEMORY : AMQP_STATUS_OK;
  if (status == AMQP_STATUS_OK && tls) {
    const int verify = options.tls == AmqpOptions::Tls::kVerifyIdentity ? 1 : 0;
    amqp_ssl_socket_set_verify_peer(socket, verify);
    amqp_ssl_socket_set_verify_hostname(socket, verify);
    if (!options.tls_ca.empty()) status = amqp_ssl_socket_set_cacert(socket, options.tls_ca.c_str());
  }
  if (status == AMQP_STATUS_OK) {
    status = amqp_socket_open_noblock(socket, options.host.c_str(), options.port, &timeout);
  }
  if (status != AMQP_STATUS_OK) {
    amqp_destroy_connection(state_);
    throw AmqpError(fmt::format("cannot connect to RabbitMQ at {}:{}{}: {}", options.host, options.port,
                                tls ? " (TLS)" : "", amqp_error_string2(status)));
  }
  amqp_set_handshake_timeout(state_, &timeout);
  amqp_set_rpc_timeout(state_, &timeout);
  amqp_rpc_reply_t login =
      amqp_login(state_, options.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, heartbeat_seconds,
                 AMQP_SASL_METHOD_PLAIN, options.user.c_str(), options.password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    amqp_destroy_connection(state_);
    throw AmqpError(fmt::format("RabbitMQ login as {} on vhost {} failed: {}", options.user, options.vhost,
                                DescribeReply(login)));
  }
  amqp_channel_open(state_, kChannel);
  try {
    Check("channel.open");
  } catch (...) {
    amqp_destroy_connection(state_);
    throw;
  }
}

AmqpConnection::~AmqpConnection() {
  if (!broken_) amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(state_);
}

void AmqpConnection::Check(std::string_view what) {
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(state_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  broken_ = true;
  throw AmqpError(fmt::format("{}: {}", what, DescribeReply(reply)));
}

void AmqpConnection::DeclareExchange(std::string_view name) {
  amqp_exchange_declare(state_, kChannel, Bytes(name), amqp_cstring_bytes("topic"), /*passive=*/0,
                        /*durable=*/1, /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
  Check(fmt::format("declaring exchange {}", name));
}

bool AmqpConnection::QueueExists(std::string_view name) {
  amqp_queue_declare(state_, kChannel, Bytes(name), /*passive=*/1, 0, 0, 0, amqp_empty_table);
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(state_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD &&
      static_cast<amqp_channel_close_t*>(reply.reply.decoded)->reply_code == AMQP_NOT_FOUND) {
    amqp_channel_close_ok_t close_ok{};
    if (amqp_send_method(state_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok) == AMQP_STATUS_OK) {
      amqp_channel_open(state_, kChannel);
      Check("channel.open");
      return false;
    }
  }
  broken_ = true;
  throw AmqpError(fmt::format("checking queue {}: {}", name, DescribeReply(reply)));
}

}  // namespace mp::bus

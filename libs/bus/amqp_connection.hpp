#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <amqp.h>

#include "libs/bus/options.hpp"

// Internal to libs/bus: the one place that speaks rabbitmq-c's connection set-up.
namespace mp::bus {

// One AMQP connection with channel 1 open. Not thread-safe. Throws AmqpError on failure.
class AmqpConnection {
 public:
  static constexpr amqp_channel_t kChannel = 1;

  AmqpConnection(const AmqpOptions& options, int heartbeat_seconds);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  amqp_connection_state_t get() const { return state_; }
  // Throws AmqpError unless the last RPC succeeded; marks the connection broken.
  void Check(std::string_view what);
  // Closing politely would block on a dead socket; a broken connection is just dropped.
  void MarkBroken() { broken_ = true; }
  bool broken() const { return broken_; }

  void DeclareExchange(std::string_view name);
  // Whether the queue exists (a passive queue.declare, which checks no arguments). The broker answers a
  // missing queue by closing the channel; it is opened again.
  bool QueueExists(std::string_view name);

 private:
  amqp_connection_state_t state_;
  bool broken_ = false;
};

std::string DescribeReply(const amqp_rpc_reply_t& reply);
// "connection closed by broker: 320 CONNECTION_FORCED ..." for a close method, else its number.
std::string DescribeMethod(const amqp_method_t& method);
amqp_bytes_t Bytes(std::string_view text);
std::string_view View(amqp_bytes_t bytes);
// Entries of an AMQP arguments or headers table; they point into `key` and `value`.
amqp_table_entry_t StringEntry(std::string_view key, std::string_view value);
amqp_table_entry_t IntEntry(std::string_view key, std::int64_t value);

}  // namespace mp::bus

#pragma once

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <amqp.h>
#include <nlohmann/json.hpp>

#include "libs/bus/amqp_connection.hpp"
#include "libs/bus/event.hpp"
#include "libs/bus/options.hpp"
#include "libs/core/testing/polling.hpp"
#include "libs/core/testing/required_env.hpp"

// Helpers shared by the bus integration tests.
namespace mp::bus::test {

// The test broker from MP_AMQP_HOST/PORT/USER/PASSWORD/VHOST; throws with a clear message when unset.
inline AmqpOptions TestAmqpOptions() {
  mp::testing::RequiredEnv env;
  AmqpOptions options;
  options.host = env.Get("MP_AMQP_HOST");
  std::string port = env.Get("MP_AMQP_PORT");
  options.user = env.Get("MP_AMQP_USER");
  options.password = env.Get("MP_AMQP_PASSWORD");
  options.vhost = env.Get("MP_AMQP_VHOST");
  env.Check("a RabbitMQ test broker");
  options.port = std::stoi(port);
  return options;
}

inline std::string UniqueSuffix() { return NewEventId().substr(0, 8); }

using mp::testing::WaitUntil;  // polls every 20 ms until it holds or the timeout passes

struct ReceivedMessage {
  std::string exchange;
  std::string routing_key;
  std::string body;
  std::string content_type;
  std::string message_id;
  std::string type;
  int delivery_mode = 0;
  nlohmann::json headers = nlohmann::json::object();  // string and integer values only
};

// A queue inspected with basic.get. Each call opens its own short connection, so it works across a broker
// restart.
class TestQueue {
 public:
  TestQueue(AmqpOptions options, std::string name) : options_(std::move(options)), name_(std::move(name)) {}

  // Declares the queue (durable, no arguments) and binds it.
  void Declare(const std::string& exchange, const std::string& routing_key) {
    Declare(exchange, routing_key, amqp_empty_table);
  }

  // Declares a queue that holds nothing and refuses what it is given (x-max-length 0, x-overflow
  // reject-publish): the broker answers a publish routed only there with basic.nack.
  void DeclareRefusing(const std::string& exchange, const std::string& routing_key) {
    amqp_table_entry_t arguments[2] = {};
    arguments[0].key = amqp_cstring_bytes("x-max-length");
    arguments[0].value.kind = AMQP_FIELD_KIND_I64;
    arguments[0].value.value.i64 = 0;
    arguments[1].key = amqp_cstring_bytes("x-overflow");
    arguments[1].value.kind = AMQP_FIELD_KIND_UTF8;
    arguments[1].value.value.bytes = amqp_cstring_bytes("reject-publish");
    Declare(exchange, routing_key, amqp_table_t{2, arguments});
  }

  void Declare(const std::string& exchange, const std::string& routing_key, amqp_table_t arguments) {
    AmqpConnection connection(options_, 0);
    amqp_queue_declare(connection.get(), 1, Bytes(name_), 0, 1, 0, 0, arguments);
    connection.Check("queue.declare");
    amqp_queue_bind(connection.get(), 1, Bytes(name_), Bytes(exchange), Bytes(routing_key), amqp_empty_table);
    connection.Check("queue.bind");
  }

  std::optional<ReceivedMessage> Get() {
    AmqpConnection connection(options_, 0);
    amqp_rpc_reply_t reply = amqp_basic_get(connection.get(), 1, Bytes(name_), /*no_ack=*/1);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      connection.MarkBroken();
      throw AmqpError("basic.get: " + DescribeReply(reply));
    }
    if (reply.reply.id != AMQP_BASIC_GET_OK_METHOD) return std::nullopt;
    auto* ok = static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded);
    ReceivedMessage received;
    received.exchange = std::string(View(ok->exchange));
    received.routing_key = std::string(View(ok->routing_key));
    amqp_message_t message;
    if (amqp_read_message(connection.get(), 1, &message, 0).reply_type != AMQP_RESPONSE_NORMAL) {
      connection.MarkBroken();
      throw AmqpError("reading a message failed");
    }
    const amqp_basic_properties_t& p = message.properties;
    received.body = std::string(View(message.body));
    if (p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) received.content_type = std::string(View(p.content_type));
    if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) received.message_id = std::string(View(p.message_id));
    if (p._flags & AMQP_BASIC_TYPE_FLAG) received.type = std::string(View(p.type));
    if (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) received.delivery_mode = p.delivery_mode;
    if (p._flags & AMQP_BASIC_HEADERS_FLAG) {
      for (int i = 0; i < p.headers.num_entries; ++i) {
        const auto& entry = p.headers.entries[i];
        std::string key(View(entry.key));
        if (entry.value.kind == AMQP_FIELD_KIND_UTF8)
          received.headers[key] = std::string(View(entry.value.value.bytes));
        if (entry.value.kind == AMQP_FIELD_KIND_I64) received.headers[key] = entry.value.value.i64;
        if (entry.value.kind == AMQP_FIELD_KIND_I32) received.headers[key] = entry.value.value.i32;
      }
    }
    amqp_destroy_message(&message);
    return received;
  }

  std::uint32_t MessageCount() {
    AmqpConnection connection(options_, 0);
    auto* ok =
        amqp_queue_declare(connection.get(), 1, Bytes(name_), /*passive=*/1, 0, 0, 0, amqp_empty_table);
    connection.Check("passive queue.declare of " + name_);
    return ok->message_count;
  }

  void Delete() {
    try {
      AmqpConnection connection(options_, 0);
      amqp_queue_delete(connection.get(), 1, Bytes(name_), 0, 0);
      connection.Check("queue.delete");
    } catch (const AmqpError&) {
      // Best effort clean-up.
    }
  }

 private:
  AmqpOptions options_;
  std::string name_;
};

}  // namespace mp::bus::test

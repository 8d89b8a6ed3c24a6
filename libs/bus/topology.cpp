#include "libs/bus/topology.hpp"

#include <string>

#include <amqp.h>

#include "libs/bus/amqp_connection.hpp"

namespace mp::bus {

std::vector<std::pair<std::string, std::string>> SubscriptionsOf(std::string_view queue) {
  std::vector<std::pair<std::string, std::string>> bindings;
  for (const Subscription& subscription : kSubscriptions) {
    if (subscription.queue == queue) bindings.emplace_back(subscription.exchange, subscription.routing_key);
  }
  return bindings;
}

void DeclareSubscriberQueue(AmqpConnection& connection, std::string_view queue) {
  if (connection.QueueExists(queue)) return;
  amqp_connection_state_t state = connection.get();
  constexpr amqp_channel_t kChannel = AmqpConnection::kChannel;
  const std::string dead_queue = std::string(queue) + ".dead";
  amqp_queue_declare(state, kChannel, Bytes(dead_queue), 0, /*durable=*/1, 0, 0, amqp_empty_table);
  connection.Check("declaring queue " + dead_queue);
  amqp_queue_bind(state, kChannel, Bytes(dead_queue), Bytes(kDeadLetterExchange), Bytes(queue),
                  amqp_empty_table);
  connection.Check("binding queue " + dead_queue);

  amqp_table_entry_t arguments[3] = {StringEntry("x-dead-letter-exchange", kDeadLetterExchange),
                                     StringEntry("x-dead-letter-routing-key", queue),
                                     IntEntry("x-message-ttl", kQueueMessageTtl.count())};
  amqp_queue_declare(state, kChannel, Bytes(queue), 0, /*durable=*/1, 0, 0, amqp_table_t{3, arguments});
  connection.Check("declaring queue " + std::string(queue));
}

void DeclareTopology(AmqpConnection& connection) {
  for (std::string_view exchange : kEventExchanges) connection.DeclareExchange(exchange);
  connection.DeclareExchange(kDeadLetterExchange);
  std::string_view declared;
  for (const Subscription& subscription : kSubscriptions) {
    if (subscription.queue != declared) DeclareSubscriberQueue(connection, subscription.queue);
    declared = subscription.queue;
    amqp_queue_bind(connection.get(), AmqpConnection::kChannel, Bytes(subscription.queue),
                    Bytes(subscription.exchange), Bytes(subscription.routing_key), amqp_empty_table);
    connection.Check("binding queue " + std::string(subscription.queue) + " to " +
                     std::string(subscription.exchange));
  }
}

void DeclareTopology(const AmqpOptions& options) {
  AmqpConnection connection(options, 0);
  DeclareTopology(connection);
}

}  // namespace mp::bus

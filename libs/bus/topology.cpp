#include "libs/bus/topology.hpp"

#include "libs/bus/amqp_connection.hpp"

namespace mp::bus {

void DeclareTopology(const AmqpOptions& options) {
  AmqpConnection connection(options, 0);
  for (std::string_view exchange : kEventExchanges) connection.DeclareExchange(exchange);
  connection.DeclareExchange(kDeadLetterExchange);
}

}  // namespace mp::bus

#pragma once

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/bus/options.hpp"

namespace mp::bus {

class AmqpConnection;

// DESIGN.md "Events": durable topic exchanges, one per publishing service.
inline constexpr std::array<std::string_view, 5> kEventExchanges = {
    "order_events", "payment_events", "review_events", "auth_events", "user_events"};
// Every consumer queue dead-letters here with its own name as routing key, into `<queue>.dead`.
inline constexpr std::string_view kDeadLetterExchange = "dead_letters";
// How long an event waits in a subscriber's queue before it is dead-lettered.
inline constexpr std::chrono::milliseconds kQueueMessageTtl = std::chrono::hours(24);

// One binding of a subscriber's durable queue.
struct Subscription {
  std::string_view queue;
  std::string_view exchange;
  std::string_view routing_key;
};

// Every subscription of the marketplace, as each service's consumer binds it (its QueueSpec). Declared with
// the exchanges by DeclareTopology — at every service's start and on every connection of a publisher, before
// it publishes — so an event the broker cannot route really has no subscriber, even at a first start before
// the consumers ran (ADR 0010). A new subscription goes here as well as into its service's QueueSpec; each
// service's unit test compares the two (SubscriptionsOf).
inline constexpr std::array<Subscription, 12> kSubscriptions = {{
    {"notification.events", "order_events", "order.*"},
    {"notification.events", "payment_events", "payment.*"},
    {"notification.events", "payment_events", "refund.*"},
    {"notification.events", "review_events", "review.*"},
    {"order.events", "payment_events", "payment.completed"},
    {"order.events", "payment_events", "refund.processed"},
    {"order.events", "review_events", "review.created"},
    {"review.ratings", "review_events", "review.created"},
    {"user.events", "auth_events", "user.registered"},
    {"user.events", "auth_events", "user.updated"},
    {"user.events", "auth_events", "user.deleted"},
    {"user.events", "review_events", "rating.updated"},
}};

// The (exchange, routing key) bindings kSubscriptions lists for `queue`, in order: what its QueueSpec binds.
std::vector<std::pair<std::string, std::string>> SubscriptionsOf(std::string_view queue);

// Declares a subscriber's durable queue as the consumer does (x-message-ttl kQueueMessageTtl, dead-lettered
// through kDeadLetterExchange into `<queue>.dead`, which it declares and binds too) unless the queue exists:
// an existing queue keeps its arguments, so a broker holding queues of an older version is never refused
// with PRECONDITION_FAILED. Throws AmqpError.
void DeclareSubscriberQueue(AmqpConnection& connection, std::string_view queue);

// Declares the five event exchanges, the dead-letter exchange (all durable topic) and every subscription
// of kSubscriptions. Idempotent; the consumers also declare what they use after every reconnect. Throws
// AmqpError.
void DeclareTopology(AmqpConnection& connection);
void DeclareTopology(const AmqpOptions& options);

}  // namespace mp::bus

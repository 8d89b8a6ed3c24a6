#pragma once

#include <array>
#include <string_view>

#include "libs/bus/options.hpp"

namespace mp::bus {

// DESIGN.md "Events": durable topic exchanges, one per publishing service.
inline constexpr std::array<std::string_view, 5> kEventExchanges = {
    "order_events", "payment_events", "review_events", "auth_events", "user_events"};
// Every consumer queue dead-letters here with its own name as routing key, into `<queue>.dead`.
inline constexpr std::string_view kDeadLetterExchange = "dead_letters";

// Declares the five event exchanges and the dead-letter exchange (all durable topic). Idempotent; the
// relay and consumers also declare what they use after every reconnect. Throws AmqpError.
void DeclareTopology(const AmqpOptions& options);

}  // namespace mp::bus

#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mp::bus {

// A domain event as DESIGN.md "Events" fixes it: body = {event_id, event_type (= routing key),
// occurred_at (UTC ISO-8601), ...payload fields}.
struct Event {
  std::string event_id;
  std::string exchange;
  std::string routing_key;
  nlohmann::json body;
};

// A fresh event with a UUID v4 id and occurred_at = now (a string occurred_at in `fields` is kept, so the
// event can carry the time of the state change). `fields` must be a JSON object (or null) without
// event_id/event_type; throws std::invalid_argument otherwise.
Event MakeEvent(std::string exchange, std::string routing_key, nlohmann::json fields);

// A random (version 4) UUID, lowercase "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string NewEventId();

// The event in a delivered message, or nullopt when the body is not a JSON object with a non-empty
// string event_id (such a message can never be handled and goes to the dead-letter queue).
std::optional<Event> ParseEvent(std::string_view body, std::string exchange, std::string routing_key);

}  // namespace mp::bus

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The request that caused an event travels in its body as "request_id" (the gateway's X-Request-ID;
// DESIGN.md: every hop passes it on), so that the consumers' log lines name it. Empty ids are left out.
void Trace(Event& event, std::string_view request_id);
void Trace(std::vector<Event>& events, std::string_view request_id);
void Trace(std::optional<Event>& event, std::string_view request_id);

// Wraps an event factory (a store calls it inside its transaction) so that its events carry request_id:
// orders_.Create(order, bus::Traced(context.request_id, events::Created)).
template <class Factory>
auto Traced(std::string request_id, Factory factory) {
  return [request_id = std::move(request_id), factory = std::move(factory)](const auto&... args) {
    auto made = factory(args...);  // an Event, a std::vector<Event> or a std::optional<Event>
    Trace(made, request_id);
    return made;
  };
}

// The request_id an event carries, or "" (events from before it was added, or not caused by a request).
std::string RequestIdOf(const Event& event);

// A random (version 4) UUID, lowercase "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string NewEventId();

// The event in a delivered message, or nullopt when the body is not a JSON object with a non-empty
// string event_id (such a message can never be handled and goes to the dead-letter queue).
std::optional<Event> ParseEvent(std::string_view body, std::string exchange, std::string routing_key);

}  // namespace mp::bus

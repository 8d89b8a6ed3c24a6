#include "libs/bus/event.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <openssl/rand.h>

#include "libs/core/time.hpp"

namespace mp::bus {

std::string NewEventId() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

Event MakeEvent(std::string exchange, std::string routing_key, nlohmann::json fields) {
  if (fields.is_null()) fields = nlohmann::json::object();
  if (!fields.is_object()) throw std::invalid_argument("event fields must be a JSON object");
  if (exchange.empty() || routing_key.empty()) {
    throw std::invalid_argument("an event needs an exchange and a routing key");
  }
  if (fields.contains("event_id") || fields.contains("event_type")) {
    throw std::invalid_argument("event_id and event_type are set by MakeEvent, not by the caller");
  }
  Event event;
  event.event_id = NewEventId();
  fields["event_id"] = event.event_id;
  fields["event_type"] = routing_key;
  if (!fields.contains("occurred_at") || !fields["occurred_at"].is_string()) {
    fields["occurred_at"] = time::FormatIso(time::Now());
  }
  event.exchange = std::move(exchange);
  event.routing_key = std::move(routing_key);
  event.body = std::move(fields);
  return event;
}

std::optional<Event> ParseEvent(std::string_view body, std::string exchange, std::string routing_key) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return std::nullopt;
  auto id = parsed.find("event_id");
  if (id == parsed.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
    return std::nullopt;
  Event event;
  event.event_id = id->get<std::string>();
  event.exchange = std::move(exchange);
  event.routing_key = std::move(routing_key);
  event.body = std::move(parsed);
  return event;
}

void Trace(Event& event, std::string_view request_id) {
  if (!request_id.empty()) event.body["request_id"] = request_id;
}

void Trace(std::vector<Event>& events, std::string_view request_id) {
  for (Event& event : events) Trace(event, request_id);
}

void Trace(std::optional<Event>& event, std::string_view request_id) {
  if (event) Trace(*event, request_id);
}

std::string RequestIdOf(const Event& event) {
  auto it = event.body.find("request_id");
  return it != event.body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace mp::bus

#pragma once

#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/notification/src/domain/notice.hpp"

// Reading the payloads of the events the inboxes hear about into the domain's typed events.
namespace mp::notification::events {

// An event that names a type we handle but whose payload cannot make its notices (a missing or ill-typed
// field). Retrying cannot help: it is a poison message for the dead-letter queue.
class UnmappableEvent : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The facts of an event that tells an inbox something (`event_type` is the routing key, `payload` the event
// body); nullopt for any other event type. Ids are positive JSON integers (not 5.0, "5" or true); an
// optional provider_id that is absent, null or 0 is no provider. Throws UnmappableEvent when a field the
// notices need is missing or of the wrong type.
std::optional<domain::InboxEvent> ReadInboxEvent(std::string_view event_type, const nlohmann::json& payload);

// The notices an event makes (domain::NoticesFor of ReadInboxEvent). nullopt for an event type this service
// does not handle (acknowledged and ignored); an empty list for one that makes no notice (order.deleted,
// payment.initiated, refund.requested). Throws UnmappableEvent as ReadInboxEvent.
std::optional<std::vector<domain::Notice>> NoticesForEvent(std::string_view event_type,
                                                           const nlohmann::json& payload);

}  // namespace mp::notification::events

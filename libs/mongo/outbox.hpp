#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/mongo/database.hpp"
#include "libs/mongo/document.hpp"

// The transactional outbox on MongoDB without multi-document transactions (FerretDB v1 has none): a state
// change and its events are ONE write to ONE document, the events appended to that document's `outbox`
// array. A write to one document is atomic on MongoDB; on FerretDB v1 it is only when every update of the
// document increments its `version` (see Collection::UpdateOne), so every write to a document with an
// outbox does — the relay's `$pull` too. EmbeddedOutbox finds documents
// with an `outbox.event_id` (sparse index `outbox_pending`, see EnsureIndexes), publishes the entries with
// confirms and removes each finished one — published, or dropped (no subscriber; refused kMaxRefusals times)
// — with `$pull` of the whole entry (FerretDB v1.24 ignores `$pull` conditions on an entry's fields); the
// relay's metrics count how each ended (ADR 0010). Delivery is at least once (a crash between the confirm and
// the `$pull`, or two replicas' relays seeing the same entry, publishes it again), so consumers deduplicate
// by event_id.
//
//   bus::Event event = bus::MakeEvent("user_events", "profile.updated", {{"user_id", id}, ...});
//   profiles.UpdateOne(Document{{"_id", id}},
//                      Document{{"$set", Document{{"bio", bio}, {mongo::kPendingField, true}}},
//                               {"$inc", Document{{"version", std::int64_t{1}}}},
//                               {"$push", Document{{mongo::kOutboxField, mongo::OutboxEntry(event)}}}});
//   relay.Notify();
//   // An inserted document carries its events from the start:
//   Document review{{"_id", id}, ...};
//   mongo::AppendOutbox(review, {event});
//   reviews.InsertOne(review);
//   // Several events in one update: {"$push", Document{{kOutboxField, Document{{"$each",
//   OutboxEntries(events)}}}}}
//
// Read paths should project the field away (or ignore it): it is not part of any API shape.
// The relay: bus::OutboxRelay relay(std::make_unique<mongo::EmbeddedOutbox>(database,
//                                       std::vector<std::string>{"customer_profiles", "provider_profiles"}),
//                                       amqp);
namespace mp::mongo {

inline constexpr const char* kOutboxField = "outbox";
// `outbox_pending: true` marks a document that may hold entries: every write that adds entries sets it,
// and the relay unsets it once the outbox is empty. The relay looks documents up by it (an indexed
// equality that FerretDB pushes down to PostgreSQL; `outbox.event_id: {$exists: true}` made FerretDB read
// and decode the whole collection on every relay pass and every metrics scrape).
inline constexpr const char* kPendingField = "outbox_pending";

// One outbox entry: {event_id, exchange, routing_key, body (the JSON text), created_at}.
Document OutboxEntry(const bus::Event& event);
Array OutboxEntries(const std::vector<bus::Event>& events);
// For a document about to be inserted: `events` as its outbox, and the pending mark when there are any.
void AppendOutbox(Document& document, const std::vector<bus::Event>& events);

class EmbeddedOutbox : public bus::OutboxSource {
 public:
  EmbeddedOutbox(Database& database, std::vector<std::string> collections);

  // Relay options for a service whose every write of outbox entries is followed by relay.Notify(): idle
  // polls back off to 5 s, since each one scans whole collections on FerretDB/SQLite (a third of a core at
  // idle with a few hundred documents at 500 ms); the poll then only finds what a crashed process left.
  static bus::RelayOptions NotifiedRelayOptions() { return {.idle_poll_interval = std::chrono::seconds(5)}; }

  // A sparse index on the pending mark in each collection, so that finding pending events never scans a
  // whole collection; documents with entries but no mark (written before the mark existed) get it. Call it
  // where the service creates its own indexes (idempotent).
  static void EnsureIndexes(Database& database, const std::vector<std::string>& collections);

  bus::OutboxBatch PublishBatch(bus::ConfirmPublisher& publisher, std::size_t limit) override;
  bus::OutboxGauges Measure() override;

 private:
  Database& database_;
  std::vector<std::string> collections_;
  // event_id → how often the broker refused an entry and when to try it again (kept in memory: after a
  // restart such an entry is simply tried at once, its count started afresh).
  struct Refused {
    std::chrono::steady_clock::time_point until;
    std::int64_t refusals = 0;
  };
  std::map<std::string, Refused> refused_;
  void ForgetExpired(std::chrono::steady_clock::time_point now);  // bounds refused_
};

}  // namespace mp::mongo

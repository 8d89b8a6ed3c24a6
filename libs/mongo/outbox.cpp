#include "libs/mongo/outbox.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <utility>

namespace mp::mongo {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxRememberedRefused = 10'000;

Document PendingFilter() { return Document{{kPendingField, true}}; }

// The entry exactly as OutboxEntry wrote it, rebuilt from its JSON view. `$pull` removes it by whole-value
// equality: FerretDB v1.24 ignores a `$pull` condition on a field of the entry (MongoDB accepts both).
Document StoredEntry(const nlohmann::json& entry) {
  return Document{{"event_id", entry.value("event_id", std::string())},
                  {"exchange", entry.value("exchange", std::string())},
                  {"routing_key", entry.value("routing_key", std::string())},
                  {"body", entry.value("body", std::string())},
                  {"created_at", TimeFromMillis(entry.value("created_at", std::int64_t{0}))}};
}

// The document by its `_id` (an integer or a string: every collection with an outbox has one of those), or
// empty for another kind of `_id`. FerretDB 1.24 on PostgreSQL matches no document in an update whose filter
// reaches into an array (`outbox.event_id`), so the entry's own document is addressed by `_id`.
Document OwnerFilter(const nlohmann::json& document) {
  auto id = document.find("_id");
  if (id == document.end()) return {};
  if (id->is_number_integer()) return Document{{"_id", id->get<std::int64_t>()}};
  if (id->is_string()) return Document{{"_id", id->get<std::string>()}};
  return {};
}

}  // namespace

Document OutboxEntry(const bus::Event& event) {
  return Document{{"event_id", event.event_id},
                  {"exchange", event.exchange},
                  {"routing_key", event.routing_key},
                  {"body", event.body.dump()},
                  {"created_at", time::Now()}};
}

Array OutboxEntries(const std::vector<bus::Event>& events) {
  Array entries;
  for (const bus::Event& event : events) entries.Append(OutboxEntry(event));
  return entries;
}

void AppendOutbox(Document& document, const std::vector<bus::Event>& events) {
  document.Append(kOutboxField, OutboxEntries(events));
  if (!events.empty()) document.Append(kPendingField, true);
}

EmbeddedOutbox::EmbeddedOutbox(Database& database, std::vector<std::string> collections)
    : database_(database), collections_(std::move(collections)) {}

void EmbeddedOutbox::EnsureIndexes(Database& database, const std::vector<std::string>& collections) {
  for (const std::string& name : collections) {
    auto collection = database.collection(name);
    collection.CreateIndexes(
        {{.name = "outbox_pending_mark", .keys = Document{{kPendingField, 1}}, .sparse = true}});
    // One scan at start-up for documents written before the mark existed.
    collection.UpdateMany(Document{{"outbox.event_id", Document{{"$exists", true}}},
                                   {kPendingField, Document{{"$exists", false}}}},
                          Document{{"$set", Document{{kPendingField, true}}},
                                   {"$inc", Document{{"version", std::int64_t{1}}}}});
  }
}

bus::OutboxBatch EmbeddedOutbox::PublishBatch(bus::ConfirmPublisher& publisher, std::size_t limit) {
  struct Taken {
    std::string collection;
    std::string event_id;
    Document entry;
    Document owner;  // a filter for the document holding the entry
  };
  bus::OutboxBatch result;
  std::vector<bus::OutgoingMessage> messages;
  std::vector<Taken> taken;
  // The documents found, by collection and `_id`: their mark goes once their outbox is empty.
  std::map<std::pair<std::string, std::string>, Document> found;
  const auto now = SteadyClock::now();
  for (const std::string& name : collections_) {
    // Entries waiting for a later attempt are skipped, and the next page read, so that many of them (events
    // the broker refused) never hold back the others.
    FindOptions options;
    options.projection = Document{{kOutboxField, 1}};
    while (messages.size() < limit) {
      options.limit = static_cast<std::int64_t>(limit - messages.size());
      auto documents = database_.collection(name).Find(PendingFilter(), options);
      for (const nlohmann::json& document : documents) {
        auto entries = document.find(kOutboxField);
        if (entries == document.end() || !entries->is_array()) continue;
        const Document owner = OwnerFilter(document);
        if (!owner.empty()) found.emplace(std::make_pair(name, document["_id"].dump()), owner);
        for (const nlohmann::json& entry : *entries) {
          if (!entry.is_object()) continue;
          std::string event_id = entry.value("event_id", std::string());
          if (event_id.empty()) continue;
          if (auto later = refused_.find(event_id); later != refused_.end() && later->second.until > now) {
            continue;
          }
          std::string routing_key = entry.value("routing_key", std::string());
          messages.push_back(bus::OutgoingMessage{.exchange = entry.value("exchange", std::string()),
                                                  .routing_key = routing_key,
                                                  .message_id = event_id,
                                                  .type = routing_key,
                                                  .body = entry.value("body", std::string())});
          Document filter = owner.empty() ? Document{{"outbox.event_id", event_id}} : owner;
          taken.push_back(Taken{name, std::move(event_id), StoredEntry(entry), std::move(filter)});
        }
      }
      if (static_cast<std::int64_t>(documents.size()) < options.limit) break;  // the last page
      options.skip += static_cast<std::int64_t>(documents.size());
    }
    if (messages.size() >= limit) break;
  }
  result.taken = messages.size();
  // Unmarks the documents found whose outbox is empty now (the filter decides; a write in between that
  // added entries is seen by the update's own read).
  auto unmark_emptied = [&] {
    for (const auto& [where, owner] : found) {
      Document filter = owner;
      filter.Append(kOutboxField, Document{{"$size", 0}});
      database_.collection(where.first)
          .UpdateOne(filter, Document{{"$unset", Document{{kPendingField, ""}}},
                                      {"$inc", Document{{"version", std::int64_t{1}}}}});
    }
  };
  if (messages.empty()) {
    unmark_emptied();  // marks left by a crash between the last $pull and this
    return result;
  }

  // Throws when the broker is unreachable; every entry then stays in its document.
  std::vector<bus::PublishOutcome> outcomes = publisher.Publish(messages);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string& event_id = taken[i].event_id;
    auto refused = refused_.find(event_id);
    const bus::Settlement settled =
        result.Settle(messages[i], outcomes[i], refused == refused_.end() ? 0 : refused->second.refusals);
    switch (settled.kind) {
      case bus::Settlement::Kind::kPublished:
      case bus::Settlement::Kind::kDropped:
        // Either way the entry leaves its document; how it ended is in the log and the metrics.
        database_.collection(taken[i].collection)
            .UpdateOne(taken[i].owner, Document{{"$pull", Document{{kOutboxField, taken[i].entry}}},
                                                {"$inc", Document{{"version", std::int64_t{1}}}}});
        if (refused != refused_.end()) refused_.erase(refused);
        break;
      case bus::Settlement::Kind::kRetryLater: {
        if (refused_.size() >= kMaxRememberedRefused) ForgetExpired(now);
        Refused& state = refused_[event_id];
        ++state.refusals;
        state.until = now + settled.retry_in;
        break;
      }
      case bus::Settlement::Kind::kKeep: break;
    }
  }
  unmark_emptied();
  return result;
}

// Entries whose wait is over are tried at the next poll anyway; forgetting them only restarts their count.
// If every remembered entry still waits (a flood of refused events), the first half goes.
void EmbeddedOutbox::ForgetExpired(SteadyClock::time_point now) {
  std::erase_if(refused_, [now](const auto& item) { return item.second.until <= now; });
  if (refused_.size() < kMaxRememberedRefused) return;
  auto middle = refused_.begin();
  std::advance(middle, refused_.size() / 2);
  refused_.erase(refused_.begin(), middle);
}

bus::OutboxGauges EmbeddedOutbox::Measure() {
  bus::OutboxGauges gauges;
  std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
  for (const std::string& name : collections_) {
    FindOptions options;
    options.projection = Document{{kOutboxField, 1}};
    for (const nlohmann::json& document : database_.collection(name).Find(PendingFilter(), options)) {
      auto entries = document.find(kOutboxField);
      if (entries == document.end() || !entries->is_array()) continue;
      for (const nlohmann::json& entry : *entries) {
        ++gauges.backlog;
        if (auto created = entry.find("created_at"); created != entry.end() && created->is_number_integer()) {
          oldest = std::min(oldest, created->get<std::int64_t>());
        }
      }
    }
  }
  if (oldest != std::numeric_limits<std::int64_t>::max()) {
    auto age = time::Now() - TimeFromMillis(oldest);
    gauges.oldest_age_seconds = std::max(0.0, std::chrono::duration<double>(age).count());
  }
  return gauges;
}

}  // namespace mp::mongo

#include "services/notification/src/store/inbox_store.hpp"

#include <vector>

namespace mp::notification::store {

using domain::Inbox;
using mongo::Document;

namespace {

domain::Notification FromDocument(Inbox inbox, const nlohmann::json& doc) {
  domain::Notification n;
  n.id = doc.at("_id").get<std::string>();
  n.inbox = inbox;
  n.recipient_id = doc.at(std::string(RecipientField(inbox))).get<std::int64_t>();
  const auto& order = doc.at("order_id");
  if (!order.is_null()) n.order_id = order.get<std::int64_t>();
  n.message = doc.at("message").get<std::string>();
  n.created_at = mongo::TimeFromMillis(doc.at("created_at").get<std::int64_t>());
  n.is_read = doc.at("is_read").get<bool>();
  return n;
}

Document Owner(Inbox inbox, std::int64_t recipient_id) {
  return Document{{RecipientField(inbox), recipient_id}};
}

}  // namespace

std::string_view CollectionName(Inbox inbox) {
  return inbox == Inbox::kCustomer ? "customer_inbox" : "provider_inbox";
}

std::string_view RecipientField(Inbox inbox) {
  return inbox == Inbox::kCustomer ? "customer_id" : "provider_id";
}

InboxStore::InboxStore(mongo::Database& database) : database_(database) {}

mongo::Collection InboxStore::Collection(Inbox inbox) {
  return database_.collection(std::string(CollectionName(inbox)));
}

void InboxStore::EnsureIndexes() {
  for (Inbox inbox : {Inbox::kCustomer, Inbox::kProvider}) {
    const std::string_view recipient = RecipientField(inbox);
    std::vector<mongo::IndexSpec> indexes = {
        // The inbox page, newest first.
        {"recipient_created_at", Document{{recipient, 1}, {"created_at", -1}}, false},
        // Unread counts and read-all.
        {"recipient_is_read", Document{{recipient, 1}, {"is_read", 1}}, false},
        // Exactly once per inbox, whatever the number of replicas or redeliveries.
        {"event_recipient_unique", Document{{"event_id", 1}, {recipient, 1}}, true},
        // The retention sweep.
        {"is_read_read_at", Document{{"is_read", 1}, {"read_at", 1}}, false},
    };
    Collection(inbox).CreateIndexes(indexes);
  }
}

std::optional<domain::Notification> InboxStore::Add(const domain::Notice& notice, std::string_view event_id,
                                                    std::string_view event_type, time::TimePoint now) {
  auto id = mongo::ObjectId::Generate();
  // Millisecond precision, as stored, so the returned entry equals what a later read gives.
  auto created_at = mongo::TimeFromMillis(time::ToUnixMillis(now));
  Document document{{"_id", id},
                    {"event_id", event_id},
                    {"event_type", event_type},
                    {RecipientField(notice.inbox), notice.recipient_id},
                    {"order_id", notice.order_id},
                    {"message", notice.message},
                    {"created_at", created_at},
                    {"is_read", false}};
  try {
    Collection(notice.inbox).InsertOne(document);
  } catch (const mongo::Error& error) {
    if (error.duplicate_key()) return std::nullopt;
    throw;
  }
  return domain::Notification{
      id.ToString(), notice.inbox, notice.recipient_id, notice.order_id, notice.message, created_at, false};
}

std::optional<domain::Notification> InboxStore::FromEvent(Inbox inbox, std::int64_t recipient_id,
                                                          std::string_view event_id) {
  auto doc =
      Collection(inbox).FindOne(Document{{"event_id", event_id}, {RecipientField(inbox), recipient_id}});
  if (!doc) return std::nullopt;
  return FromDocument(inbox, *doc);
}

domain::InboxPage InboxStore::List(Inbox inbox, std::int64_t recipient_id, std::int64_t limit,
                                   std::int64_t offset) {
  auto collection = Collection(inbox);
  mongo::FindOptions options;
  options.sort = Document{{"created_at", -1}, {"_id", -1}};
  options.skip = offset;
  options.limit = limit;
  domain::InboxPage page;
  for (const auto& doc : collection.Find(Owner(inbox, recipient_id), options)) {
    page.items.push_back(FromDocument(inbox, doc));
  }
  page.total = collection.Count(Owner(inbox, recipient_id));
  return page;
}

std::int64_t InboxStore::CountUnread(Inbox inbox, std::int64_t recipient_id) {
  return Collection(inbox).Count(Document{{RecipientField(inbox), recipient_id}, {"is_read", false}});
}

std::vector<domain::Notification> InboxStore::All(Inbox inbox, std::int64_t recipient_id) {
  std::vector<domain::Notification> entries;
  for (const auto& doc : Collection(inbox).Find(Owner(inbox, recipient_id))) {
    entries.push_back(FromDocument(inbox, doc));
  }
  return entries;
}

std::optional<domain::Notification> InboxStore::MarkRead(Inbox inbox, std::int64_t recipient_id,
                                                         const mongo::ObjectId& id, time::TimePoint now) {
  auto collection = Collection(inbox);
  // The owner is part of every filter: someone else's id is simply not found.
  collection.UpdateOne(Document{{"_id", id}, {RecipientField(inbox), recipient_id}, {"is_read", false}},
                       Document{{"$set", Document{{"is_read", true}, {"read_at", now}}}});
  auto doc = collection.FindOne(Document{{"_id", id}, {RecipientField(inbox), recipient_id}});
  if (!doc) return std::nullopt;
  return FromDocument(inbox, *doc);
}

std::int64_t InboxStore::MarkAllRead(Inbox inbox, std::int64_t recipient_id, time::TimePoint now) {
  auto result =
      Collection(inbox).UpdateMany(Document{{RecipientField(inbox), recipient_id}, {"is_read", false}},
                                   Document{{"$set", Document{{"is_read", true}, {"read_at", now}}}});
  return result.modified;
}

std::vector<domain::Notification> InboxStore::PurgeReadBefore(time::TimePoint cutoff) {
  // Which entries go, then the same filter deleted: an entry qualifies only by having been read before
  // the cutoff, which no write can newly make true, so the two sets agree (the caller drops them from the
  // Redis views by id).
  std::vector<domain::Notification> removed;
  const Document expired{{"is_read", true}, {"read_at", Document{{"$lt", cutoff}}}};
  for (Inbox inbox : {Inbox::kCustomer, Inbox::kProvider}) {
    auto collection = Collection(inbox);
    mongo::FindOptions options;
    options.projection = Document{{"_id", 1}, {RecipientField(inbox), 1}};
    std::vector<domain::Notification> found;
    for (const auto& doc : collection.Find(expired, options)) {
      domain::Notification n;
      n.id = doc.at("_id").get<std::string>();
      n.inbox = inbox;
      n.recipient_id = doc.at(std::string(RecipientField(inbox))).get<std::int64_t>();
      found.push_back(std::move(n));
    }
    if (found.empty()) continue;
    collection.DeleteMany(expired);
    removed.insert(removed.end(), found.begin(), found.end());
  }
  return removed;
}

}  // namespace mp::notification::store

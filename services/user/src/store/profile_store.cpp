#include "services/user/src/store/profile_store.hpp"

#include <utility>

#include "libs/core/log.hpp"
#include "libs/mongo/outbox.hpp"

namespace mp::user::store {

using domain::CustomerProfile;
using domain::ProviderProfile;
using mongo::Array;
using mongo::Document;
using Json = nlohmann::json;

namespace {

// How often a deletion re-reads a profile that changed between its read and its delete.
constexpr int kDeleteAttempts = 20;

Array Strings(const std::vector<std::string>& values) {
  Array array;
  for (const auto& value : values) array.Append(value);
  return array;
}

std::vector<std::string> StringsOf(const Json& doc, const char* field) {
  std::vector<std::string> values;
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_array()) return values;
  for (const auto& value : *it) {
    if (value.is_string()) values.push_back(value.get<std::string>());
  }
  return values;
}

std::optional<std::string> OptString(const Json& doc, const char* field) {
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<time::TimePoint> OptTime(const Json& doc, const char* field) {
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_number_integer()) return std::nullopt;
  return mongo::TimeFromMillis(it->get<std::int64_t>());
}

Document ById(std::int64_t user_id) { return Document{{"_id", user_id}}; }

// What the API reads: the outbox and the search keys stay inside.
mongo::FindOptions ProfileFields() {
  mongo::FindOptions options;
  options.projection = Document{{mongo::kOutboxField, 0}, {"skill_keys", 0}};
  return options;
}

// A new profile's document: its ids, the fields of its kind, then what every profile keeps: its times,
// version 1 and the outbox holding `events`.
template <class Profile>
Document NewDocument(const Profile& p,
                     std::initializer_list<std::pair<std::string_view, mongo::Value>> fields,
                     const std::vector<bus::Event>& events) {
  Document document{{"_id", p.user_id}, {"user_id", p.user_id}};
  for (const auto& [key, value] : fields) document.Append(key, value);
  document.Append("created_at", p.created_at.value_or(time::Now()));
  document.Append("updated_at", p.updated_at.value_or(time::Now()));
  document.Append("version", std::int64_t{1});
  mongo::AppendOutbox(document, events);
  return document;
}

Document CustomerDocument(const CustomerProfile& p, const std::vector<bus::Event>& events) {
  return NewDocument(
      p, {{"location", p.location}, {"address", p.address}, {"budget_preference_cents", p.budget_preference}},
      events);
}

Document ProviderDocument(const ProviderProfile& p, const std::vector<bus::Event>& events) {
  return NewDocument(p,
                     {{"skills", Strings(p.skills)},
                      {"skill_keys", Strings(domain::SkillKeys(p.skills))},
                      {"experience_years", p.experience_years},
                      {"hourly_rate_cents", p.hourly_rate},
                      {"availability", p.availability},
                      {"portfolio", Strings(p.portfolio)},
                      {"service_areas", Strings(p.service_areas)},
                      {"rating", p.rating},
                      {"total_reviews", p.total_reviews}},
                     events);
}

Document CustomerSet(const domain::CustomerChanges& c, time::TimePoint now) {
  Document set;
  if (c.location) set.Append("location", *c.location);
  if (c.address) set.Append("address", *c.address);
  if (c.budget_preference) set.Append("budget_preference_cents", *c.budget_preference);
  set.Append("updated_at", now);
  return set;
}

Document ProviderSet(const domain::ProviderChanges& c, time::TimePoint now) {
  Document set;
  if (c.skills) {
    set.Append("skills", Strings(*c.skills));
    set.Append("skill_keys", Strings(domain::SkillKeys(*c.skills)));
  }
  if (c.experience_years) set.Append("experience_years", *c.experience_years);
  if (c.hourly_rate) set.Append("hourly_rate_cents", *c.hourly_rate);
  if (c.availability) set.Append("availability", *c.availability);
  if (c.portfolio) set.Append("portfolio", Strings(*c.portfolio));
  if (c.service_areas) set.Append("service_areas", Strings(*c.service_areas));
  set.Append("updated_at", now);
  return set;
}

// One write of a user's profile: the change, version + 1, and the event appended to the document's outbox.
// False when the user has no such profile.
bool Change(mongo::Collection collection, std::int64_t user_id, Document set, const bus::Event& event) {
  set.Append(mongo::kPendingField, true);
  auto result = collection.UpdateOne(
      ById(user_id), Document{{"$set", std::move(set)},
                              {"$inc", Document{{"version", std::int64_t{1}}}},
                              {"$push", Document{{mongo::kOutboxField, mongo::OutboxEntry(event)}}}});
  return result.matched > 0;
}

}  // namespace

std::vector<std::string> OutboxCollections() { return {kCustomerProfiles, kProviderProfiles, kDeletedUsers}; }

CustomerProfile CustomerFromDocument(const Json& doc) {
  CustomerProfile p;
  p.user_id = doc.at("user_id").get<std::int64_t>();
  p.location = doc.at("location").get<std::string>();
  p.address = OptString(doc, "address");
  p.budget_preference = doc.value("budget_preference_cents", std::int64_t{0});
  p.created_at = OptTime(doc, "created_at");
  p.updated_at = OptTime(doc, "updated_at");
  return p;
}

ProviderProfile ProviderFromDocument(const Json& doc) {
  ProviderProfile p;
  p.user_id = doc.at("user_id").get<std::int64_t>();
  p.skills = StringsOf(doc, "skills");
  p.experience_years = doc.value("experience_years", std::int64_t{0});
  p.hourly_rate = doc.value("hourly_rate_cents", std::int64_t{0});
  p.availability = OptString(doc, "availability");
  p.portfolio = StringsOf(doc, "portfolio");
  p.service_areas = StringsOf(doc, "service_areas");
  auto rating = doc.find("rating");
  p.rating = rating != doc.end() && rating->is_number() ? rating->get<double>() : domain::kDefaultRating;
  p.total_reviews = doc.value("total_reviews", std::int64_t{0});
  p.created_at = OptTime(doc, "created_at");
  p.updated_at = OptTime(doc, "updated_at");
  return p;
}

ProfileStore::ProfileStore(mongo::Database& database) : database_(database) {}

void ProfileStore::EnsureIndexes() {
  database_.collection(kCustomerProfiles)
      .CreateIndexes({{.name = "user_id_unique", .keys = Document{{"user_id", 1}}, .unique = true}});
  database_.collection(kProviderProfiles)
      .CreateIndexes({
          {.name = "user_id_unique", .keys = Document{{"user_id", 1}}, .unique = true},
          // The search: rating descending, then user_id; skills any-of.
          {.name = "rating_user_id", .keys = Document{{"rating", -1}, {"user_id", 1}}},
          {.name = "skill_keys", .keys = Document{{"skill_keys", 1}}},
      });
  mongo::EmbeddedOutbox::EnsureIndexes(database_, OutboxCollections());
}

std::optional<CustomerProfile> ProfileStore::FindCustomer(std::int64_t user_id) {
  auto doc = database_.collection(kCustomerProfiles).FindOne(ById(user_id), ProfileFields());
  if (!doc) return std::nullopt;
  return CustomerFromDocument(*doc);
}

std::optional<ProviderProfile> ProfileStore::FindProvider(std::int64_t user_id) {
  auto doc = database_.collection(kProviderProfiles).FindOne(ById(user_id), ProfileFields());
  if (!doc) return std::nullopt;
  return ProviderFromDocument(*doc);
}

bool ProfileStore::IsDeleted(std::int64_t user_id) {
  mongo::FindOptions options;
  options.projection = Document{{"_id", 1}};
  return database_.collection(kDeletedUsers).FindOne(ById(user_id), options).has_value();
}

CreateResult ProfileStore::Create(mongo::Collection collection, std::int64_t user_id,
                                  const Document& document) {
  if (IsDeleted(user_id)) return CreateResult::kUserDeleted;
  try {
    collection.InsertOne(document);
  } catch (const mongo::Error& error) {
    if (error.duplicate_key()) return CreateResult::kExists;
    throw;
  }
  // The deletion may have run between the check and the insert: it left its tombstone before looking for
  // profiles, so one of the two sees the other and nothing of a deleted user stays.
  if (IsDeleted(user_id)) {
    collection.DeleteMany(ById(user_id));
    return CreateResult::kUserDeleted;
  }
  return CreateResult::kCreated;
}

CreateResult ProfileStore::CreateCustomer(const CustomerProfile& profile,
                                          const std::vector<bus::Event>& events) {
  return Create(database_.collection(kCustomerProfiles), profile.user_id, CustomerDocument(profile, events));
}

CreateResult ProfileStore::CreateProvider(const ProviderProfile& profile,
                                          const std::vector<bus::Event>& events) {
  return Create(database_.collection(kProviderProfiles), profile.user_id, ProviderDocument(profile, events));
}

std::optional<CustomerProfile> ProfileStore::UpdateCustomer(std::int64_t user_id,
                                                            const domain::CustomerChanges& changes,
                                                            time::TimePoint now, const bus::Event& event) {
  if (Change(database_.collection(kCustomerProfiles), user_id, CustomerSet(changes, now), event))
    return FindCustomer(user_id);
  return std::nullopt;
}

std::optional<ProviderProfile> ProfileStore::UpdateProvider(std::int64_t user_id,
                                                            const domain::ProviderChanges& changes,
                                                            time::TimePoint now, const bus::Event& event) {
  if (Change(database_.collection(kProviderProfiles), user_id, ProviderSet(changes, now), event))
    return FindProvider(user_id);
  return std::nullopt;
}

RatingResult ProfileStore::ApplyRating(std::int64_t provider_id, double rating, std::int64_t total_reviews,
                                       const ProviderProfile& if_missing, const bus::Event& created) {
  auto collection = database_.collection(kProviderProfiles);
  // Twice at most: a profile created between the update and the insert is updated on the second round.
  for (int round = 0; round < 2; ++round) {
    auto result = collection.UpdateOne(
        Document{{"_id", provider_id}, {"total_reviews", Document{{"$lt", total_reviews}}}},
        Document{{"$set", Document{{"rating", rating}, {"total_reviews", total_reviews}}},
                 {"$inc", Document{{"version", std::int64_t{1}}}}});
    if (result.matched > 0) return RatingResult::kApplied;
    mongo::FindOptions options;
    options.projection = Document{{"_id", 1}};
    if (collection.FindOne(ById(provider_id), options)) return RatingResult::kStale;
    switch (CreateProvider(if_missing, {created})) {
      case CreateResult::kCreated: return RatingResult::kCreated;
      case CreateResult::kUserDeleted: return RatingResult::kUserDeleted;
      case CreateResult::kExists: break;
    }
  }
  return RatingResult::kStale;
}

std::int64_t ProfileStore::RemoveSavingOutbox(mongo::Collection collection, std::int64_t user_id) {
  mongo::FindOptions options;
  options.projection = Document{{"version", 1}, {mongo::kOutboxField, 1}};
  for (int attempt = 0; attempt < kDeleteAttempts; ++attempt) {
    auto doc = collection.FindOne(ById(user_id), options);
    if (!doc) return 0;
    // Events the relay has not published yet would vanish with the document: they move to the tombstone
    // first (one the relay already published may go out twice; consumers deduplicate by event_id).
    Array saved;
    if (auto entries = doc->find(mongo::kOutboxField); entries != doc->end() && entries->is_array()) {
      for (const auto& entry : *entries) {
        auto body = Json::parse(entry.value("body", std::string()), nullptr, false);
        if (body.is_discarded() || !entry.contains("event_id")) {
          log::Error("unreadable outbox entry dropped",
                     {{"collection", collection.name()}, {"user_id", user_id}});
          continue;
        }
        saved.Append(mongo::OutboxEntry(
            bus::Event{entry.value("event_id", std::string()), entry.value("exchange", std::string()),
                       entry.value("routing_key", std::string()), std::move(body)}));
      }
    }
    if (saved.size() > 0) {
      database_.collection(kDeletedUsers)
          .UpdateOne(
              ById(user_id),
              Document{{"$push", Document{{mongo::kOutboxField, Document{{"$each", std::move(saved)}}}}},
                       {"$set", Document{{mongo::kPendingField, true}}},
                       {"$inc", Document{{"version", std::int64_t{1}}}}});
    }
    // Only the version read above: a change in between (with new events) is read again.
    std::int64_t version = doc->value("version", std::int64_t{0});
    if (collection.DeleteMany(Document{{"_id", user_id}, {"version", version}}) > 0) return 1;
  }
  throw std::runtime_error("profile of user " + std::to_string(user_id) + " in " + collection.name() +
                           " kept changing during its deletion");
}

std::int64_t ProfileStore::DeleteUser(std::int64_t user_id, time::TimePoint now) {
  try {
    database_.collection(kDeletedUsers)
        .InsertOne(Document{{"_id", user_id},
                            {"user_id", user_id},
                            {"deleted_at", now},
                            {"version", std::int64_t{0}},
                            {mongo::kOutboxField, Array{}}});
  } catch (const mongo::Error& error) {
    if (!error.duplicate_key()) throw;  // deleted before: finish the job all the same
  }
  return RemoveSavingOutbox(database_.collection(kCustomerProfiles), user_id) +
         RemoveSavingOutbox(database_.collection(kProviderProfiles), user_id);
}

ProfileOwners ProfileStore::Owners(const std::vector<std::int64_t>& user_ids) {
  ProfileOwners owners;
  if (user_ids.empty()) return owners;
  Array ids;
  for (auto id : user_ids) ids.Append(id);
  mongo::FindOptions options;
  options.projection = Document{{"_id", 1}};
  Document filter{{"_id", Document{{"$in", ids}}}};
  for (const auto& doc : database_.collection(kCustomerProfiles).Find(filter, options)) {
    owners.customers.insert(doc.at("_id").get<std::int64_t>());
  }
  for (const auto& doc : database_.collection(kProviderProfiles).Find(filter, options)) {
    owners.providers.insert(doc.at("_id").get<std::int64_t>());
  }
  return owners;
}

SearchResult ProfileStore::SearchProviders(const domain::ProviderSearch& search) {
  Document filter;
  if (!search.skill_keys.empty()) filter.Append("skill_keys", Document{{"$in", Strings(search.skill_keys)}});
  if (search.min_rating) filter.Append("rating", Document{{"$gte", *search.min_rating}});
  if (search.max_hourly_rate) filter.Append("hourly_rate_cents", Document{{"$lte", *search.max_hourly_rate}});
  if (search.location) filter.Append("service_areas", *search.location);
  auto collection = database_.collection(kProviderProfiles);
  auto options = ProfileFields();
  options.sort = Document{{"rating", -1}, {"user_id", 1}};
  options.skip = search.offset;
  options.limit = search.limit;
  SearchResult result;
  for (const auto& doc : collection.Find(filter, options)) result.items.push_back(ProviderFromDocument(doc));
  result.total = collection.Count(filter);
  return result;
}

}  // namespace mp::user::store

#include "services/user/src/events/profile_events.hpp"

#include <cmath>
#include <utility>

#include "libs/core/log.hpp"
#include "libs/mongo/error.hpp"
#include "services/user/src/events/profile_shape.hpp"

namespace mp::user::events {
namespace {

using domain::ProfileType;
using Json = nlohmann::json;

bus::Event Make(std::string_view routing_key, ProfileType type, std::int64_t user_id, time::TimePoint at,
                std::string_view source, Json fields) {
  fields["user_id"] = user_id;
  fields["role_id"] = domain::RoleOf(type);
  fields["profile_type"] = domain::ProfileTypeName(type);
  fields["source"] = source;
  fields["occurred_at"] = time::FormatIso(at);
  return bus::MakeEvent(std::string(kExchange), std::string(routing_key), std::move(fields));
}

Json ChangedFieldsJson(const domain::CustomerChanges& c) {
  Json fields = Json::object();
  if (c.location) fields["location"] = *c.location;
  if (c.address) fields["address"] = *c.address;
  if (c.budget_preference) fields["budget_preference"] = money::ToDouble(*c.budget_preference);
  return fields;
}

Json ChangedFieldsJson(const domain::ProviderChanges& c) {
  Json fields = Json::object();
  if (c.skills) fields["skills"] = *c.skills;
  if (c.experience_years) fields["experience_years"] = *c.experience_years;
  if (c.hourly_rate) fields["hourly_rate"] = money::ToDouble(*c.hourly_rate);
  if (c.availability) fields["availability"] = *c.availability;
  if (c.portfolio) fields["portfolio"] = *c.portfolio;
  if (c.service_areas) fields["service_areas"] = *c.service_areas;
  return fields;
}

[[noreturn]] void Poison(const bus::Event& event, const std::string& why) {
  throw bus::Poison(event.routing_key + " " + event.event_id + ": " + why);
}

// A JSON integer field in [min, max] (not 5.0, "5" or true).
std::int64_t IntField(const bus::Event& event, const char* field, std::int64_t min, std::int64_t max) {
  auto it = event.body.find(field);
  if (it == event.body.end() || it->is_null()) Poison(event, std::string("no ") + field);
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
    Poison(event, std::string(field) + " is not an integer");
  }
  auto value = it->get<std::int64_t>();
  if (value < min || value > max) Poison(event, std::string(field) + " is out of range");
  return value;
}

std::int64_t UserId(const bus::Event& event, const char* field) {
  return IntField(event, field, 1, INT64_MAX);
}

// The review service's average: `average_rating` (reference §12.2), or `rating`.
double RatingField(const bus::Event& event) {
  for (const char* field : {"average_rating", "rating"}) {
    auto it = event.body.find(field);
    if (it == event.body.end() || it->is_null()) continue;
    if (!it->is_number()) Poison(event, std::string(field) + " is not a number");
    double value = it->get<double>();
    if (!std::isfinite(value) || value < 0 || value > domain::kMaxRating) {
      Poison(event, std::string(field) + " is out of range");
    }
    return value;
  }
  Poison(event, "no average_rating");
}

}  // namespace

bus::Event CustomerCreated(const domain::CustomerProfile& profile, std::string_view source) {
  return Make("profile.created", ProfileType::kCustomer, profile.user_id,
              profile.created_at.value_or(time::Now()), source, {{"profile", CustomerJson(profile)}});
}

bus::Event ProviderCreated(const domain::ProviderProfile& profile, std::string_view source) {
  return Make("profile.created", ProfileType::kProvider, profile.user_id,
              profile.created_at.value_or(time::Now()), source, {{"profile", ProviderJson(profile)}});
}

bus::Event ProfileUpdated(std::int64_t user_id, const domain::CustomerChanges& changes, time::TimePoint at,
                          std::string_view source) {
  return Make("profile.updated", ProfileType::kCustomer, user_id, at, source,
              {{"updated_fields", ChangedFieldsJson(changes)}});
}

bus::Event ProfileUpdated(std::int64_t user_id, const domain::ProviderChanges& changes, time::TimePoint at,
                          std::string_view source) {
  return Make("profile.updated", ProfileType::kProvider, user_id, at, source,
              {{"updated_fields", ChangedFieldsJson(changes)}});
}

bus::QueueSpec IncomingQueue(const QueueNames& names) {
  return {.queue = names.queue,
          .bindings = {{names.auth_exchange, "user.registered"},
                       {names.auth_exchange, "user.updated"},
                       {names.auth_exchange, "user.deleted"},
                       {names.review_exchange, "rating.updated"}}};
}

EventHandler::EventHandler(store::ProfileStore& store, std::function<void()> notify)
    : store_(store), notify_(std::move(notify)) {}

void EventHandler::Handle(const bus::Event& event) {
  try {
    const auto& key = event.routing_key;
    if (key == "user.registered" || key == "user.updated") {
      EnsureProfile(event, UserId(event, "user_id"), IntField(event, "role_id", INT64_MIN, INT64_MAX));
    } else if (key == "user.deleted") {
      Delete(event, UserId(event, "user_id"));
    } else if (key == "rating.updated") {
      Rating(event);
    } else {
      ++events_without_effect_;
      log::Debug("event ignored", {{"event_id", event.event_id}, {"event_type", key}});
    }
  } catch (const mongo::Error& error) {
    if (error.unavailable()) throw bus::RetryLater(error.what());
    throw;
  }
}

void EventHandler::EnsureProfile(const bus::Event& event, std::int64_t user_id, std::int64_t role_id) {
  auto type = domain::ProfileTypeForRole(role_id);
  if (!type) {
    ++events_without_effect_;  // an admin has no profile
    return;
  }
  const auto now = time::Now();
  store::CreateResult result;
  if (*type == ProfileType::kCustomer) {
    auto profile = domain::NewProfile(user_id, domain::CustomerChanges{}, now);
    result = store_.CreateCustomer(profile, {CustomerCreated(profile, event.routing_key)});
  } else {
    auto profile = domain::NewProfile(user_id, domain::ProviderChanges{}, now);
    result = store_.CreateProvider(profile, {ProviderCreated(profile, event.routing_key)});
  }
  if (result == store::CreateResult::kCreated) {
    ++profiles_created_;
    notify_();
  } else {
    ++events_without_effect_;
  }
  log::Info(result == store::CreateResult::kCreated  ? "profile created"
            : result == store::CreateResult::kExists ? "profile already there"
                                                     : "user deleted: no profile",
            {{"event_id", event.event_id},
             {"event_type", event.routing_key},
             {"user_id", user_id},
             {"profile_type", domain::ProfileTypeName(*type)}});
}

void EventHandler::Delete(const bus::Event& event, std::int64_t user_id) {
  auto removed = store_.DeleteUser(user_id, time::Now());
  profiles_deleted_ += static_cast<std::uint64_t>(removed);
  if (removed == 0) ++events_without_effect_;
  notify_();  // pending events of the removed profiles moved to the tombstone
  log::Info("user's profiles removed",
            {{"event_id", event.event_id}, {"user_id", user_id}, {"removed", removed}});
}

void EventHandler::Rating(const bus::Event& event) {
  const auto provider_id = UserId(event, "provider_id");
  const double rating = RatingField(event);
  const auto total_reviews = IntField(event, "total_reviews", 0, INT64_MAX);
  auto profile = domain::DefaultProvider(provider_id);
  profile.rating = rating;
  profile.total_reviews = total_reviews;
  profile.created_at = profile.updated_at = time::Now();
  auto result = store_.ApplyRating(provider_id, rating, total_reviews, profile,
                                   ProviderCreated(profile, event.routing_key));
  switch (result) {
    case store::RatingResult::kApplied: ++ratings_applied_; break;
    case store::RatingResult::kCreated:
      ++ratings_applied_;
      ++profiles_created_;
      notify_();
      break;
    case store::RatingResult::kStale:
    case store::RatingResult::kUserDeleted: ++events_without_effect_; break;
  }
  static constexpr const char* kNames[] = {"applied", "stale: ignored", "applied to a new profile",
                                           "provider deleted: ignored"};
  log::Info("rating", {{"event_id", event.event_id},
                       {"provider_id", provider_id},
                       {"total_reviews", total_reviews},
                       {"result", kNames[static_cast<int>(result)]}});
}

void EventHandler::AddGauges(http::Metrics& metrics) const {
  metrics.AddGauge("profiles_created_from_events_total",
                   "Profiles created by user.registered/updated or ratings.",
                   [this] { return double(profiles_created()); });
  metrics.AddGauge("profiles_deleted_from_events_total", "Profiles removed by user.deleted.",
                   [this] { return double(profiles_deleted()); });
  metrics.AddGauge("ratings_applied_total", "rating.updated events applied to a provider profile.",
                   [this] { return double(ratings_applied()); });
}

}  // namespace mp::user::events

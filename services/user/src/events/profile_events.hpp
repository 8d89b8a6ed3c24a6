#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "libs/bus/consumer.hpp"
#include "libs/bus/event.hpp"
#include "libs/http/metrics.hpp"
#include "services/user/src/domain/profile.hpp"
#include "services/user/src/store/profile_store.hpp"

// What the user service tells the others (user_events: profile.created, profile.updated) and what it
// learns from them (auth_events: user.registered, user.updated, user.deleted; review_events:
// rating.updated).
namespace mp::user::events {

inline constexpr std::string_view kExchange = "user_events";

// profile.created {user_id, role_id, profile_type, source, profile: <public shape>}; occurred_at =
// created_at. `source` says what made it: "api", "admin", "user.registered", "user.updated",
// "rating.updated".
bus::Event CustomerCreated(const domain::CustomerProfile& profile, std::string_view source);
bus::Event ProviderCreated(const domain::ProviderProfile& profile, std::string_view source);
// profile.updated {user_id, role_id, profile_type, source, updated_fields: {field: new value}}: the changed
// fields with their new values, as the public shape writes them.
bus::Event ProfileUpdated(std::int64_t user_id, const domain::CustomerChanges& changes, time::TimePoint at,
                          std::string_view source);
bus::Event ProfileUpdated(std::int64_t user_id, const domain::ProviderChanges& changes, time::TimePoint at,
                          std::string_view source);

struct QueueNames {
  std::string queue = "user.events";
  std::string auth_exchange = "auth_events";
  std::string review_exchange = "review_events";
};

// One durable queue: user.registered, user.updated, user.deleted on auth_events and rating.updated on
// review_events; 5 attempts, then `<queue>.dead`.
bus::QueueSpec IncomingQueue(const QueueNames& names = {});

// The bus::Consumer handler (it runs on the consumer's thread). Idempotent without a processed-events
// table: each event's effect is a conditional single-document write (insert under the unique user_id,
// delete, rating only when total_reviews grows), so a redelivery changes nothing.
//   user.registered {user_id, role_id}: the role's profile with defaults, unless one exists (admins: none);
//   user.updated {user_id, role_id}: the same for the (possibly new) role;
//   user.deleted {user_id}: tombstone + both profiles removed;
//   rating.updated {provider_id, average_rating (or rating), total_reviews}: store.ApplyRating.
// A payload without what it needs is bus::Poison (dead-lettered at once); MongoDB unreachable is
// bus::RetryLater; other routing keys are acknowledged and ignored. `notify` wakes the outbox relay after
// a write that added events.
class EventHandler {
 public:
  EventHandler(store::ProfileStore& store, std::function<void()> notify);

  void Handle(const bus::Event& event);

  std::uint64_t profiles_created() const { return profiles_created_.load(); }
  std::uint64_t profiles_deleted() const { return profiles_deleted_.load(); }
  std::uint64_t ratings_applied() const { return ratings_applied_.load(); }
  std::uint64_t events_without_effect() const { return events_without_effect_.load(); }
  // profiles_created_from_events_total, profiles_deleted_from_events_total, ratings_applied_total.
  void AddGauges(http::Metrics& metrics) const;

 private:
  void EnsureProfile(const bus::Event& event, std::int64_t user_id, std::int64_t role_id);
  void Delete(const bus::Event& event, std::int64_t user_id);
  void Rating(const bus::Event& event);

  store::ProfileStore& store_;
  std::function<void()> notify_;
  std::atomic<std::uint64_t> profiles_created_{0};
  std::atomic<std::uint64_t> profiles_deleted_{0};
  std::atomic<std::uint64_t> ratings_applied_{0};
  std::atomic<std::uint64_t> events_without_effect_{0};
};

}  // namespace mp::user::events

#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/core/time.hpp"
#include "libs/mongo/database.hpp"
#include "services/user/src/domain/profile.hpp"
#include "services/user/src/domain/search.hpp"

// The profiles in MongoDB (`user_db`), one document per user and kind, `_id` = user_id:
//   customer_profiles {_id, user_id, location, address|null, budget_preference_cents, created_at,
//                      updated_at, version, outbox[]}
//   provider_profiles {_id, user_id, skills[], skill_keys[], experience_years, hourly_rate_cents,
//                      availability|null, portfolio[], service_areas[], rating, total_reviews, created_at,
//                      updated_at, version, outbox[]}
//   deleted_users     {_id, user_id, deleted_at, outbox[]}  tombstones: a deleted user's late events
//                      (user.registered, rating.updated) create nothing, and events still pending in a
//                      deleted profile's outbox move here to be published.
// Every change and the events it makes are ONE single-document write (the embedded outbox,
// libs/mongo/outbox.hpp; docs/adr/0006). Every write increments `version`, so a deletion removes exactly
// the document whose pending events it saved. Money is integer cents. Every call blocks (run it on the
// blocking pool) and throws mongo::Error (unavailable() when MongoDB cannot be reached).
namespace mp::user::store {

inline constexpr const char* kCustomerProfiles = "customer_profiles";
inline constexpr const char* kProviderProfiles = "provider_profiles";
inline constexpr const char* kDeletedUsers = "deleted_users";

// The collections whose documents carry an outbox (for mongo::EmbeddedOutbox).
std::vector<std::string> OutboxCollections();

enum class CreateResult { kCreated, kExists, kUserDeleted };
enum class RatingResult { kApplied, kStale, kCreated, kUserDeleted };

struct ProfileOwners {
  std::set<std::int64_t> customers;  // users with a customer profile
  std::set<std::int64_t> providers;
};

struct SearchResult {
  std::vector<domain::ProviderProfile> items;
  std::int64_t total = 0;
};

class ProfileStore {
 public:
  explicit ProfileStore(mongo::Database& database);

  // Unique user_id indexes, the search's rating index, the outbox's sparse indexes; idempotent, run at
  // every start before consuming events.
  void EnsureIndexes();

  std::optional<domain::CustomerProfile> FindCustomer(std::int64_t user_id);
  std::optional<domain::ProviderProfile> FindProvider(std::int64_t user_id);

  // Inserts the profile (its timestamps must be set) with `events` in its outbox. kExists when the user
  // already has one of that kind (nothing written); kUserDeleted when the user was deleted (whichever
  // came first, nothing stays).
  CreateResult CreateCustomer(const domain::CustomerProfile& profile, const std::vector<bus::Event>& events);
  CreateResult CreateProvider(const domain::ProviderProfile& profile, const std::vector<bus::Event>& events);

  // Sets the changed fields and updated_at and appends `event`, in one write; the profile as it is now,
  // or nullopt when the user has none of that kind.
  std::optional<domain::CustomerProfile> UpdateCustomer(std::int64_t user_id,
                                                        const domain::CustomerChanges& changes,
                                                        time::TimePoint now, const bus::Event& event);
  std::optional<domain::ProviderProfile> UpdateProvider(std::int64_t user_id,
                                                        const domain::ProviderChanges& changes,
                                                        time::TimePoint now, const bus::Event& event);

  // rating.updated: sets rating and total_reviews only when total_reviews grows (a late or repeated event
  // changes nothing: kStale). A provider without a profile gets `if_missing` (with `created` in its
  // outbox) so that the rating is not lost; a deleted one gets nothing.
  RatingResult ApplyRating(std::int64_t provider_id, double rating, std::int64_t total_reviews,
                           const domain::ProviderProfile& if_missing, const bus::Event& created);

  // Leaves a tombstone and removes the user's profiles of both kinds (their unpublished events move to the
  // tombstone); returns how many profiles were removed. Idempotent.
  std::int64_t DeleteUser(std::int64_t user_id, time::TimePoint now);
  bool IsDeleted(std::int64_t user_id);

  // Which of `user_ids` have a customer / a provider profile.
  ProfileOwners Owners(const std::vector<std::int64_t>& user_ids);

  // Providers matching every filter, rating descending then user_id; `total` counts all matches.
  SearchResult SearchProviders(const domain::ProviderSearch& search);

 private:
  CreateResult Create(mongo::Collection collection, std::int64_t user_id, const mongo::Document& document);
  std::int64_t RemoveSavingOutbox(mongo::Collection collection, std::int64_t user_id);

  mongo::Database& database_;
};

// A stored document as a profile (what the API shows); exposed for tests.
domain::CustomerProfile CustomerFromDocument(const nlohmann::json& doc);
domain::ProviderProfile ProviderFromDocument(const nlohmann::json& doc);

}  // namespace mp::user::store

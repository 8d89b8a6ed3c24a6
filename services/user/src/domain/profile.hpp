#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/core/money.hpp"
#include "libs/core/time.hpp"

// What the user service is about: a customer's profile (where they are, what they spend) and a provider's
// (skills, areas, rate, and the rating the reviews give), one of each kind per user at most, the kind
// chosen by the user's role (customer 1, provider 2; admins have none). Shapes and defaults are those of
// reference §5.2/§5.3; the rules of spec/api-v1.md "Profiles and admin users". Depends on libs/core only.
namespace mp::user::domain {

enum class ProfileType { kCustomer, kProvider };

std::string_view ProfileTypeName(ProfileType type);  // "customer" | "provider"
int RoleOf(ProfileType type);                        // 1 | 2
// The profile a role has: 1 → customer, 2 → provider, anything else (admin) → none.
std::optional<ProfileType> ProfileTypeForRole(std::int64_t role_id);

extern const std::vector<std::string_view> kLocations;  // NORTH SOUTH EAST WEST MID
bool IsLocation(std::string_view text);

// Field limits (api-v1.md; the lengths and counts are ours: the reference has none).
inline constexpr std::size_t kAddressMax = 255;
inline constexpr std::size_t kAvailabilityMax = 200;
inline constexpr std::size_t kSkillMax = 50;
inline constexpr std::size_t kSkillsMax = 30;
inline constexpr std::size_t kPortfolioItemMax = 500;
inline constexpr std::size_t kPortfolioMax = 20;
inline constexpr std::int64_t kExperienceYearsMax = 80;
inline constexpr money::Cents kHourlyRateMax = 10'000'000;  // 100,000.00
inline constexpr money::Cents kBudgetMax = money::kMaxCents;
inline constexpr double kDefaultRating = 5.0;
inline constexpr double kMaxRating = 5.0;

struct CustomerProfile {
  std::int64_t user_id = 0;
  std::string location = "NORTH";
  std::optional<std::string> address;
  money::Cents budget_preference = 0;
  std::optional<time::TimePoint> created_at;  // empty: the default of a profile that does not exist
  std::optional<time::TimePoint> updated_at;

  friend bool operator==(const CustomerProfile&, const CustomerProfile&) = default;
};

struct ProviderProfile {
  std::int64_t user_id = 0;
  std::vector<std::string> skills;
  std::int64_t experience_years = 0;
  money::Cents hourly_rate = 0;
  std::optional<std::string> availability;
  std::vector<std::string> portfolio;
  std::vector<std::string> service_areas;  // locations the provider works in (an addition to §5.3)
  double rating = kDefaultRating;
  std::int64_t total_reviews = 0;
  std::optional<time::TimePoint> created_at;
  std::optional<time::TimePoint> updated_at;

  friend bool operator==(const ProviderProfile&, const ProviderProfile&) = default;
};

// What a create or an update sets; an absent (or null) field leaves the value as it is.
struct CustomerChanges {
  std::optional<std::string> location;
  std::optional<std::string> address;
  std::optional<money::Cents> budget_preference;

  bool empty() const { return !location && !address && !budget_preference; }
};

struct ProviderChanges {
  std::optional<std::vector<std::string>> skills;
  std::optional<std::int64_t> experience_years;
  std::optional<money::Cents> hourly_rate;
  std::optional<std::string> availability;
  std::optional<std::vector<std::string>> portfolio;
  std::optional<std::vector<std::string>> service_areas;

  bool empty() const {
    return !skills && !experience_years && !hourly_rate && !availability && !portfolio && !service_areas;
  }
};

// The profile a user has before anything was written (reference §4.6 placeholders): no timestamps.
CustomerProfile DefaultCustomer(std::int64_t user_id);
ProviderProfile DefaultProvider(std::int64_t user_id);

CustomerProfile Apply(CustomerProfile profile, const CustomerChanges& changes);
ProviderProfile Apply(ProviderProfile profile, const ProviderChanges& changes);

// A profile made now: the defaults with `changes` applied, created and updated at `now`.
CustomerProfile NewProfile(std::int64_t user_id, const CustomerChanges& changes, time::TimePoint now);
ProviderProfile NewProfile(std::int64_t user_id, const ProviderChanges& changes, time::TimePoint now);

// The text without leading and trailing spaces, tabs and line breaks.
std::string_view Trim(std::string_view text);
// What is wrong with one item of a text list (skills, portfolio, service_areas), `item` already trimmed:
// empty, not UTF-8, longer than `max_length` code points, or holding control characters; nullopt if fine.
std::optional<std::string> ListItemProblem(std::string_view item, std::size_t max_length);

// The form skills are matched in: trimmed and ASCII-lower-cased ("Plumbing " and "plumbing" are one skill).
std::string SkillKey(std::string_view skill);
std::vector<std::string> SkillKeys(const std::vector<std::string>& skills);

}  // namespace mp::user::domain

#include "services/user/src/domain/profile.hpp"

#include <algorithm>
#include <set>

#include "libs/core/text.hpp"

namespace mp::user::domain {

const std::vector<std::string_view> kLocations = {"NORTH", "SOUTH", "EAST", "WEST", "MID"};

bool IsLocation(std::string_view text) {
  return std::find(kLocations.begin(), kLocations.end(), text) != kLocations.end();
}

std::string_view ProfileTypeName(ProfileType type) {
  return type == ProfileType::kCustomer ? "customer" : "provider";
}

int RoleOf(ProfileType type) { return type == ProfileType::kCustomer ? 1 : 2; }

std::optional<ProfileType> ProfileTypeForRole(std::int64_t role_id) {
  if (role_id == 1) return ProfileType::kCustomer;
  if (role_id == 2) return ProfileType::kProvider;
  return std::nullopt;
}

CustomerProfile DefaultCustomer(std::int64_t user_id) {
  CustomerProfile profile;
  profile.user_id = user_id;
  return profile;
}

ProviderProfile DefaultProvider(std::int64_t user_id) {
  ProviderProfile profile;
  profile.user_id = user_id;
  return profile;
}

CustomerProfile Apply(CustomerProfile profile, const CustomerChanges& changes) {
  if (changes.location) profile.location = *changes.location;
  if (changes.address) profile.address = changes.address;
  if (changes.budget_preference) profile.budget_preference = *changes.budget_preference;
  return profile;
}

ProviderProfile Apply(ProviderProfile profile, const ProviderChanges& changes) {
  if (changes.skills) profile.skills = *changes.skills;
  if (changes.experience_years) profile.experience_years = *changes.experience_years;
  if (changes.hourly_rate) profile.hourly_rate = *changes.hourly_rate;
  if (changes.availability) profile.availability = changes.availability;
  if (changes.portfolio) profile.portfolio = *changes.portfolio;
  if (changes.service_areas) profile.service_areas = *changes.service_areas;
  return profile;
}

CustomerProfile NewProfile(std::int64_t user_id, const CustomerChanges& changes, time::TimePoint now) {
  auto profile = Apply(DefaultCustomer(user_id), changes);
  profile.created_at = profile.updated_at = now;
  return profile;
}

ProviderProfile NewProfile(std::int64_t user_id, const ProviderChanges& changes, time::TimePoint now) {
  auto profile = Apply(DefaultProvider(user_id), changes);
  profile.created_at = profile.updated_at = now;
  return profile;
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

std::optional<std::string> ListItemProblem(std::string_view item, std::size_t max_length) {
  auto length = Utf8Length(item);
  if (!length) return "must be valid UTF-8";
  if (*length == 0) return "must not be empty";
  if (*length > max_length) return "must be at most " + std::to_string(max_length) + " characters";
  if (HasControlCharacter(item, false)) return "must not contain control characters";
  return std::nullopt;
}

std::string SkillKey(std::string_view skill) {
  std::string key(Trim(skill));
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::vector<std::string> SkillKeys(const std::vector<std::string>& skills) {
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const auto& skill : skills) {
    auto key = SkillKey(skill);
    if (seen.insert(key).second) keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace mp::user::domain

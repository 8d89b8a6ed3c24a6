#include "services/user/src/domain/profile.hpp"

#include <cmath>
#include <set>

namespace mp::user::domain {
namespace {

using Json = nlohmann::json;

Json OptJson(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptJson(const std::optional<time::TimePoint>& v) {
  return v ? Json(time::FormatIso(*v)) : Json(nullptr);
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

bool HasControlCharacters(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

// A JSON array of strings under `field`: each trimmed, 1..max_length characters, no control characters,
// at most `max_items` of them; items equal under `key` are kept once (the first). Problems name the item
// ("skills[2]"). Absent or null → nullopt.
template <class KeyOf>
std::optional<std::vector<std::string>> StringList(const Json& body, JsonReader& reader, const char* field,
                                                   std::size_t max_items, std::size_t max_length, KeyOf key) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) {
    reader.Problem(field, "must be an array of strings");
    return std::nullopt;
  }
  if (it->size() > max_items) {
    reader.Problem(field, "must have at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> items;
  std::set<std::string> seen;
  bool ok = true;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    std::string name = std::string(field) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) {
      reader.Problem(name, "must be a string");
      ok = false;
      continue;
    }
    std::string_view text = Trim(item.get_ref<const std::string&>());
    auto length = Utf8Length(text);
    if (!length) {
      reader.Problem(name, "must be valid UTF-8");
    } else if (*length == 0) {
      reader.Problem(name, "must not be empty");
    } else if (*length > max_length) {
      reader.Problem(name, "must be at most " + std::to_string(max_length) + " characters");
    } else if (HasControlCharacters(text)) {
      reader.Problem(name, "must not contain control characters");
    } else {
      if (seen.insert(key(text)).second) items.emplace_back(text);
      continue;
    }
    ok = false;
  }
  if (!ok) return std::nullopt;
  return items;
}

std::string Same(std::string_view text) { return std::string(text); }

double RoundRating(double rating) { return std::round(rating * 100.0) / 100.0; }

}  // namespace

const std::vector<std::string_view> kLocations = {"NORTH", "SOUTH", "EAST", "WEST", "MID"};

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

CustomerChanges ReadCustomerFields(const Json& body, JsonReader& reader) {
  (void)body;
  CustomerChanges changes;
  changes.location = reader.Enum("location", Presence::kOptional, kLocations);
  changes.address = reader.String("address", Presence::kOptional, 0, kAddressMax);
  changes.budget_preference = reader.Money("budget_preference", Presence::kOptional, 0, kBudgetMax);
  return changes;
}

ProviderChanges ReadProviderFields(const Json& body, JsonReader& reader) {
  ProviderChanges changes;
  changes.skills = StringList(body, reader, "skills", kSkillsMax, kSkillMax, SkillKey);
  changes.experience_years = reader.Int("experience_years", Presence::kOptional, 0, kExperienceYearsMax);
  changes.hourly_rate = reader.Money("hourly_rate", Presence::kOptional, 0, kHourlyRateMax);
  changes.availability = reader.String("availability", Presence::kOptional, 0, kAvailabilityMax);
  changes.portfolio = StringList(body, reader, "portfolio", kPortfolioMax, kPortfolioItemMax, Same);
  auto areas = StringList(body, reader, "service_areas", kLocations.size(), 16, Same);
  if (areas) {
    bool ok = true;
    for (std::size_t i = 0; i < areas->size(); ++i) {
      bool known = false;
      for (auto location : kLocations) known = known || location == (*areas)[i];
      if (!known) {
        reader.Problem("service_areas[" + std::to_string(i) + "]",
                       "must be one of: NORTH, SOUTH, EAST, WEST, MID");
        ok = false;
      }
    }
    if (ok) changes.service_areas = std::move(areas);
  }
  return changes;
}

void RejectReadOnlyFields(JsonReader& reader) {
  for (const char* field : {"user_id", "rating", "total_reviews", "created_at", "updated_at"}) {
    if (reader.Has(field)) reader.Problem(field, "cannot be changed");
  }
}

CustomerChanges ParseCustomerCreate(const Json& body) {
  JsonReader reader(body);
  auto changes = ReadCustomerFields(body, reader);
  RejectReadOnlyFields(reader);
  reader.Finish();
  return changes;
}

CustomerChanges ParseCustomerUpdate(const Json& body) {
  JsonReader reader(body);
  auto changes = ReadCustomerFields(body, reader);
  RejectReadOnlyFields(reader);
  if (reader.ok() && changes.empty()) {
    reader.Problem("body", "give at least one of location, address, budget_preference");
  }
  reader.Finish();
  return changes;
}

ProviderChanges ParseProviderCreate(const Json& body) {
  JsonReader reader(body);
  auto changes = ReadProviderFields(body, reader);
  RejectReadOnlyFields(reader);
  reader.Finish();
  return changes;
}

ProviderChanges ParseProviderUpdate(const Json& body) {
  JsonReader reader(body);
  auto changes = ReadProviderFields(body, reader);
  RejectReadOnlyFields(reader);
  if (reader.ok() && changes.empty()) {
    reader.Problem("body",
                   "give at least one of skills, experience_years, hourly_rate, availability, portfolio, "
                   "service_areas");
  }
  reader.Finish();
  return changes;
}

Json CustomerJson(const CustomerProfile& p) {
  return {{"user_id", p.user_id},
          {"location", p.location},
          {"address", OptJson(p.address)},
          {"budget_preference", money::ToDouble(p.budget_preference)},
          {"created_at", OptJson(p.created_at)},
          {"updated_at", OptJson(p.updated_at)}};
}

Json ProviderJson(const ProviderProfile& p) {
  return {{"user_id", p.user_id},
          {"skills", p.skills},
          {"experience_years", p.experience_years},
          {"hourly_rate", money::ToDouble(p.hourly_rate)},
          {"availability", OptJson(p.availability)},
          {"portfolio", p.portfolio},
          {"service_areas", p.service_areas},
          {"rating", RoundRating(p.rating)},
          {"total_reviews", p.total_reviews},
          {"created_at", OptJson(p.created_at)},
          {"updated_at", OptJson(p.updated_at)}};
}

Json ChangedFieldsJson(const CustomerChanges& c) {
  Json fields = Json::object();
  if (c.location) fields["location"] = *c.location;
  if (c.address) fields["address"] = *c.address;
  if (c.budget_preference) fields["budget_preference"] = money::ToDouble(*c.budget_preference);
  return fields;
}

Json ChangedFieldsJson(const ProviderChanges& c) {
  Json fields = Json::object();
  if (c.skills) fields["skills"] = *c.skills;
  if (c.experience_years) fields["experience_years"] = *c.experience_years;
  if (c.hourly_rate) fields["hourly_rate"] = money::ToDouble(*c.hourly_rate);
  if (c.availability) fields["availability"] = *c.availability;
  if (c.portfolio) fields["portfolio"] = *c.portfolio;
  if (c.service_areas) fields["service_areas"] = *c.service_areas;
  return fields;
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

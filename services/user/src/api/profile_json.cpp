#include "services/user/src/api/profile_json.hpp"

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "libs/core/validation.hpp"

namespace mp::user::api {

using domain::AdminUserUpdate;
using domain::CustomerChanges;
using domain::ProviderChanges;
using Json = nlohmann::json;

namespace {

// A JSON array of strings under `field`: each trimmed and checked (domain::ListItemProblem), at most
// `max_items` of them; items equal under `key` are kept once (the first). Problems name the item
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
    std::string_view text = domain::Trim(item.get_ref<const std::string&>());
    if (auto problem = domain::ListItemProblem(text, max_length)) {
      reader.Problem(name, *problem);
      ok = false;
    } else if (seen.insert(key(text)).second) {
      items.emplace_back(text);
    }
  }
  if (!ok) return std::nullopt;
  return items;
}

std::string Same(std::string_view text) { return std::string(text); }

// Keys a client may not write (user_id, rating, total_reviews, created_at, updated_at): a problem each.
void RejectReadOnlyFields(JsonReader& reader) {
  for (const char* field : {"user_id", "rating", "total_reviews", "created_at", "updated_at"}) {
    if (reader.Has(field)) reader.Problem(field, "cannot be changed");
  }
}

// The writable fields of one kind (all optional), adding what is wrong to `reader` (a reader of `body`).
// Keys of the other kind are not looked at.
CustomerChanges ReadCustomerFields(JsonReader& reader) {
  CustomerChanges changes;
  changes.location = reader.Enum("location", Presence::kOptional, domain::kLocations);
  changes.address = reader.String("address", Presence::kOptional, 0, domain::kAddressMax);
  changes.budget_preference = reader.Money("budget_preference", Presence::kOptional, 0, domain::kBudgetMax);
  return changes;
}

ProviderChanges ReadProviderFields(const Json& body, JsonReader& reader) {
  ProviderChanges changes;
  changes.skills =
      StringList(body, reader, "skills", domain::kSkillsMax, domain::kSkillMax, domain::SkillKey);
  changes.experience_years =
      reader.Int("experience_years", Presence::kOptional, 0, domain::kExperienceYearsMax);
  changes.hourly_rate = reader.Money("hourly_rate", Presence::kOptional, 0, domain::kHourlyRateMax);
  changes.availability = reader.String("availability", Presence::kOptional, 0, domain::kAvailabilityMax);
  changes.portfolio =
      StringList(body, reader, "portfolio", domain::kPortfolioMax, domain::kPortfolioItemMax, Same);
  auto areas = StringList(body, reader, "service_areas", domain::kLocations.size(), 16, Same);
  if (areas) {
    bool ok = true;
    for (std::size_t i = 0; i < areas->size(); ++i) {
      if (!domain::IsLocation((*areas)[i])) {
        reader.Problem("service_areas[" + std::to_string(i) + "]",
                       "must be one of: NORTH, SOUTH, EAST, WEST, MID");
        ok = false;
      }
    }
    if (ok) changes.service_areas = std::move(areas);
  }
  return changes;
}

// A body of the caller's own profile: its fields read by `read_fields`, none of the read-only ones; an
// update (`one_of` lists the fields) must change at least one. Throws ApiError 422 with every problem.
template <class ReadFields>
auto ReadProfileBody(const Json& body, ReadFields read_fields, const char* one_of = nullptr) {
  JsonReader reader(body);
  auto changes = read_fields(body, reader);
  RejectReadOnlyFields(reader);
  if (one_of != nullptr && reader.ok() && changes.empty()) {
    reader.Problem("body", std::string("give at least one of ") + one_of);
  }
  reader.Finish();
  return changes;
}

}  // namespace

CustomerChanges ParseCustomerCreate(const Json& body) {
  return ReadProfileBody(body, [](const Json&, JsonReader& reader) { return ReadCustomerFields(reader); });
}

CustomerChanges ParseCustomerUpdate(const Json& body) {
  return ReadProfileBody(
      body, [](const Json&, JsonReader& reader) { return ReadCustomerFields(reader); },
      "location, address, budget_preference");
}

ProviderChanges ParseProviderCreate(const Json& body) { return ReadProfileBody(body, ReadProviderFields); }

ProviderChanges ParseProviderUpdate(const Json& body) {
  return ReadProfileBody(body, ReadProviderFields,
                         "skills, experience_years, hourly_rate, availability, portfolio, service_areas");
}

AdminUserUpdate ParseAdminUpdate(const Json& body) {
  JsonReader reader(body);
  AdminUserUpdate update;
  // Lengths as auth reads them; its own username rules answer from auth.
  update.account.username = reader.String("username", Presence::kOptional, 0, 10'000);
  if (auto email = reader.String("email", Presence::kOptional, 0, 10'000)) {
    if (NormalizeEmail(*email)) {
      update.account.email = std::move(email);
    } else {
      reader.Problem("email", "must be a valid e-mail address");
    }
  }
  if (auto role = reader.Int("role_id", Presence::kOptional, 1, 3)) {
    update.account.role_id = static_cast<int>(*role);
  }
  update.customer = ReadCustomerFields(reader);
  update.provider = ReadProviderFields(body, reader);
  RejectReadOnlyFields(reader);
  if (reader.Has("password")) reader.Problem("password", "cannot be changed by an admin");
  if (reader.ok() && !update.has_auth_fields() && !update.has_profile_fields()) {
    reader.Problem("body", "give at least one of username, email, role_id or a profile field");
  }
  reader.Finish();
  return update;
}

}  // namespace mp::user::api

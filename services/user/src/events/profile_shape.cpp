#include "services/user/src/events/profile_shape.hpp"

#include <cmath>
#include <optional>
#include <string>

#include "libs/core/money.hpp"
#include "libs/core/time.hpp"

namespace mp::user::events {
namespace {

using Json = nlohmann::json;

Json OptJson(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptJson(const std::optional<time::TimePoint>& v) {
  return v ? Json(time::FormatIso(*v)) : Json(nullptr);
}

double RoundRating(double rating) { return std::round(rating * 100.0) / 100.0; }

}  // namespace

Json CustomerJson(const domain::CustomerProfile& p) {
  return {{"user_id", p.user_id},
          {"location", p.location},
          {"address", OptJson(p.address)},
          {"budget_preference", money::ToDouble(p.budget_preference)},
          {"created_at", OptJson(p.created_at)},
          {"updated_at", OptJson(p.updated_at)}};
}

Json ProviderJson(const domain::ProviderProfile& p) {
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

}  // namespace mp::user::events

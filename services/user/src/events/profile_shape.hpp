#pragma once

#include <nlohmann/json.hpp>

#include "services/user/src/domain/profile.hpp"

// A profile as everyone outside the service sees it: the routes answer with it and the profile.created event
// carries it, so it lives beside the events (api/ may include events/, never the other way round).
namespace mp::user::events {

// The public shapes (reference §5.2/§5.3; money as a number with 2 decimals, the rating rounded to 2
// decimals, times ISO-8601 UTC or null for a default).
nlohmann::json CustomerJson(const domain::CustomerProfile& profile);
nlohmann::json ProviderJson(const domain::ProviderProfile& profile);

}  // namespace mp::user::events

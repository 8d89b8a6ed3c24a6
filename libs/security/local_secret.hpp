#pragma once

#include <string_view>

namespace mp::security {

// The JWT secret every service falls back to when MP_JWT_SECRET is unset, so a bare local run works. One
// constant because the gateway and the services must agree; config::Env::Secret refuses it when
// MP_ENV=production.
inline constexpr std::string_view kLocalJwtSecret = "local-development-secret-change-me-0123456789";

}  // namespace mp::security

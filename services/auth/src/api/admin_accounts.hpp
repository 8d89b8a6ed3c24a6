#pragma once

#include <chrono>
#include <string>

#include "libs/core/config.hpp"
#include "libs/http/app.hpp"
#include "libs/sql/pool.hpp"
#include "services/auth/src/api/auth_api.hpp"
#include "services/auth/src/store/user_store.hpp"

// Accounts made outside a request (`mp-auth create-admin`, the bootstrap admin) and the upkeep of the
// revocation markers, which run beside the HTTP service.
namespace mp::auth::api {

// Creates an admin account with its user.registered event; prints what happened. Returns 0, 2 when the
// fields are invalid, 3 when the username or e-mail is taken.
int CreateAdmin(sql::Pool& pool, const std::string& username, const std::string& email,
                const std::string& password);

// MP_BOOTSTRAP_ADMIN_USERNAME / _EMAIL / _PASSWORD: creates that admin at start if the e-mail is unknown.
void CreateBootstrapAdmin(sql::Pool& pool, config::Env& env);

// Every hour the revocations past their token's expiry are purged; every MP_REVOCATION_RESTORE_INTERVAL_S
// (default 30 s) the markers Redis lost (a restart without persistence, an outage while they were published)
// are written again from MySQL's durable copy.
void StartRevocationUpkeep(http::App& app, AuthApi& api, store::UserStore& users, config::Env& env);

}  // namespace mp::auth::api

#pragma once

#include "libs/service/main.hpp"

namespace mp::user {

// mp-user, customer and provider profiles, admin user management and provider search: its spec, store and
// wiring, which main() runs and the API tests assemble.
service::Definition Service();

}  // namespace mp::user

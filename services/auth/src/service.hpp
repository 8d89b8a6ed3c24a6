#pragma once

#include "libs/service/main.hpp"

namespace mp::auth {

// mp-auth, accounts, passwords and tokens: its spec, store and wiring, which main() runs and the end-to-end
// tests run.
service::Definition Service();

}  // namespace mp::auth

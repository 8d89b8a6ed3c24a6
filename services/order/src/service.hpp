#pragma once

#include "libs/service/main.hpp"

namespace mp::order {

// mp-order, service orders and their lifecycle: its spec, store and wiring, which main() runs and the
// end-to-end tests run.
service::Definition Service();

}  // namespace mp::order

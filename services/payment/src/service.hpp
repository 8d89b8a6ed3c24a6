#pragma once

#include "libs/service/main.hpp"

namespace mp::payment {

// mp-payment, simulated payments of completed orders, refunds and the ledger: its spec, store and wiring,
// which main() runs and the API tests assemble.
service::Definition Service();

}  // namespace mp::payment

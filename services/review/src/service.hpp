#pragma once

#include "libs/service/main.hpp"

namespace mp::review {

// mp-review, reviews of finished orders and the providers' ratings: its spec, store and wiring, which main()
// runs and the API tests assemble.
service::Definition Service();

}  // namespace mp::review

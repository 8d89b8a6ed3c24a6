#pragma once

#include "libs/service/main.hpp"

namespace mp::notification {

// mp-notification, customers' and providers' inboxes filled from the marketplace's events and by admins: its
// spec, store and wiring, which main() runs and the API tests assemble.
service::Definition Service();

}  // namespace mp::notification

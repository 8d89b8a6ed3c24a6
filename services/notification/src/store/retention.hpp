#pragma once

#include <chrono>

#include "libs/http/app.hpp"
#include "services/notification/src/store/inbox_cache.hpp"
#include "services/notification/src/store/inbox_store.hpp"

namespace mp::notification::store {

// Retention: read notices older than domain::kReadRetention are removed from MongoDB and from the Redis
// views, at start and then every `interval`, for the life of the app
// (docs/adr/0005-notification-retention.md).
void StartRetentionSweep(http::App& app, InboxStore& inboxes, InboxCache& views,
                         std::chrono::seconds interval);

}  // namespace mp::notification::store

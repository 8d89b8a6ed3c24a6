#include "services/notification/src/store/retention.hpp"

#include "libs/core/log.hpp"
#include "libs/core/time.hpp"
#include "libs/service/wiring.hpp"
#include "services/notification/src/domain/notice.hpp"

namespace mp::notification::store {

void StartRetentionSweep(http::App& app, InboxStore& inboxes, InboxCache& views,
                         std::chrono::seconds interval) {
  service::RunEvery(
      app, "retention sweep", interval, [&app, &inboxes, &views]() -> boost::asio::awaitable<void> {
        auto cutoff = time::Now() - domain::kReadRetention;
        auto removed = co_await app.blocking().Run([&] { return inboxes.PurgeReadBefore(cutoff); });
        if (!removed.empty()) {
          log::Info("removed read notices past retention", {{"removed", removed.size()}});
          co_await views.Removed(std::move(removed));
        }
      });
}

}  // namespace mp::notification::store

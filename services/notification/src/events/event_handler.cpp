#include "services/notification/src/events/event_handler.hpp"

#include <chrono>
#include <vector>

#include "libs/core/log.hpp"
#include "libs/core/time.hpp"
#include "libs/mongo/error.hpp"
#include "services/notification/src/events/inbox_events.hpp"

namespace mp::notification::events {

namespace {
// A view write takes at most Redis' connect + command timeouts (about 1 s); longer means the io_context is
// not running it.
constexpr std::chrono::seconds kViewWriteTimeout{5};
}  // namespace

bus::QueueSpec NotificationQueue(const QueueNames& names) {
  return {.queue = names.queue,
          .bindings = {{names.order_exchange, "order.*"},
                       {names.payment_exchange, "payment.*"},
                       {names.payment_exchange, "refund.*"},
                       {names.review_exchange, "review.*"}},
          .prefetch = 16};
}

EventHandler::EventHandler(store::InboxStore& store, store::InboxCache& cache)
    : store_(store), cache_(cache) {}

void EventHandler::Handle(const bus::Event& event) {
  std::optional<std::vector<domain::Notice>> notices;
  try {
    notices = NoticesForEvent(event.routing_key, event.body);
  } catch (const UnmappableEvent& error) {
    throw bus::Poison(error.what());  // retrying cannot fix a payload
  }
  if (!notices) {
    ++events_ignored_;
    log::Debug("event ignored: no inbox handles it",
               {{"event_id", event.event_id}, {"event_type", event.routing_key}});
    return;
  }
  const auto now = time::Now();
  std::vector<domain::Notification> added;
  try {
    for (const auto& notice : *notices) {
      if (auto stored = store_.Add(notice, event.event_id, event.routing_key, now)) {
        added.push_back(std::move(*stored));
        ++notices_added_;
      } else {
        ++duplicates_skipped_;  // this event was applied to this inbox before
        // A redelivery: the first delivery may have stored the entry and died before the inbox's Redis view
        // took it. Give it to the view again (adding is a set union: harmless when it is there).
        if (auto stored = store_.FromEvent(notice.inbox, notice.recipient_id, event.event_id)) {
          added.push_back(std::move(*stored));
        }
      }
    }
  } catch (const mongo::Error& error) {
    cache_.AddedAndWait(std::move(added), kViewWriteTimeout);  // the redelivery gives them again anyway
    if (error.unavailable()) throw bus::RetryLater(error.what());
    throw;
  }
  // Acknowledged only once the views have the entries: a crash before that means a redelivery, which gives
  // them to the views again (the duplicate branch above).
  if (!cache_.AddedAndWait(std::move(added), kViewWriteTimeout)) {
    throw bus::RetryLater("the inbox views did not take the event's entries in time");
  }
  log::Debug("event applied",
             {{"event_id", event.event_id}, {"event_type", event.routing_key}, {"notices", notices->size()}});
}

void EventHandler::AddGauges(http::Metrics& metrics) const {
  metrics.AddGauge("notifications_added_total", "Inbox entries written from events.",
                   [this] { return double(notices_added()); });
  metrics.AddGauge("notifications_duplicates_total", "Redelivered events whose entries were already there.",
                   [this] { return double(duplicates_skipped()); });
}

}  // namespace mp::notification::events

#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "libs/bus/consumer.hpp"
#include "libs/bus/event.hpp"
#include "libs/http/metrics.hpp"
#include "services/notification/src/store/inbox_cache.hpp"
#include "services/notification/src/store/inbox_store.hpp"

// The events the notification service consumes: one durable queue bound to every event that may tell an
// inbox something. Which events make which notices is NoticesForEvent (inbox_events.hpp).
namespace mp::notification::events {

struct QueueNames {
  std::string queue = "notification.events";
  std::string order_exchange = "order_events";
  std::string payment_exchange = "payment_events";
  std::string review_exchange = "review_events";
};

// `order.*` on order_events, `payment.*` and `refund.*` on payment_events, `review.*` on review_events;
// a handler failure is retried up to 5 times, then the message goes to `<queue>.dead`.
bus::QueueSpec NotificationQueue(const QueueNames& names = {});

// The bus::Consumer handler (it runs on the consumer's own thread). Idempotent: a redelivered event finds
// its entries already there (unique index) and changes nothing. MongoDB unreachable -> bus::RetryLater
// (requeued, not counted); an event whose payload cannot make its notices (UnmappableEvent) is
// bus::Poison: it goes to the dead-letter queue at once; an unknown event type is acknowledged.
class EventHandler {
 public:
  EventHandler(store::InboxStore& store, store::InboxCache& cache);

  void Handle(const bus::Event& event);

  std::uint64_t notices_added() const { return notices_added_.load(); }
  std::uint64_t duplicates_skipped() const { return duplicates_skipped_.load(); }
  std::uint64_t events_ignored() const { return events_ignored_.load(); }
  // notifications_added_total, notifications_duplicates_total.
  void AddGauges(http::Metrics& metrics) const;

 private:
  store::InboxStore& store_;
  store::InboxCache& cache_;
  std::atomic<std::uint64_t> notices_added_{0};
  std::atomic<std::uint64_t> duplicates_skipped_{0};
  std::atomic<std::uint64_t> events_ignored_{0};
};

}  // namespace mp::notification::events

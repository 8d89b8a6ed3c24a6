#pragma once

#include <vector>

#include "libs/bus/consumer.hpp"
#include "libs/bus/event.hpp"
#include "libs/http/app.hpp"
#include "services/order/src/domain/order.hpp"
#include "services/order/src/store/order_store.hpp"

// What the order service tells the others (order_events, payloads of reference §12.2 plus event_id and
// occurred_at), and what it learns from them.
namespace mp::order::events {

inline constexpr std::string_view kExchange = "order_events";

bus::Event Created(const domain::Order& order);
bus::Event Deleted(const domain::Order& order);
// The events a change from `before` to `after` stands for: order.approved, order.rejected, order.accepted,
// order.cancelled or order.status_changed (none when the status did not change).
std::vector<bus::Event> ForChange(const domain::Order& before, const domain::Order& after);
// For an admin's edit (PUT): approving is still order.approved, any other status change is
// order.status_changed, so nobody is told "you cancelled" for an admin's cancellation.
std::vector<bus::Event> ForAdminEdit(const domain::Order& before, const domain::Order& after);

// The queue the order service consumes: payment.completed -> payment_status paid, refund.processed
// (completed) -> refunded, review.created -> status reviewed and has_review. Each applies in any order of
// arrival (domain::RecordPayment/RecordRefund/RecordReview).
bus::QueueSpec IncomingQueue();
// Applies one incoming event, once per event_id. Throws bus::Poison for a payload without a usable order_id
// (dead-lettered at once), bus::NotYet for a review of an order not completed yet (nothing recorded: it comes
// back later), bus::RetryLater when MySQL is away.
void HandleIncoming(store::OrderStore& store, const bus::Event& event);

// Forgets processed event ids older than store::kProcessedEventsKept, at start and then every hour, for the
// life of the app.
void StartProcessedEventsPurge(http::App& app, store::OrderStore& store);

}  // namespace mp::order::events

#include "services/order/src/events/order_events.hpp"

#include <stdexcept>

#include "libs/core/log.hpp"
#include "libs/service/wiring.hpp"
#include "libs/sql/error.hpp"

namespace mp::order::events {
namespace {

using domain::Order;
using domain::Status;

nlohmann::json Nullable(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

bus::Event Make(std::string_view routing_key, const Order& order, nlohmann::json fields) {
  fields["order_id"] = order.id;
  fields["customer_id"] = order.customer_id;
  fields["occurred_at"] = time::FormatIso(order.updated_at);
  return bus::MakeEvent(std::string(kExchange), std::string(routing_key), std::move(fields));
}

std::int64_t OrderIdOf(const bus::Event& event) {
  auto it = event.body.find("order_id");
  if (it == event.body.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    throw bus::Poison(event.routing_key + " " + event.event_id + " has no usable order_id");
  }
  return it->get<std::int64_t>();
}

}  // namespace

bus::Event Created(const Order& order) {
  return Make("order.created", order,
              {{"title", order.title},
               {"price", money::Format(order.price)},  // exact: a decimal string, never a JSON double
               {"location", order.location},
               {"service_type", order.service_type}});
}

bus::Event Deleted(const Order& order) {
  auto event = Make("order.deleted", order,
                    {{"provider_id", Nullable(order.provider_id)}, {"status", domain::Name(order.status)}});
  event.body["occurred_at"] = time::FormatIso(time::Now());
  return event;
}

std::vector<bus::Event> ForChange(const Order& before, const Order& after) {
  if (before.status == after.status) return {};
  if (before.status == Status::kPendingReview && after.status == Status::kPending) {
    return {Make("order.approved", after, nlohmann::json::object())};
  }
  if (before.status == Status::kPendingReview && after.status == Status::kCancelled && after.reject_reason) {
    return {Make("order.rejected", after, {{"reject_reason", *after.reject_reason}})};
  }
  if (before.status == Status::kPending && after.status == Status::kAccepted) {
    return {Make("order.accepted", after, {{"provider_id", Nullable(after.provider_id)}})};
  }
  if (after.status == Status::kCancelled) {
    return {Make("order.cancelled", after, {{"provider_id", Nullable(after.provider_id)}})};
  }
  return {Make("order.status_changed", after,
               {{"provider_id", Nullable(after.provider_id)},
                {"old_status", domain::Name(before.status)},
                {"new_status", domain::Name(after.status)}})};
}

std::vector<bus::Event> ForAdminEdit(const Order& before, const Order& after) {
  if (before.status == after.status) return {};
  if (before.status == Status::kPendingReview && after.status == Status::kPending)
    return ForChange(before, after);
  return {Make("order.status_changed", after,
               {{"provider_id", Nullable(after.provider_id)},
                {"old_status", domain::Name(before.status)},
                {"new_status", domain::Name(after.status)}})};
}

bus::QueueSpec IncomingQueue() {
  return {.queue = "order.events",
          .bindings = {{"payment_events", "payment.completed"},
                       {"payment_events", "refund.processed"},
                       {"review_events", "review.created"}}};
}

void HandleIncoming(store::OrderStore& store, const bus::Event& event) {
  std::function<domain::EventOutcome(const Order&)> decide;
  if (event.routing_key == "payment.completed") {
    decide = domain::RecordPayment;
  } else if (event.routing_key == "refund.processed") {
    auto status = event.body.value("status", std::string("completed"));
    if (status != "completed") return;  // a rejected refund leaves the order paid
    decide = domain::RecordRefund;
  } else if (event.routing_key == "review.created") {
    decide = domain::RecordReview;
  } else {
    return;  // not ours (the queue is bound to these three keys only)
  }
  auto order_id = OrderIdOf(event);
  store::ApplyResult result{};
  try {
    result = store.ApplyEvent(event, order_id, decide, bus::Traced(bus::RequestIdOf(event), ForChange));
  } catch (const sql::Error& error) {
    // MySQL away or a deadlock: the event is requeued, not counted as a failure.
    if (error.unavailable() || error.retryable()) throw bus::RetryLater(error.what());
    throw;
  }
  if (result == store::ApplyResult::kNotYet) {
    throw bus::NotYet(event.routing_key + " before order " + std::to_string(order_id) + " was completed");
  }
  log::Info(result == store::ApplyResult::kApplied ? "event applied" : "event already applied",
            {{"event_id", event.event_id}, {"routing_key", event.routing_key}, {"order_id", order_id}});
}

void StartProcessedEventsPurge(http::App& app, store::OrderStore& store) {
  service::RunEvery(app, "purge of processed events", std::chrono::hours(1),
                    [&app, &store]() -> boost::asio::awaitable<void> {
                      auto removed = co_await app.blocking().Run([&] {
                        return store.PurgeProcessedEvents(time::Now() - store::kProcessedEventsKept);
                      });
                      if (removed > 0)
                        log::Info("forgot processed events past their window", {{"removed", removed}});
                    });
}

}  // namespace mp::order::events

#include "services/order/src/domain/order.hpp"

#include <algorithm>

#include "libs/core/text.hpp"

namespace mp::order::domain {
namespace {

// Why the table refuses `action` from `from`.
OrderRefusal RefusalOf(Status from, Action action) {
  switch (action) {
    case Action::kApprove:
    case Action::kReject: return OrderRefusal::kNotPendingReview;
    case Action::kCancel: return OrderRefusal::kNotCancellable;
    case Action::kAccept:
      if (from == Status::kPendingReview || from == Status::kCancelled) return OrderRefusal::kNotAvailable;
      return OrderRefusal::kAlreadyAccepted;
    case Action::kStart: return OrderRefusal::kNotAccepted;
    case Action::kComplete: return OrderRefusal::kNotInProgress;
    case Action::kReview: return OrderRefusal::kNotCompleted;
  }
  return OrderRefusal::kInvalidTransition;
}

// The order after `action` by `actor`, if the table allows it from the order's status.
Outcome<Order, OrderRefusal> Step(const Order& order, Action action, Actor actor) {
  auto to = Next(order.status, action, actor);
  if (!to) return RefusalOf(order.status, action);
  Order after = order;
  after.status = *to;
  return after;
}

}  // namespace

const std::vector<std::string_view> kStatusNames = {"pending_review", "pending",  "accepted", "in_progress",
                                                    "completed",      "reviewed", "cancelled"};
const std::vector<std::string_view> kServiceTypes = {
    "cleaning_repair", "it_technology", "education_training", "life_health", "design_consulting", "other"};
const std::vector<std::string_view> kLocations = {"NORTH", "SOUTH", "EAST", "WEST", "MID"};

std::string_view Name(Status status) { return kStatusNames[static_cast<std::size_t>(status)]; }

std::string_view Name(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kUnpaid: return "unpaid";
    case PaymentStatus::kPaid: return "paid";
    case PaymentStatus::kRefunded: return "refunded";
  }
  return "unpaid";
}

std::optional<Status> ParseStatus(std::string_view text) { return ByName<Status>(text, kAllStatuses); }

std::optional<PaymentStatus> ParsePaymentStatus(std::string_view text) {
  return ByName(text, {PaymentStatus::kUnpaid, PaymentStatus::kPaid, PaymentStatus::kRefunded});
}

const std::vector<Transition>& Transitions() {
  using enum Status;
  // clang-format off
  static const std::vector<Transition> table = {
      {kPendingReview, Action::kApprove,  Actor::kAdmin,    kPending},
      {kPendingReview, Action::kReject,   Actor::kAdmin,    kCancelled},
      {kPendingReview, Action::kCancel,   Actor::kCustomer, kCancelled},
      {kPending,       Action::kCancel,   Actor::kCustomer, kCancelled},
      {kAccepted,      Action::kCancel,   Actor::kCustomer, kCancelled},
      {kPending,       Action::kCancel,   Actor::kAdmin,    kCancelled},
      {kAccepted,      Action::kCancel,   Actor::kAdmin,    kCancelled},
      {kPending,       Action::kAccept,   Actor::kProvider, kAccepted},
      {kAccepted,      Action::kStart,    Actor::kProvider, kInProgress},
      {kAccepted,      Action::kStart,    Actor::kAdmin,    kInProgress},
      {kInProgress,    Action::kComplete, Actor::kProvider, kCompleted},
      {kInProgress,    Action::kComplete, Actor::kAdmin,    kCompleted},
      {kCompleted,     Action::kReview,   Actor::kSystem,   kReviewed},
  };
  // clang-format on
  return table;
}

std::optional<Status> Next(Status from, Action action, Actor actor) {
  for (const auto& t : Transitions()) {
    if (t.from == from && t.action == action && t.actor == actor) return t.to;
  }
  return std::nullopt;
}

std::optional<Action> AdminActionFor(Status from, Status to) {
  for (const auto& t : Transitions()) {
    if (t.from == from && t.to == to && t.actor == Actor::kAdmin) return t.action;
  }
  return std::nullopt;
}

void CheckFields(const OrderFields& fields, std::optional<time::TimePoint> start,
                 std::optional<time::TimePoint> end, std::vector<FieldProblem>& problems) {
  if (fields.title && IsBlank(*fields.title)) problems.push_back({"title", "must not be blank"});
  for (auto [name, value] : {std::pair{"service_start_time", fields.service_start_time},
                             std::pair{"service_end_time", fields.service_end_time}}) {
    if (value && (*value < kEarliestServiceTime || *value > kLatestServiceTime)) {
      problems.push_back({name, "must be between " + time::FormatIso(kEarliestServiceTime) + " and " +
                                    time::FormatIso(kLatestServiceTime)});
    }
  }
  if (start && end && *end <= *start && (fields.service_start_time || fields.service_end_time)) {
    problems.push_back({"service_end_time", "must be after service_start_time"});
  }
}

Outcome<Order, OrderRefusal> ApproveOrder(const Order& order) {
  return Step(order, Action::kApprove, Actor::kAdmin);
}

Outcome<Order, OrderRefusal> RejectOrder(const Order& order, std::string reason) {
  auto after = Step(order, Action::kReject, Actor::kAdmin);
  if (after) after->reject_reason = std::move(reason);
  return after;
}

Outcome<Order, OrderRefusal> CancelOrder(const Order& order, std::int64_t customer_id) {
  if (order.customer_id != customer_id) return OrderRefusal::kNotYourOrder;
  return Step(order, Action::kCancel, Actor::kCustomer);
}

Outcome<Order, OrderRefusal> AcceptOrder(const Order& order, std::int64_t provider_id) {
  auto after = Step(order, Action::kAccept, Actor::kProvider);
  if (after) after->provider_id = provider_id;
  return after;
}

Outcome<Order, OrderRefusal> StartOrder(const Order& order, std::int64_t provider_id) {
  if (order.provider_id != provider_id) return OrderRefusal::kNotAssignedToYou;
  return Step(order, Action::kStart, Actor::kProvider);
}

Outcome<Order, OrderRefusal> CompleteOrder(const Order& order, std::int64_t provider_id) {
  if (order.provider_id != provider_id) return OrderRefusal::kNotAssignedToYou;
  return Step(order, Action::kComplete, Actor::kProvider);
}

std::optional<OrderRefusal> CustomerMaySee(const Order& order, std::int64_t customer_id) {
  if (order.customer_id != customer_id) return OrderRefusal::kNotYourOrder;
  return std::nullopt;
}

std::optional<OrderRefusal> ProviderMaySee(const Order& order, std::int64_t provider_id) {
  if (order.provider_id != provider_id) return OrderRefusal::kNotYourOrder;
  return std::nullopt;
}

std::optional<OrderRefusal> ProviderMayConsider(const Order& order) {
  if (order.status != Status::kPending) return OrderRefusal::kNotAvailable;
  return std::nullopt;
}

EventOutcome RecordPayment(const Order& order) {
  if (order.payment_status != PaymentStatus::kUnpaid) return std::optional<Order>();
  Order after = order;
  after.payment_status = PaymentStatus::kPaid;
  return std::optional(after);
}

EventOutcome RecordRefund(const Order& order) {
  if (order.payment_status == PaymentStatus::kRefunded) return std::optional<Order>();
  Order after = order;
  after.payment_status = PaymentStatus::kRefunded;
  return std::optional(after);
}

EventOutcome RecordReview(const Order& order) {
  auto next = Next(order.status, Action::kReview, Actor::kSystem);
  if (!next && order.status != Status::kReviewed && order.status != Status::kCancelled) {
    return EventRefusal::kNotCompletedYet;
  }
  Order after = order;
  after.has_review = true;
  if (next) after.status = *next;
  if (after.has_review == order.has_review && after.status == order.status) return std::optional<Order>();
  return std::optional(after);
}

Order PublishOrder(std::int64_t customer_id, const OrderFields& fields) {
  Order order;
  order.customer_id = customer_id;
  order.title = fields.title.value_or("");
  order.description = fields.description;
  order.service_type = fields.service_type.value_or("");
  order.price = fields.price.value_or(0);
  order.location = fields.location.value_or("");
  order.address = fields.address;
  order.service_start_time = fields.service_start_time;
  order.service_end_time = fields.service_end_time;
  return order;
}

void CheckEdit(const Order& order, const OrderFields& fields, std::vector<FieldProblem>& problems) {
  auto start = fields.service_start_time ? fields.service_start_time : order.service_start_time;
  auto end = fields.service_end_time ? fields.service_end_time : order.service_end_time;
  CheckFields(fields, start, end, problems);
}

Outcome<Order, OrderRefusal> EditOrder(const Order& order, const OrderEdit& edit) {
  const auto& f = edit.fields;
  Order after = order;
  if (f.title) after.title = *f.title;
  if (f.description) after.description = f.description;
  if (f.service_type) after.service_type = *f.service_type;
  if (f.price) after.price = *f.price;
  if (f.location) after.location = *f.location;
  if (f.address) after.address = f.address;
  if (f.service_start_time) after.service_start_time = f.service_start_time;
  if (f.service_end_time) after.service_end_time = f.service_end_time;
  if (edit.status && *edit.status != order.status) {
    auto action = AdminActionFor(order.status, *edit.status);
    if (!action) return OrderRefusal::kInvalidTransition;
    after.status = *edit.status;  // the admin row of `action` leads there
  }
  return after;
}

}  // namespace mp::order::domain

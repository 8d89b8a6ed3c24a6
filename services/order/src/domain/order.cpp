#include "services/order/src/domain/order.hpp"

#include <algorithm>

namespace mp::order::domain {

const std::vector<std::string_view> kStatusNames = {"pending_review", "pending",  "accepted", "in_progress",
                                                    "completed",      "reviewed", "cancelled"};
const std::vector<std::string_view> kServiceTypes = {"cleaning_repair",    "it_technology",     "education_training",
                                                     "life_health",        "design_consulting", "other"};
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

std::optional<Status> ParseStatus(std::string_view text) {
  for (auto status : kAllStatuses) {
    if (Name(status) == text) return status;
  }
  return std::nullopt;
}

std::optional<PaymentStatus> ParsePaymentStatus(std::string_view text) {
  for (auto status : {PaymentStatus::kUnpaid, PaymentStatus::kPaid, PaymentStatus::kRefunded}) {
    if (Name(status) == text) return status;
  }
  return std::nullopt;
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

Status Apply(Status from, Action action, Actor actor) {
  if (auto to = Next(from, action, actor)) return *to;
  switch (action) {
    case Action::kApprove:
    case Action::kReject:
      throw ApiError::Conflict("Only pending_review orders can be approved/rejected", "order_not_pending_review");
    case Action::kCancel:
      throw ApiError::Conflict("The order cannot be cancelled!", "order_not_cancellable");
    case Action::kAccept:
      if (from == Status::kPendingReview || from == Status::kCancelled) {
        throw ApiError::Conflict("This order is no longer available for acceptance", "order_not_available");
      }
      throw ApiError::Conflict("The order has already been accepted!", "order_already_accepted");
    case Action::kStart:
      throw ApiError::Conflict("Order must be accepted before starting", "order_not_accepted");
    case Action::kComplete:
      throw ApiError::Conflict("Order must be in progress before completing", "order_not_in_progress");
    case Action::kReview:
      throw ApiError::Conflict("Only completed orders can be reviewed", "order_not_completed");
  }
  throw ApiError::Conflict("This change is not allowed in the order's current status", "invalid_transition");
}

std::optional<Action> AdminActionFor(Status from, Status to) {
  for (const auto& t : Transitions()) {
    if (t.from == from && t.to == to && t.actor == Actor::kAdmin) return t.action;
  }
  return std::nullopt;
}

void CheckFields(const OrderFields& fields, std::optional<time::TimePoint> start, std::optional<time::TimePoint> end,
                 std::vector<FieldProblem>& problems) {
  if (fields.title && fields.title->find_first_not_of(" \t\r\n") == std::string::npos) {
    problems.push_back({"title", "must not be blank"});
  }
  // A marketplace needs far less than DATETIME's years 1000-9999 (time::ParseIso stops at 2200).
  static const auto kEarliest = *time::ParseIso("2000-01-01T00:00:00Z");
  static const auto kLatest = *time::ParseIso("2199-12-31T23:59:59Z");
  for (auto [name, value] : {std::pair{"service_start_time", fields.service_start_time},
                             std::pair{"service_end_time", fields.service_end_time}}) {
    if (value && (*value < kEarliest || *value > kLatest)) {
      problems.push_back({name, "must be between 2000-01-01 and 2199-12-31"});
    }
  }
  if (start && end && *end <= *start && (fields.service_start_time || fields.service_end_time)) {
    problems.push_back({"service_end_time", "must be after service_start_time"});
  }
}

std::string LikeContains(std::string_view keyword) {
  std::string pattern = "%";
  for (char c : keyword) {
    if (c == '%' || c == '_' || c == '!') pattern.push_back('!');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

}  // namespace mp::order::domain

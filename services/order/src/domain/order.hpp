#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/core/money.hpp"
#include "libs/core/outcome.hpp"
#include "libs/core/problem.hpp"
#include "libs/core/time.hpp"

// Orders and their lifecycle (DESIGN.md "Order lifecycle"): every change is a decision that returns the
// order after it or the reason it is refused. Depends on libs/core only.
namespace mp::order::domain {

enum class Status { kPendingReview, kPending, kAccepted, kInProgress, kCompleted, kReviewed, kCancelled };
enum class PaymentStatus { kUnpaid, kPaid, kRefunded };

inline constexpr std::array<Status, 7> kAllStatuses = {
    Status::kPendingReview, Status::kPending,  Status::kAccepted, Status::kInProgress,
    Status::kCompleted,     Status::kReviewed, Status::kCancelled};
// Statuses a customer's "active orders" list shows.
inline constexpr std::array<Status, 4> kActiveStatuses = {Status::kPendingReview, Status::kPending,
                                                          Status::kAccepted, Status::kInProgress};

std::string_view Name(Status status);
std::string_view Name(PaymentStatus status);
std::optional<Status> ParseStatus(std::string_view text);
std::optional<PaymentStatus> ParsePaymentStatus(std::string_view text);

// Allowed values, as the API and the SQL ENUM columns spell them.
extern const std::vector<std::string_view> kStatusNames;
extern const std::vector<std::string_view> kServiceTypes;
extern const std::vector<std::string_view> kLocations;

// Field limits of spec/api-v1.md.
inline constexpr std::size_t kTitleMax = 255;
inline constexpr std::size_t kAddressMax = 255;
inline constexpr std::size_t kDescriptionMax = 5000;
inline constexpr std::size_t kReasonMax = 1000;
inline constexpr std::size_t kKeywordMax = 100;
inline constexpr money::Cents kPriceMin = 1;
inline constexpr money::Cents kPriceMax = money::kMaxCents;

struct Order {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> provider_id;
  std::string title;
  std::optional<std::string> description;
  std::string service_type;
  Status status = Status::kPendingReview;
  money::Cents price = 0;
  std::string location;
  std::optional<std::string> address;
  std::optional<time::TimePoint> service_start_time;
  std::optional<time::TimePoint> service_end_time;
  time::TimePoint created_at{};
  time::TimePoint updated_at{};
  PaymentStatus payment_status = PaymentStatus::kUnpaid;
  bool has_review = false;
  std::int64_t version = 0;
  std::optional<std::string> reject_reason;
};

// ---- The state machine: one table of (from, action, who) -> to. -------------------------------------------
enum class Action {
  kApprove,   // admin: pending_review -> pending
  kReject,    // admin: pending_review -> cancelled
  kCancel,    // the order's customer (or an admin): pending_review | pending | accepted -> cancelled
  kAccept,    // a provider: pending -> accepted (becomes the order's provider)
  kStart,     // the order's provider (or an admin): accepted -> in_progress
  kComplete,  // the order's provider (or an admin): in_progress -> completed
  kReview,    // the system, on review.created: completed -> reviewed
};
enum class Actor { kCustomer, kProvider, kAdmin, kSystem };

inline constexpr std::array<Action, 7> kAllActions = {Action::kApprove, Action::kReject, Action::kCancel,
                                                      Action::kAccept,  Action::kStart,  Action::kComplete,
                                                      Action::kReview};
inline constexpr std::array<Actor, 4> kAllActors = {Actor::kCustomer, Actor::kProvider, Actor::kAdmin,
                                                    Actor::kSystem};

struct Transition {
  Status from;
  Action action;
  Actor actor;
  Status to;
};
// Every allowed transition; anything not listed is refused.
const std::vector<Transition>& Transitions();

// The status `action` by `actor` leads to from `from`, or nullopt when the table does not allow it.
// Ownership (the customer's own order, the assigned provider) is checked by the decisions below.
std::optional<Status> Next(Status from, Action action, Actor actor);
// The action an admin's status edit (PUT) stands for, if any: e.g. in_progress -> completed is kComplete.
// Accepting (needs a provider) and reviewing (needs a review) cannot be done by editing the status.
std::optional<Action> AdminActionFor(Status from, Status to);

// Why an order may not be seen or changed (the API layer turns each into a status and a text).
enum class OrderRefusal {
  kNotYourOrder,       // the caller is not the order's customer (or, viewing, not its provider)
  kNotAssignedToYou,   // a provider changing the status of an order another provider accepted
  kNotPendingReview,   // approve / reject: only pending_review
  kNotCancellable,     // cancel: work started, or already cancelled
  kNotAvailable,       // accept / view as available: not approved yet, or cancelled
  kAlreadyAccepted,    // accept: a provider took it already
  kNotAccepted,        // start: not accepted
  kNotInProgress,      // complete: not in progress
  kNotCompleted,       // review: not completed
  kInvalidTransition,  // an admin's status edit that is no admin row of the table
};

// ---- Decisions --------------------------------------------------------------------------------------------
// Each returns the order after the change (its status, provider or reason set) or why it is refused.
// Ownership is checked before the status, so nobody learns the state of someone else's order.

Outcome<Order, OrderRefusal> ApproveOrder(const Order& order);
Outcome<Order, OrderRefusal> RejectOrder(const Order& order, std::string reason);
// The order's customer cancels it (pending_review, pending or accepted).
Outcome<Order, OrderRefusal> CancelOrder(const Order& order, std::int64_t customer_id);
// A provider takes a pending order and becomes its provider.
Outcome<Order, OrderRefusal> AcceptOrder(const Order& order, std::int64_t provider_id);
// The order's provider starts (accepted -> in_progress) or completes (in_progress -> completed) the work.
Outcome<Order, OrderRefusal> StartOrder(const Order& order, std::int64_t provider_id);
Outcome<Order, OrderRefusal> CompleteOrder(const Order& order, std::int64_t provider_id);

// Who may see an order: its customer; its assigned provider; any provider while it is pending (available).
std::optional<OrderRefusal> CustomerMaySee(const Order& order, std::int64_t customer_id);
std::optional<OrderRefusal> ProviderMaySee(const Order& order, std::int64_t provider_id);
std::optional<OrderRefusal> ProviderMayConsider(const Order& order);

// ---- What the other services tell us (the events consumer) ------------------------------------------------
// Events arrive in any order (a redelivery, two replicas of a producer), so each is a fact recorded so that
// any order of arrival ends in the same order state (docs/adr/0011-events-in-any-order.md). A fact that
// presupposes a state the order has not reached yet is refused as not yet applicable: the consumer records
// nothing and tries it again later.
enum class EventRefusal {
  kNotCompletedYet,  // a review of an order whose completion we have not seen (it can only follow it)
};
// The order after the fact, nullopt when it changes nothing (already recorded, or implied by a later fact),
// or why it cannot be recorded yet.
using EventOutcome = Outcome<std::optional<Order>, EventRefusal>;

// payment.completed: unpaid -> paid; a refunded order stays refunded (the refund came first).
EventOutcome RecordPayment(const Order& order);
// refund.processed (completed): unpaid | paid -> refunded. A completed refund implies the completed payment,
// so it is recorded even before payment.completed, and that one then changes nothing.
EventOutcome RecordRefund(const Order& order);
// review.created: has_review, and completed -> reviewed. A review is only ever written for a completed order,
// so an order before completion refuses it as kNotCompletedYet; a cancelled one (final) is only marked.
EventOutcome RecordReview(const Order& order);

// ---- Validation of what clients send
// ------------------------------------------------------------------------
struct OrderFields {
  std::optional<std::string> title, description, service_type, location, address;
  std::optional<money::Cents> price;
  std::optional<time::TimePoint> service_start_time, service_end_time;
};

// The service times an order may have (a marketplace needs far less than DATETIME's years 1000-9999).
inline constexpr time::TimePoint kEarliestServiceTime{std::chrono::sys_days{std::chrono::year{2000} / 1 / 1}};
inline constexpr time::TimePoint kLatestServiceTime{std::chrono::sys_days{std::chrono::year{2199} / 12 / 31} +
                                                    std::chrono::seconds{86399}};

// Problems with the values (not their JSON types, which the API reader checks): blank title, times out of
// range or end not after start. `start`/`end` are the times the order will have after the change.
void CheckFields(const OrderFields& fields, std::optional<time::TimePoint> start,
                 std::optional<time::TimePoint> end, std::vector<FieldProblem>& problems);

// A customer's new order (status pending_review, unpaid) from fields that passed the checks (all required
// ones present). Id, times and version are set by the store.
Order PublishOrder(std::int64_t customer_id, const OrderFields& fields);

// An admin's edit: the fields given replace the stored ones, and a status change must follow an admin row
// of the lifecycle table (kInvalidTransition otherwise).
struct OrderEdit {
  OrderFields fields;
  std::optional<Status> status;
};
// CheckFields of the edit against the times the order will have after it (the stored ones count too).
void CheckEdit(const Order& order, const OrderFields& fields, std::vector<FieldProblem>& problems);
Outcome<Order, OrderRefusal> EditOrder(const Order& order, const OrderEdit& edit);

}  // namespace mp::order::domain

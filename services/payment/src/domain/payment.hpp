#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/core/money.hpp"
#include "libs/core/outcome.hpp"
#include "libs/core/problem.hpp"
#include "libs/core/time.hpp"

// Payments (simulated charges of completed orders), refund requests and their decisions, and the rules of
// the Idempotency-Key of a payment. Depends on libs/core only.
namespace mp::payment::domain {

// pending/failed exist for a real processor; the simulated one approves at once (README "Processor").
enum class PaymentStatus { kPending, kCompleted, kFailed, kRefunded };
enum class RefundStatus { kPending, kCompleted, kRejected };

std::string_view Name(PaymentStatus status);
std::string_view Name(RefundStatus status);
std::optional<PaymentStatus> ParsePaymentStatus(std::string_view text);
std::optional<RefundStatus> ParseRefundStatus(std::string_view text);
// Allowed values of the admin list's ?status= filter, as the SQL ENUM spells them.
extern const std::vector<std::string_view> kRefundStatusNames;

inline constexpr std::string_view kPaymentMethod = "simulated";
// Limits of the request fields.
inline constexpr std::int64_t kIdMin = 1;
inline constexpr std::int64_t kIdMax = INT64_MAX;
inline constexpr std::size_t kReasonMax = 500;
inline constexpr std::size_t kIdempotencyKeyMax = 255;

// What a payment charged and its refund gives back: the order's price, paid by its customer to its provider.
// (Payment and Refund give every other member a default, so either is made from a Charge alone.)
struct Charge {
  std::int64_t order_id = 0;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> provider_id;
  money::Cents amount = 0;
};

struct Payment : Charge {
  std::int64_t id = 0;
  PaymentStatus status = PaymentStatus::kCompleted;
  std::string transaction_id{};
  time::TimePoint created_at{};
  time::TimePoint updated_at{};
};

// A refund of a payment's whole charge.
struct Refund : Charge {
  std::int64_t id = 0;
  std::int64_t payment_id = 0;
  RefundStatus status = RefundStatus::kPending;
  std::string reason{};                          // the customer's
  std::optional<std::string> decision_reason{};  // the admin's (required for a rejection)
  std::optional<std::int64_t> decided_by{};
  std::optional<time::TimePoint> decided_at{};
  time::TimePoint created_at{};
  time::TimePoint updated_at{};
};

// Why a payment, a refund request or a refund decision is refused (the API layer turns each into a status
// and a text).
enum class PaymentRefusal {
  kNotYourOrder,            // paying someone else's order
  kAlreadyPaid,             // the order's payment_status is not unpaid, or it has a live payment already
  kNotCompleted,            // the order's work is not completed
  kNoPayment,               // a refund of an order without a payment (only the order service knows why)
  kNotYourPayment,          // a refund of someone else's payment
  kAlreadyRefunded,         // a refund of a refunded payment
  kNotPaid,                 // a refund of a payment that is pending or failed
  kRefundPending,           // a refund of the order waits for its decision already
  kRefundNotFound,          // a decision on a refund that does not exist
  kRefundAlreadyCompleted,  // a second decision on an approved refund
  kRefundAlreadyRejected,   // a second decision on a rejected refund
  kPaymentPending,          // approving a refund of a payment that is pending,
  kPaymentFailed,           // failed
  kPaymentRefunded,         // or refunded meanwhile
  kReasonRequired,          // rejecting a refund without a reason
};

// ---- Paying an order
// ---------------------------------------------------------------------------------------

// What the order service says about the order (its OrderDetail, reduced to what paying needs).
struct OrderSnapshot {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> provider_id;
  std::string status;          // pending_review ... completed, reviewed, cancelled
  std::string payment_status;  // unpaid | paid | refunded
  money::Cents price = 0;

  friend bool operator==(const OrderSnapshot&, const OrderSnapshot&) = default;
};

// The payment to write for `order` paid by `caller`, or why not: kNotYourOrder (before anything about the
// order's state), kAlreadyPaid (payment_status is not unpaid; checked first, so a paid and reviewed order
// says so), kNotCompleted. The order's price is valid (the order client refuses any other answer). Id,
// transaction id and times are set by the store.
Outcome<Payment, PaymentRefusal> DecidePayment(const OrderSnapshot& order, std::int64_t caller);

// The text of the successful answer and of the ledger row (marketplace wording, also kept in the ledger).
std::string PaidMessage(std::int64_t order_id);
std::string PaymentLedgerText(std::int64_t order_id);

// ---- Idempotency-Key
// ---------------------------------------------------------------------------------------

inline constexpr std::string_view kIdempotencyHeader = "Idempotency-Key";

// The key as sent, or a problem: 1-255 visible ASCII characters (0x21-0x7E), compared case-sensitively.
// nullopt (and a problem in `problems`) when it is not a usable key.
std::optional<std::string> CheckIdempotencyKey(std::string_view header_value,
                                               std::vector<FieldProblem>& problems);

// The first answer given for a key, as stored with the payment.
struct StoredAnswer {
  std::int64_t order_id = 0;  // what the key was first used for
  int status = 200;
  std::string body;  // the response body, byte for byte
};

// A repeated key is for the first answer's order only (a key names one request): a problem with the header
// when it comes with another order.
void CheckKeyReuse(const StoredAnswer& first, std::int64_t order_id, std::vector<FieldProblem>& problems);

// ---- Refunds
// -------------------------------------------------------------------------------------------------

// The refund `caller` asks for on `payment`, or why not: kNotYourPayment, kAlreadyRefunded, kNotPaid, or
// kRefundPending. Always the full amount. Id and times set by the store.
Outcome<Refund, PaymentRefusal> DecideRefundRequest(const Payment& payment, std::int64_t caller,
                                                    bool refund_pending, std::string reason);

// An admin's decision on a pending refund of `payment`: `refund` changed to completed or rejected (the
// payment becomes refunded on approval; see PaymentAfterRefund). Refused when the refund was decided already
// (kRefundAlreadyCompleted/Rejected) or, approving, the payment is not completed (kPaymentPending/Failed/
// Refunded). A rejection needs a reason (kReasonRequired; the API checks it first).
Outcome<Refund, PaymentRefusal> DecideRefund(const Refund& refund, const Payment& payment, bool approved,
                                             std::optional<std::string> reason, std::int64_t admin_id,
                                             time::TimePoint now);
// The payment after its refund was approved.
Payment PaymentAfterRefund(const Payment& payment, time::TimePoint now);

std::string RefundRequestedMessage(const Refund& refund);
// "Refund for order N completed." / "Refund for order N was rejected: <reason>." (the inbox texts).
std::string RefundDecisionMessage(const Refund& refund);
std::string RefundLedgerText(const Refund& refund);

}  // namespace mp::payment::domain

#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/core/outcome.hpp"
#include "libs/sql/pool.hpp"
#include "services/payment/src/domain/payment.hpp"

// MariaDB/MySQL persistence of payments, refunds, the `transactions` ledger and idempotency keys. Every
// change is one transaction with its ledger row and its outbox event; concurrent changes are serialised on
// the payment row (SELECT ... FOR UPDATE, always the payment before its refunds) and guarded by unique keys
// and conditional UPDATEs. Blocking: call from the blocking pool.
namespace mp::payment::store {

// A payment with its refund requests, newest first.
struct PaymentRecord {
  domain::Payment payment;
  std::vector<domain::Refund> refunds;
};

struct Page {
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

template <class T>
struct ListResult {
  std::vector<T> items;
  std::int64_t total = 0;
};

// The answer to send for a new payment (also stored under its Idempotency-Key).
using RenderAnswer = std::function<domain::StoredAnswer(const domain::Payment&)>;
using PaymentEvent = std::function<bus::Event(const domain::Payment&)>;
using RefundEvent = std::function<bus::Event(const domain::Refund&)>;

struct PayResult {
  domain::StoredAnswer answer;  // the answer for the new payment, or the first answer of a repeated key
  std::optional<domain::Payment> created;  // empty when `answer` is a replay
};

// A row changed between our locked read and our write (a concurrent writer won): nothing was written.
class ConcurrentChange : public std::runtime_error {
 public:
  enum class Row { kRefund, kPayment };
  ConcurrentChange(Row row, std::int64_t id)
      : std::runtime_error((row == Row::kRefund ? "refund " : "payment ") + std::to_string(id) +
                           " changed concurrently"),
        row_(row) {}
  Row row() const { return row_; }

 private:
  Row row_;
};

class PaymentStore {
 public:
  explicit PaymentStore(sql::Pool& pool) : pool_(pool) {}

  // The first answer given for the customer's key, if any.
  std::optional<domain::StoredAnswer> FindAnswer(std::int64_t customer_id, const std::string& key);

  // Writes the payment (status, ids and times set here), its ledger row, its event and, with a key, the
  // rendered answer under the key: all or nothing. When the order already has a live payment (the unique key
  // refuses the row, also when a concurrent request just committed one): the first answer of `key` if that
  // request was the same key's, else kAlreadyPaid.
  Outcome<PayResult, domain::PaymentRefusal> Pay(domain::Payment payment,
                                                 const std::optional<std::string>& key,
                                                 const RenderAnswer& render, const PaymentEvent& event);

  // The customer's refund request for the order's payment (domain::DecideRefundRequest decides) with its
  // event, or its refusal; kNoPayment when the order has no payment (only the order service can tell why).
  Outcome<domain::Refund, domain::PaymentRefusal> RequestRefund(std::int64_t order_id,
                                                                std::int64_t customer_id, std::string reason,
                                                                const RefundEvent& event);

  // An admin's decision on a refund (domain::DecideRefund) with, on approval, the payment marked refunded
  // and a refund ledger row; the event either way. kRefundNotFound when the refund does not exist;
  // ConcurrentChange when the refund or payment changed under the lock (not expected: both are locked).
  Outcome<domain::Refund, domain::PaymentRefusal> DecideRefund(std::int64_t refund_id, std::int64_t admin_id,
                                                               bool approved,
                                                               std::optional<std::string> reason,
                                                               const RefundEvent& event);

  std::optional<domain::Payment> FindPayment(std::int64_t payment_id);
  std::optional<domain::Refund> FindRefund(std::int64_t refund_id);

  // The customer's payments, newest first, each with its refunds.
  ListResult<PaymentRecord> ListPayments(std::int64_t customer_id, Page page);
  // All refunds, or those in one status, newest first.
  ListResult<domain::Refund> ListRefunds(std::optional<domain::RefundStatus> status, Page page);

 private:
  sql::Pool& pool_;
};

}  // namespace mp::payment::store

#include "services/payment/src/store/payment_store.hpp"

#include <stdexcept>

#include "libs/bus/sql_outbox.hpp"
#include "libs/security/crypto.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/transaction.hpp"

namespace mp::payment::store {
namespace {

using domain::Payment;
using domain::Refund;

// Every SQL statement of the payment service.
constexpr std::string_view kPaymentColumns =
    "id, order_id, customer_id, provider_id, amount, status, transaction_id, created_at, updated_at";
constexpr std::string_view kRefundColumns =
    "id, payment_id, order_id, customer_id, provider_id, amount, status, reason, decision_reason, "
    "decided_by, "
    "decided_at, created_at, updated_at";

std::string Select(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

constexpr std::string_view kInsertPayment =
    "INSERT INTO payments (order_id, customer_id, provider_id, amount, payment_method, status, "
    "transaction_id, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, 'simulated', ?, ?, ?, ?)";
const std::string kSelectPayment = Select(kPaymentColumns, "FROM payments WHERE id = ?");
const std::string kLockPayment = Select(kPaymentColumns, "FROM payments WHERE id = ? FOR UPDATE");
// The order's live payment (charged_order_id is NULL only for failed ones).
const std::string kLockPaymentOfOrder =
    Select(kPaymentColumns, "FROM payments WHERE charged_order_id = ? FOR UPDATE");
constexpr std::string_view kMarkRefunded =
    "UPDATE payments SET status = 'refunded', updated_at = ? WHERE id = ? AND status = 'completed'";
constexpr std::string_view kCountPayments = "SELECT COUNT(*) FROM payments WHERE customer_id = ?";
const std::string kPagePayments =
    Select(kPaymentColumns,
           "FROM payments WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");
// The refunds of the payments kPagePayments returns (MySQL takes a LIMIT in a derived table, not in IN
// (...)).
const std::string kRefundsOfPage =
    Select(kRefundColumns,
           "FROM refunds WHERE payment_id IN (SELECT id FROM (SELECT id FROM payments WHERE customer_id = ? "
           "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?) AS page) ORDER BY created_at DESC, id DESC");

constexpr std::string_view kInsertLedger =
    "INSERT INTO transactions (user_id, transaction_type, amount, reference_id, payment_id, order_id, "
    "description, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

constexpr std::string_view kInsertAnswer =
    "INSERT INTO idempotency_keys (customer_id, idempotency_key, order_id, payment_id, response_status, "
    "response_body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectAnswer =
    "SELECT order_id, response_status, response_body FROM idempotency_keys WHERE customer_id = ? AND "
    "idempotency_key = ?";

constexpr std::string_view kInsertRefund =
    "INSERT INTO refunds (payment_id, order_id, customer_id, provider_id, amount, status, reason, "
    "created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)";
const std::string kSelectRefund = Select(kRefundColumns, "FROM refunds WHERE id = ?");
const std::string kLockRefund = Select(kRefundColumns, "FROM refunds WHERE id = ? FOR UPDATE");
// A plain read: the payment's row lock already serialises refund requests of one order (the read view
// starts after that lock is granted, so it sees the refund a previous holder committed). A locking read
// here took a gap lock on the unique index when no refund was open, and two requests for different orders
// then deadlocked on each other's gap when they inserted (503 store_busy in the concurrent e2e lifecycle).
constexpr std::string_view kOpenRefundOfOrder = "SELECT id FROM refunds WHERE open_order_id = ?";
constexpr std::string_view kPaymentOfRefund = "SELECT payment_id FROM refunds WHERE id = ?";
constexpr std::string_view kDecideRefund =
    "UPDATE refunds SET status = ?, decision_reason = ?, decided_by = ?, decided_at = ?, updated_at = ? "
    "WHERE id = ? AND status = 'pending'";
constexpr std::string_view kCountRefunds = "SELECT COUNT(*) FROM refunds";
constexpr std::string_view kCountRefundsByStatus = "SELECT COUNT(*) FROM refunds WHERE status = ?";
const std::string kPageRefunds =
    Select(kRefundColumns, "FROM refunds ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");
const std::string kPageRefundsByStatus = Select(
    kRefundColumns, "FROM refunds WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");

// Columns first .. first + 3 of a payment's or a refund's row: order_id, customer_id, provider_id, amount.
domain::Charge ChargeFromRow(const sql::Row& row, std::size_t first, std::string_view table) {
  return {row.Int(first), row.Int(first + 1), row.OptInt(first + 2),
          row.Parsed(first + 3, money::Parse, std::string(table) + ".amount is not a DECIMAL(10,2)")};
}

Payment PaymentFromRow(const sql::Row& row) {
  Payment p{ChargeFromRow(row, 1, "payments")};
  p.id = row.Int(0);
  p.status = row.Parsed(5, domain::ParsePaymentStatus, "payments.status holds an unknown value");
  p.transaction_id = row.String(6);
  p.created_at = row.Time(7);
  p.updated_at = row.Time(8);
  return p;
}

Refund RefundFromRow(const sql::Row& row) {
  Refund r{ChargeFromRow(row, 2, "refunds")};
  r.id = row.Int(0);
  r.payment_id = row.Int(1);
  r.status = row.Parsed(6, domain::ParseRefundStatus, "refunds.status holds an unknown value");
  r.reason = row.String(7);
  r.decision_reason = row.OptString(8);
  r.decided_by = row.OptInt(9);
  r.decided_at = row.OptTime(10);
  r.created_at = row.Time(11);
  r.updated_at = row.Time(12);
  return r;
}

std::optional<Payment> OnePayment(sql::Connection& connection, std::string_view sql, std::int64_t key) {
  auto rows = connection.Query(sql, {key});
  if (rows.empty()) return std::nullopt;
  return PaymentFromRow(rows.front());
}

std::optional<Refund> OneRefund(sql::Connection& connection, std::string_view sql, std::int64_t key) {
  auto rows = connection.Query(sql, {key});
  if (rows.empty()) return std::nullopt;
  return RefundFromRow(rows.front());
}

void WriteLedger(sql::Connection& connection, std::int64_t user_id, std::string_view type,
                 money::Cents amount, std::int64_t reference_id, std::int64_t payment_id,
                 std::int64_t order_id, const std::string& text, time::TimePoint at) {
  connection.Execute(kInsertLedger, {user_id, std::string(type), money::Format(amount), reference_id,
                                     payment_id, order_id, text, at});
}

}  // namespace

std::optional<domain::StoredAnswer> PaymentStore::FindAnswer(std::int64_t customer_id,
                                                             const std::string& key) {
  auto connection = pool_.Acquire();
  auto rows = connection->Query(kSelectAnswer, {customer_id, key});
  if (rows.empty()) return std::nullopt;
  return domain::StoredAnswer{rows.front().Int(0), static_cast<int>(rows.front().Int(1)),
                              rows.front().String(2)};
}

Outcome<PayResult, domain::PaymentRefusal> PaymentStore::Pay(Payment payment,
                                                             const std::optional<std::string>& key,
                                                             const RenderAnswer& render,
                                                             const PaymentEvent& event) {
  try {
    auto connection = pool_.Acquire();
    sql::Transaction tx(connection);
    payment.created_at = payment.updated_at = time::NowSeconds();
    payment.status = domain::PaymentStatus::kCompleted;  // the simulated processor approves at once
    payment.transaction_id = security::NewUuid();
    // The unique key on charged_order_id refuses a second live payment of the order here; a concurrent
    // insert waits for the first transaction and fails once it commits.
    auto inserted = connection->Execute(
        kInsertPayment, {payment.order_id, payment.customer_id, sql::Nullable(payment.provider_id),
                         money::Format(payment.amount), std::string(domain::Name(payment.status)),
                         payment.transaction_id, payment.created_at, payment.updated_at});
    payment.id = static_cast<std::int64_t>(inserted.last_insert_id);
    WriteLedger(connection.get(), payment.customer_id, "payment", payment.amount, payment.id, payment.id,
                payment.order_id, domain::PaymentLedgerText(payment.order_id), payment.created_at);
    bus::Enqueue(connection, event(payment));
    domain::StoredAnswer answer = render(payment);
    if (key) {
      connection->Execute(kInsertAnswer, {payment.customer_id, *key, payment.order_id, payment.id,
                                          std::int64_t{answer.status}, answer.body, payment.created_at});
    }
    tx.Commit();
    return PayResult{std::move(answer), std::move(payment)};
  } catch (const sql::Error& error) {
    if (!error.duplicate_key()) throw;
  }
  // Rolled back. Either the order is paid, or this key was used by a request that committed first (the
  // same order: its answer again; another order: the caller's CheckKeyReuse says 422).
  if (key) {
    if (auto first = FindAnswer(payment.customer_id, *key)) return PayResult{std::move(*first), std::nullopt};
  }
  return domain::PaymentRefusal::kAlreadyPaid;
}

Outcome<Refund, domain::PaymentRefusal> PaymentStore::RequestRefund(std::int64_t order_id,
                                                                    std::int64_t customer_id,
                                                                    std::string reason,
                                                                    const RefundEvent& event) {
  try {
    auto connection = pool_.Acquire();
    sql::Transaction tx(connection);
    auto payment = OnePayment(connection.get(), kLockPaymentOfOrder, order_id);
    if (!payment) return domain::PaymentRefusal::kNoPayment;
    bool pending = !connection->Query(kOpenRefundOfOrder, {order_id}).empty();
    auto decided = domain::DecideRefundRequest(*payment, customer_id, pending, std::move(reason));
    if (!decided) return decided;  // the transaction rolls back: nothing was written
    Refund refund = *std::move(decided);
    refund.created_at = refund.updated_at = time::NowSeconds();
    auto inserted =
        connection->Execute(kInsertRefund, {refund.payment_id, refund.order_id, refund.customer_id,
                                            sql::Nullable(refund.provider_id), money::Format(refund.amount),
                                            refund.reason, refund.created_at, refund.updated_at});
    refund.id = static_cast<std::int64_t>(inserted.last_insert_id);
    bus::Enqueue(connection, event(refund));
    tx.Commit();
    return refund;
  } catch (const sql::Error& error) {
    // The payment lock serialises requests, so only a writer that skipped it could get here; the unique
    // key on open_order_id still holds.
    if (error.duplicate_key()) return domain::PaymentRefusal::kRefundPending;
    throw;
  }
}

Outcome<Refund, domain::PaymentRefusal> PaymentStore::DecideRefund(std::int64_t refund_id,
                                                                   std::int64_t admin_id, bool approved,
                                                                   std::optional<std::string> reason,
                                                                   const RefundEvent& event) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto payment_of = connection->Query(kPaymentOfRefund, {refund_id});
  if (payment_of.empty()) return domain::PaymentRefusal::kRefundNotFound;
  // The payment first, then the refund: the same order as RequestRefund, so the two never deadlock.
  auto payment = OnePayment(connection.get(), kLockPayment, payment_of.front().Int(0));
  auto before = OneRefund(connection.get(), kLockRefund, refund_id);
  if (!payment || !before)
    throw std::runtime_error("refund " + std::to_string(refund_id) + " has no payment");
  auto now = time::NowSeconds();
  auto decided = domain::DecideRefund(*before, *payment, approved, std::move(reason), admin_id, now);
  if (!decided) return decided;  // the transaction rolls back: nothing was written
  Refund after = *std::move(decided);
  auto updated = connection->Execute(
      kDecideRefund,
      {std::string(domain::Name(after.status)), sql::Nullable(after.decision_reason),
       sql::Nullable(after.decided_by), sql::Nullable(after.decided_at), after.updated_at, after.id});
  if (updated.affected_rows != 1) throw ConcurrentChange(ConcurrentChange::Row::kRefund, after.id);
  if (after.status == domain::RefundStatus::kCompleted) {
    Payment refunded = domain::PaymentAfterRefund(*payment, now);
    auto marked = connection->Execute(kMarkRefunded, {refunded.updated_at, refunded.id});
    if (marked.affected_rows != 1) throw ConcurrentChange(ConcurrentChange::Row::kPayment, refunded.id);
    WriteLedger(connection.get(), after.customer_id, "refund", after.amount, after.id, after.payment_id,
                after.order_id, domain::RefundLedgerText(after), now);
  }
  bus::Enqueue(connection, event(after));
  tx.Commit();
  return after;
}

std::optional<Payment> PaymentStore::FindPayment(std::int64_t payment_id) {
  auto connection = pool_.Acquire();
  return OnePayment(connection.get(), kSelectPayment, payment_id);
}

std::optional<Refund> PaymentStore::FindRefund(std::int64_t refund_id) {
  auto connection = pool_.Acquire();
  return OneRefund(connection.get(), kSelectRefund, refund_id);
}

ListResult<PaymentRecord> PaymentStore::ListPayments(std::int64_t customer_id, Page page) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);  // one snapshot for the count, the page and its refunds
  ListResult<PaymentRecord> result;
  result.total = connection->Query(kCountPayments, {customer_id}).front().Int(0);
  if (result.total > page.offset) {
    for (const auto& row : connection->Query(kPagePayments, {customer_id, page.limit, page.offset})) {
      result.items.push_back({PaymentFromRow(row), {}});
    }
    for (const auto& row : connection->Query(kRefundsOfPage, {customer_id, page.limit, page.offset})) {
      Refund refund = RefundFromRow(row);
      for (auto& item : result.items) {
        if (item.payment.id == refund.payment_id) {
          item.refunds.push_back(std::move(refund));
          break;
        }
      }
    }
  }
  tx.Commit();
  return result;
}

ListResult<Refund> PaymentStore::ListRefunds(std::optional<domain::RefundStatus> status, Page page) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  ListResult<Refund> result;
  std::vector<sql::Value> filter;
  if (status) filter.emplace_back(std::string(domain::Name(*status)));
  result.total = connection->Query(status ? kCountRefundsByStatus : kCountRefunds, filter).front().Int(0);
  if (result.total > page.offset) {
    auto params = filter;
    params.emplace_back(page.limit);
    params.emplace_back(page.offset);
    for (const auto& row : connection->Query(
             status ? std::string_view(kPageRefundsByStatus) : std::string_view(kPageRefunds), params)) {
      result.items.push_back(RefundFromRow(row));
    }
  }
  tx.Commit();
  return result;
}

}  // namespace mp::payment::store

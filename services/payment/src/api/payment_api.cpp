#include "services/payment/src/api/payment_api.hpp"

#include <optional>
#include <type_traits>

#include "libs/core/log.hpp"
#include "libs/core/validation.hpp"
#include "libs/http/envelope.hpp"
#include "services/payment/src/api/refusals.hpp"
#include "services/payment/src/events/payment_events.hpp"

namespace mp::payment::api {

namespace asio = boost::asio;
using domain::Payment;
using domain::Refund;
using http::Context;
using http::OptJson;
using http::Verb;

namespace {

constexpr std::string_view kPaidMessage = "Payment successful";

// The first answer of an Idempotency-Key, byte for byte.
http::Response Replay(const domain::StoredAnswer& first) {
  auto response = http::Text(static_cast<http::Status>(first.status), first.body, "application/json");
  response.set("Idempotent-Replayed", "true");
  return response;
}

// A reason field: `required` 1-500 characters and not blank; optional ones may be absent (or blank: none).
std::optional<std::string> ReadReason(JsonReader& reader, Presence presence) {
  auto reason =
      reader.String("reason", presence, presence == Presence::kRequired ? 1 : 0, domain::kReasonMax);
  if (reason && IsBlank(*reason)) {
    if (presence == Presence::kRequired) reader.Problem("reason", "must not be blank");
    return std::nullopt;
  }
  return reason;
}

// What a store's lost race means to the client (not expected: the store locks the rows it changes).
ApiError ChangedConcurrently(const store::ConcurrentChange& change) {
  if (change.row() == store::ConcurrentChange::Row::kRefund) {
    return ApiError::Conflict("The refund was decided at the same time; reload it", "refund_not_pending");
  }
  return ApiError::Conflict("The payment was changed at the same time; reload it", "payment_not_refundable");
}

// The first answer of `key` when it was for `order_id`; 422 naming the header when it was for another order.
http::Response ReplayFor(const domain::StoredAnswer& first, std::int64_t order_id) {
  std::vector<FieldProblem> problems;
  domain::CheckKeyReuse(first, order_id, problems);
  if (!problems.empty()) throw ApiError::Validation(std::move(problems));
  return Replay(first);
}

}  // namespace

nlohmann::json PaymentJson(const Payment& p) {
  return {{"payment_id", p.id},
          {"order_id", p.order_id},
          {"customer_id", p.customer_id},
          {"provider_id", OptJson(p.provider_id)},
          {"amount", money::ToDouble(p.amount)},
          {"status", domain::Name(p.status)},
          {"payment_method", domain::kPaymentMethod},
          {"transaction_id", p.transaction_id},
          {"created_at", time::FormatIso(p.created_at)},
          {"updated_at", time::FormatIso(p.updated_at)}};
}

nlohmann::json RefundJson(const Refund& r) {
  return {{"refund_id", r.id},
          {"payment_id", r.payment_id},
          {"order_id", r.order_id},
          {"customer_id", r.customer_id},
          {"provider_id", OptJson(r.provider_id)},
          {"amount", money::ToDouble(r.amount)},
          {"status", domain::Name(r.status)},
          {"reason", r.reason},
          {"decision_reason", OptJson(r.decision_reason)},
          {"decided_by", OptJson(r.decided_by)},
          {"decided_at", OptJson(r.decided_at)},
          {"created_at", time::FormatIso(r.created_at)},
          {"updated_at", time::FormatIso(r.updated_at)}};
}

nlohmann::json PaidJson(const Payment& payment) {
  auto data = PaymentJson(payment);
  data["message"] = domain::PaidMessage(payment.order_id);
  return data;
}

PaymentApi::PaymentApi(http::App& app, store::PaymentStore& payments, clients::OrderClient& orders,
                       const identity::Authenticator& authn, bus::OutboxRelay& relay)
    : app_(app), payments_(payments), orders_(orders), authn_(authn), relay_(relay) {}

void PaymentApi::Register() {
  auto& r = app_.router();
  auto customer = authn_.RequireRole(identity::kCustomer);
  auto admin = authn_.RequireRole(identity::kAdmin);
  // clang-format off
  r.Add(Verb::post, "/api/v1/customer/payments/pay",                 {customer}, [this](Context& c) { return Pay(c); });
  r.Add(Verb::get,  "/api/v1/customer/payments",                     {customer}, [this](Context& c) { return CustomerPayments(c); });
  r.Add(Verb::post, "/api/v1/customer/refunds",                      {customer}, [this](Context& c) { return RequestRefund(c); });
  r.Add(Verb::get,  "/api/v1/admin/refunds",                         {admin},    [this](Context& c) { return AdminRefunds(c); });
  r.Add(Verb::post, "/api/v1/admin/refunds/{refund_id:int}/approve", {admin},    [this](Context& c) { return DecideRefund(c); });
  // clang-format on
}

// ---- customer
// ------------------------------------------------------------------------------------------------

asio::awaitable<http::Response> PaymentApi::Pay(Context& context) {
  JsonReader reader(context.Body());
  auto order_id = reader.Id("order_id", Presence::kRequired);
  std::optional<std::string> key;
  const boost::beast::string_view header_name(domain::kIdempotencyHeader.data(),
                                              domain::kIdempotencyHeader.size());
  if (auto header = context.request().find(header_name); header != context.request().end()) {
    std::vector<FieldProblem> problems;
    key = domain::CheckIdempotencyKey(std::string_view(header->value().data(), header->value().size()),
                                      problems);
    for (auto& p : problems) reader.Problem(std::move(p.field), std::move(p.problem));
  }
  reader.Finish();
  const auto& caller = context.User();

  // A repeated key answers as the first time, without asking the order service again.
  if (key) {
    auto first = co_await app_.blocking().Run([&] { return payments_.FindAnswer(caller.user_id, *key); });
    if (first) co_return ReplayFor(*first, *order_id);
  }
  // Nothing is written unless the order service said the order is the caller's, completed and unpaid.
  auto order = co_await orders_.CustomerOrder(*order_id, caller.token, context.request_id);
  auto payment = domain::DecidePayment(order, caller.user_id);
  if (!payment) throw ToApiError(payment.refusal());
  auto render = [](const Payment& p) {
    return domain::StoredAnswer{p.order_id, 200, http::Ok(PaidJson(p), kPaidMessage).body()};
  };
  auto paid = co_await app_.blocking().Run([&] {
    return payments_.Pay(*payment, key, render, bus::Traced(context.request_id, events::PaymentCompleted));
  });
  if (!paid) throw ToApiError(paid.refusal());
  const store::PayResult& result = *paid;
  // Not created: a request with the same key committed first.
  if (!result.created) co_return ReplayFor(result.answer, *order_id);
  relay_.Notify();
  log::Info("order paid", {{"request_id", context.request_id},
                           {"order_id", result.created->order_id},
                           {"payment_id", result.created->id},
                           {"amount", money::Format(result.created->amount)}});
  co_return http::Text(http::Status::ok, result.answer.body, "application/json");
}

asio::awaitable<http::Response> PaymentApi::RequestRefund(Context& context) {
  JsonReader reader(context.Body());
  auto order_id = reader.Id("order_id", Presence::kRequired);
  auto reason = ReadReason(reader, Presence::kRequired);
  reader.Finish();
  const auto& user = context.User();
  const auto caller = user.user_id;
  auto requested = co_await app_.blocking().Run([&] {
    return payments_.RequestRefund(*order_id, caller, *reason,
                                   bus::Traced(context.request_id, events::RefundRequested));
  });
  if (!requested) {
    // No payment: only the order service knows whether the order exists and is the caller's (404 / 403 from
    // it, as for paying); if it is, the caller's order is simply not paid (api-v1: the state forbids it).
    if (requested.refusal() == domain::PaymentRefusal::kNoPayment) {
      co_await orders_.CustomerOrder(*order_id, user.token, context.request_id);
    }
    throw ToApiError(requested.refusal());
  }
  const domain::Refund& refund = *requested;
  relay_.Notify();
  log::Info("refund requested",
            {{"request_id", context.request_id}, {"order_id", refund.order_id}, {"refund_id", refund.id}});
  auto data = RefundJson(refund);
  data["message"] = domain::RefundRequestedMessage(refund);
  co_return http::Ok(data, "Refund requested");
}

asio::awaitable<http::Response> PaymentApi::CustomerPayments(Context& context) {
  store::Page page;
  auto read = http::ReadPage(context);
  page.limit = read.limit;
  page.offset = read.offset;
  auto caller = context.User().user_id;
  auto result = co_await app_.blocking().Run([&] { return payments_.ListPayments(caller, page); });
  nlohmann::json items = nlohmann::json::array();
  for (const auto& record : result.items) {
    auto item = PaymentJson(record.payment);
    item["refunds"] = nlohmann::json::array();
    for (const auto& refund : record.refunds) item["refunds"].push_back(RefundJson(refund));
    items.push_back(std::move(item));
  }
  co_return http::OkList(items, result.total);
}

// ---- admin
// ---------------------------------------------------------------------------------------------------

asio::awaitable<http::Response> PaymentApi::AdminRefunds(Context& context) {
  std::optional<domain::RefundStatus> status;
  if (auto text = context.Query("status"); text && !text->empty()) {
    status = domain::ParseRefundStatus(*text);
    if (!status) throw ApiError::Validation({{"status", "must be one of: pending, completed, rejected"}});
  }
  store::Page page;
  auto read = http::ReadPage(context);
  page.limit = read.limit;
  page.offset = read.offset;
  auto result = co_await app_.blocking().Run([&] { return payments_.ListRefunds(status, page); });
  co_return http::OkList(result.items, result.total, RefundJson);
}

asio::awaitable<http::Response> PaymentApi::DecideRefund(Context& context) {
  JsonReader reader(context.Body());
  auto approved = reader.Bool("approved", Presence::kRequired);
  const auto problems_before = reader.problems().size();
  auto reason = ReadReason(reader, Presence::kOptional);
  bool reason_invalid =
      reader.problems().size() > problems_before;  // wrong type or too long: already reported
  if (approved && !*approved && !reason && !reason_invalid) {
    reader.Problem("reason", "is required when rejecting a refund");
  }
  reader.Finish();
  auto refund_id = context.IntParam("refund_id");
  auto admin = context.User().user_id;
  bool approve = *approved;
  auto decided = co_await app_.blocking().Run([&] {
    try {
      return payments_.DecideRefund(refund_id, admin, approve, reason,
                                    bus::Traced(context.request_id, events::RefundProcessed));
    } catch (const store::ConcurrentChange& change) {
      throw ChangedConcurrently(change);
    }
  });
  if (!decided) throw ToApiError(decided.refusal());
  const Refund& refund = *decided;
  relay_.Notify();
  log::Info("refund decided", {{"request_id", context.request_id},
                               {"refund_id", refund.id},
                               {"order_id", refund.order_id},
                               {"status", domain::Name(refund.status)}});
  auto data = RefundJson(refund);
  data["message"] = domain::RefundDecisionMessage(refund);
  co_return http::Ok(data, "Refund processed");
}

}  // namespace mp::payment::api

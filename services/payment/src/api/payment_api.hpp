#pragma once

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "libs/bus/outbox.hpp"
#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "services/payment/src/clients/order_client.hpp"
#include "services/payment/src/store/payment_store.hpp"

// The payment service's HTTP surface: paying a completed order, refund requests and their review, and the
// lists (spec/api-v1.md "Payments and refunds").
namespace mp::payment::api {

class PaymentApi {
 public:
  PaymentApi(http::App& app, store::PaymentStore& payments, clients::OrderClient& orders,
             const identity::Authenticator& authn, bus::OutboxRelay& relay);

  // Adds every route to the app's router (the table in Register() is the service's public surface).
  void Register();

 private:
  using Response = http::Response;
  using Awaitable = boost::asio::awaitable<Response>;

  Awaitable Pay(http::Context& context);
  Awaitable RequestRefund(http::Context& context);
  Awaitable CustomerPayments(http::Context& context);
  Awaitable AdminRefunds(http::Context& context);
  Awaitable DecideRefund(http::Context& context);

  http::App& app_;
  store::PaymentStore& payments_;
  clients::OrderClient& orders_;
  const identity::Authenticator& authn_;
  bus::OutboxRelay& relay_;
};

// A payment: {payment_id, order_id, customer_id, provider_id, amount, status, payment_method, transaction_id,
// created_at, updated_at}; amounts are JSON numbers with at most 2 decimals, times ISO-8601 UTC with Z.
nlohmann::json PaymentJson(const domain::Payment& payment);
// A refund: {refund_id, payment_id, order_id, customer_id, provider_id, amount, status, reason,
// decision_reason, decided_by, decided_at, created_at, updated_at}.
nlohmann::json RefundJson(const domain::Refund& refund);
// The `data` of a successful pay: the reference's {payment_id, order_id, amount, message} plus PaymentJson's
// other keys.
nlohmann::json PaidJson(const domain::Payment& payment);

}  // namespace mp::payment::api

#pragma once

#include <boost/asio/awaitable.hpp>

#include "libs/bus/outbox.hpp"
#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "services/order/src/store/order_store.hpp"

// The order service's HTTP surface: the customer, provider and admin order routes of spec/api-v1.md.
namespace mp::order::api {

class OrderApi {
 public:
  OrderApi(http::App& app, store::OrderStore& orders, const identity::Authenticator& authn,
           bus::OutboxRelay& relay);

  // Adds every route to the app's router (the table in Register() is the service's public surface).
  void Register();

 private:
  using Response = http::Response;
  using Awaitable = boost::asio::awaitable<Response>;

  Awaitable Publish(http::Context& context);
  Awaitable CustomerList(http::Context& context, bool active_only);
  Awaitable CustomerDetail(http::Context& context);
  Awaitable InternalCustomerDetail(http::Context& context);
  Awaitable Cancel(http::Context& context);
  Awaitable Available(http::Context& context);
  Awaitable AvailableDetail(http::Context& context);
  Awaitable Accept(http::Context& context);
  Awaitable UpdateStatus(http::Context& context);
  Awaitable ProviderDetail(http::Context& context);
  Awaitable ProviderHistory(http::Context& context);
  Awaitable AdminList(http::Context& context, bool pending_review_only);
  Awaitable AdminDetail(http::Context& context);
  Awaitable Approve(http::Context& context);
  Awaitable AdminUpdate(http::Context& context);
  Awaitable AdminDelete(http::Context& context);

  // The order or 404 "Order not found".
  boost::asio::awaitable<domain::Order> Load(std::int64_t id);
  // Runs a change on the blocking pool, 404 when the order is gone, and wakes the relay.
  boost::asio::awaitable<domain::Order> Change(std::int64_t id,
                                               std::function<domain::Order(const domain::Order&)> decide,
                                               store::EventsFor events);
  // The caller's decision on the route's order (the caller's user id as the actor), through Change.
  using CallerDecision = Outcome<domain::Order, domain::OrderRefusal> (*)(const domain::Order&, std::int64_t);
  boost::asio::awaitable<domain::Order> DecideAsCaller(http::Context& context, CallerDecision decision);
  boost::asio::awaitable<Response> List(http::Context& context, store::ListQuery query);

  http::App& app_;
  store::OrderStore& orders_;
  const identity::Authenticator& authn_;
  bus::OutboxRelay& relay_;
};

// OrderDetail: the reference's 15 keys plus has_review, timestamps ISO-8601 UTC with Z.
nlohmann::json OrderJson(const domain::Order& order);
// OrderDetail for other services (/internal/v1/orders/{id}): the same keys, but `price` is an exact decimal
// string ("120.50"), never a JSON double.
nlohmann::json InternalOrderJson(const domain::Order& order);

}  // namespace mp::order::api

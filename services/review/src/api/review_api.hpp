#pragma once

#include <cstdint>

#include <boost/asio/awaitable.hpp>

#include "libs/bus/outbox.hpp"
#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "services/review/src/clients/order_client.hpp"
#include "services/review/src/store/review_store.hpp"

// The review service's HTTP surface: customers review their finished orders; providers and the public read
// reviews and ratings; an order's parties (and admins) read its review.
namespace mp::review::api {

class ReviewApi {
 public:
  ReviewApi(http::App& app, store::ReviewStore& store, clients::OrderClient& orders,
            const identity::Authenticator& authn, bus::OutboxRelay& relay);

  // Adds every route to the app's router (the route table below is the service's public surface).
  void Register();

 private:
  using Awaitable = boost::asio::awaitable<http::Response>;

  Awaitable Create(http::Context& context);
  Awaitable OrderReview(http::Context& context);
  Awaitable Rating(std::int64_t provider_id);
  Awaitable Reviews(http::Context& context, std::int64_t provider_id);

  http::App& app_;
  store::ReviewStore& store_;
  clients::OrderClient& orders_;
  const identity::Authenticator& authn_;
  bus::OutboxRelay& relay_;
};

}  // namespace mp::review::api

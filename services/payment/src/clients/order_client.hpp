#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "libs/http/client.hpp"
#include "services/payment/src/domain/payment.hpp"

// The orders the order service owns, read over HTTP for a paying customer:
// GET {MP_ORDER_URL}/internal/v1/orders/{id} (the customer's OrderDetail with `price` as an exact decimal
// string) with the customer's own bearer token (the order service checks role and ownership again) and the
// request id passed on.
namespace mp::payment::clients {

class OrderClient {
 public:
  OrderClient(http::HttpClient& client, http::Upstream order);

  // The order as the customer sees it. Throws ApiError: 404 "Order not found" (order_not_found), 403 when
  // it is someone else's, 401 when the order service refuses the token, 503 (order_unavailable)
  // when it cannot be reached, times out, fails (5xx) or answers something unexpected (also an order
  // without a valid price: the order service validates prices, so that is a broken answer).
  boost::asio::awaitable<domain::OrderSnapshot> CustomerOrder(std::int64_t order_id,
                                                              const std::string& bearer_token,
                                                              const std::string& request_id);

 private:
  http::HttpClient& client_;
  http::Upstream order_;
};

// The OrderDetail inside the order service's envelope ({"success": true, "data": {...}}), or nullopt when
// the body is not one (missing or mistyped id, customer_id, status, payment_status, provider_id, or a price
// that is not a decimal string with at most two decimals).
std::optional<domain::OrderSnapshot> ParseOrderDetail(std::string_view body);

}  // namespace mp::payment::clients

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "libs/core/outcome.hpp"
#include "libs/http/client.hpp"
#include "services/review/src/domain/review.hpp"

// The orders the order service owns, read over HTTP with the caller's own bearer token and the request id
// passed on; the order service checks the role and ownership itself:
//   customer GET {MP_ORDER_URL}/api/v1/customer/orders/my/{id}   (403 when not the customer's)
//   provider GET {MP_ORDER_URL}/api/v1/provider/orders/my/{id}   (403 when not the provider's)
//   admin    GET {MP_ORDER_URL}/api/v1/admin/orders/{id}
namespace mp::review::clients {

enum class OrderView { kCustomer, kProvider, kAdmin };

std::string OrderPath(OrderView view, std::int64_t order_id);

// The OrderDetail inside the order service's envelope {"success": true, "data": {...}}; nullopt when the
// body is not that (id, customer_id, status and payment_status are required; provider_id may be null;
// has_review defaults to false).
std::optional<domain::OrderFacts> ParseOrderFacts(std::string_view body);

// Why the order service gave no order.
enum class OrderLookupFailure {
  kNotFound,          // 404
  kNotYours,          // 403: not the caller's order
  kTokenRejected,     // 401: the token was valid here but the order service refuses it (revoked in between)
  kTimedOut,          // no answer in time
  kUnreachable,       // no connection
  kUnexpectedAnswer,  // any other status, or a 200 that is not this order
};

class OrderClient {
 public:
  OrderClient(http::HttpClient& client, http::Upstream order);

  boost::asio::awaitable<Outcome<domain::OrderFacts, OrderLookupFailure>> Find(
      OrderView view, std::int64_t order_id, const std::string& bearer_token, const std::string& request_id);

 private:
  http::HttpClient& client_;
  http::Upstream order_;
};

}  // namespace mp::review::clients

#include "services/payment/src/clients/order_client.hpp"

#include <nlohmann/json.hpp>

#include "libs/core/error.hpp"
#include "libs/core/log.hpp"
#include "libs/http/user_call.hpp"

namespace mp::payment::clients {

namespace asio = boost::asio;

namespace {

ApiError OrderServiceUnavailable(const std::string& why) {
  return ApiError::Unavailable(
      "Order service unavailable (" + why + "); nothing was charged, try again shortly", "order_unavailable");
}

std::optional<std::int64_t> PositiveInt(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    return std::nullopt;
  auto value = it->get<std::int64_t>();
  if (value <= 0) return std::nullopt;
  return value;
}

std::optional<std::string> Text(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::optional<domain::OrderSnapshot> ParseOrderDetail(std::string_view body) {
  auto envelope = nlohmann::json::parse(body, nullptr, false);
  if (envelope.is_discarded() || !envelope.is_object()) return std::nullopt;
  auto data = envelope.find("data");
  if (data == envelope.end() || !data->is_object()) return std::nullopt;
  domain::OrderSnapshot order;
  auto id = PositiveInt(*data, "id");
  auto customer = PositiveInt(*data, "customer_id");
  auto status = Text(*data, "status");
  auto payment_status = Text(*data, "payment_status");
  auto price = Text(*data, "price");
  if (!id || !customer || !status || !payment_status || !price) return std::nullopt;
  auto cents = money::Parse(*price);  // exact: never through a double
  if (!cents) return std::nullopt;
  auto provider = data->find("provider_id");
  if (provider != data->end() && !provider->is_null()) {
    auto provider_id = PositiveInt(*data, "provider_id");
    if (!provider_id) return std::nullopt;
    order.provider_id = provider_id;
  }
  order.id = *id;
  order.customer_id = *customer;
  order.status = *status;
  order.payment_status = *payment_status;
  order.price = *cents;
  return order;
}

OrderClient::OrderClient(http::HttpClient& client, http::Upstream order)
    : client_(client), order_(std::move(order)) {}

asio::awaitable<domain::OrderSnapshot> OrderClient::CustomerOrder(std::int64_t order_id,
                                                                  const std::string& bearer_token,
                                                                  const std::string& request_id) {
  auto sent = co_await http::SendForUser(
      client_, order_, {http::Verb::get, "/internal/v1/orders/" + std::to_string(order_id), 11}, bearer_token,
      request_id);
  if (!sent)
    throw OrderServiceUnavailable(sent.refusal() == http::Unanswered::kTimedOut ? "timed out"
                                                                                : "unreachable");
  const http::Response& response = *sent;
  const unsigned status = response.result_int();
  if (status == 404) throw ApiError::NotFound("Order not found", "order_not_found");
  if (status == 403) throw ApiError::Forbidden("Permission denied");
  // The token was valid here but the order service refuses it (revoked in between): say so.
  if (status == 401) throw ApiError::Unauthorized("Token rejected by the order service", "token_rejected");
  // Any other 4xx refuses the id: there is no such order for the caller (a refusal upstream is never a 5xx).
  if (status >= 400 && status < 500) {
    http::LogRefusedLookup(order_, "/internal/v1/orders/" + std::to_string(order_id), status, request_id);
    throw ApiError::NotFound("Order not found", "order_not_found");
  }
  if (status == 200) {
    if (auto order = ParseOrderDetail(response.body()); order && order->id == order_id) {
      if (order->price <= 0 || order->price > money::kMaxCents) {
        log::Warn("order without a valid price from the order service",
                  {{"request_id", request_id}, {"order_id", order_id}, {"price", order->price}});
        throw ApiError::Unavailable("Order service unavailable: the order has no valid price",
                                    "order_unavailable");
      }
      co_return *order;
    }
  }
  log::Warn("unexpected answer from the order service",
            {{"request_id", request_id}, {"order_id", order_id}, {"status", status}});
  throw OrderServiceUnavailable(status >= 500 ? "it answered " + std::to_string(status)
                                              : "unexpected answer");
}

}  // namespace mp::payment::clients

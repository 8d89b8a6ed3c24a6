#include "services/review/src/clients/order_client.hpp"

#include <nlohmann/json.hpp>

#include "libs/core/log.hpp"
#include "libs/http/user_call.hpp"

namespace mp::review::clients {

namespace asio = boost::asio;

namespace {

// The order service's answers that say why there is no order.
constexpr std::pair<unsigned, OrderLookupFailure> kRefusals[] = {{404, OrderLookupFailure::kNotFound},
                                                                 {403, OrderLookupFailure::kNotYours},
                                                                 {401, OrderLookupFailure::kTokenRejected}};

}  // namespace

std::string OrderPath(OrderView view, std::int64_t order_id) {
  const std::string id = std::to_string(order_id);
  switch (view) {
    case OrderView::kCustomer: return "/api/v1/customer/orders/my/" + id;
    case OrderView::kProvider: return "/api/v1/provider/orders/my/" + id;
    case OrderView::kAdmin: return "/api/v1/admin/orders/" + id;
  }
  return {};
}

std::optional<domain::OrderFacts> ParseOrderFacts(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto data = json.find("data");
  if (data == json.end() || !data->is_object()) return std::nullopt;
  const auto& d = *data;
  auto positive_int = [&](const char* key) -> std::optional<std::int64_t> {
    auto it = d.find(key);
    if (it == d.end() || !it->is_number_integer()) return std::nullopt;
    auto value = it->get<std::int64_t>();
    if (value <= 0) return std::nullopt;
    return value;
  };
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = d.find(key);
    if (it == d.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  domain::OrderFacts facts;
  auto id = positive_int("id");
  auto customer = positive_int("customer_id");
  auto status = text("status");
  auto payment_status = text("payment_status");
  if (!id || !customer || !status || !payment_status) return std::nullopt;
  facts.order_id = *id;
  facts.customer_id = *customer;
  facts.status = std::move(*status);
  facts.payment_status = std::move(*payment_status);
  if (auto provider = d.find("provider_id"); provider != d.end() && !provider->is_null()) {
    auto value = positive_int("provider_id");
    if (!value) return std::nullopt;
    facts.provider_id = value;
  }
  if (auto has_review = d.find("has_review"); has_review != d.end() && !has_review->is_null()) {
    if (!has_review->is_boolean()) return std::nullopt;
    facts.has_review = has_review->get<bool>();
  }
  return facts;
}

OrderClient::OrderClient(http::HttpClient& client, http::Upstream order)
    : client_(client), order_(std::move(order)) {}

asio::awaitable<Outcome<domain::OrderFacts, OrderLookupFailure>> OrderClient::Find(
    OrderView view, std::int64_t order_id, const std::string& bearer_token, const std::string& request_id) {
  auto answer = co_await http::LookupForUser<OrderLookupFailure>(client_, order_, OrderPath(view, order_id),
                                                                 bearer_token, request_id, kRefusals);
  if (!answer) co_return answer.refusal();
  const http::Response& response = *answer;
  const unsigned status = response.result_int();
  if (status == 200) {
    if (auto facts = ParseOrderFacts(response.body())) {
      if (facts->order_id == order_id) co_return std::move(*facts);
    }
  }
  log::Warn("unexpected answer from the order service",
            {{"request_id", request_id}, {"status", status}, {"order_id", order_id}});
  co_return OrderLookupFailure::kUnexpectedAnswer;
}

}  // namespace mp::review::clients

#include "services/order/src/api/order_api.hpp"

#include "libs/core/log.hpp"
#include "libs/core/validation.hpp"
#include "libs/http/envelope.hpp"
#include "services/order/src/api/refusals.hpp"
#include "services/order/src/events/order_events.hpp"

namespace mp::order::api {

namespace asio = boost::asio;
using domain::Order;
using domain::OrderRefusal;
using domain::Status;
using http::Context;
using http::OptJson;
using http::Verb;

namespace {

nlohmann::json ActionResult(const Order& order, std::string message) {
  return {{"order_id", order.id}, {"status", domain::Name(order.status)}, {"message", std::move(message)}};
}

std::string OrderText(const Order& order) { return std::to_string(order.id); }

// The answer to a customer's or provider's action on the order: "You have successfully <done> the order: 7.".
http::Response Done(const Order& order, const std::string& done) {
  return http::Ok(
      ActionResult(order, "You have successfully " + done + " the order: " + OrderText(order) + "."),
      "Order " + done);
}

// The order after a decision, or the refusal's answer (thrown inside the store's transaction: nothing is
// written).
Order Decided(const Order& before, Outcome<Order, OrderRefusal> after) {
  if (!after) throw ToApiError(after.refusal(), before);
  return *std::move(after);
}

void Allow(const Order& order, std::optional<OrderRefusal> refusal) {
  if (refusal) throw ToApiError(*refusal, order);
}

ApiError ChangedConcurrently() {
  return ApiError::Conflict("The order was changed at the same time; reload it and try again",
                            "order_changed");
}

// The writable fields of publish (all required but description/address/times) and admin update (all
// optional).
domain::OrderFields ReadFields(JsonReader& reader, Presence presence) {
  domain::OrderFields f;
  f.title = reader.String("title", presence, 1, domain::kTitleMax);
  f.description = reader.String("description", Presence::kOptional, 0, domain::kDescriptionMax);
  f.service_type = reader.Enum("service_type", presence, domain::kServiceTypes);
  f.price = reader.Money("price", presence, domain::kPriceMin, domain::kPriceMax);
  f.location = reader.Enum("location", presence, domain::kLocations);
  f.address = reader.String("address", Presence::kOptional, 0, domain::kAddressMax);
  f.service_start_time = reader.Time("service_start_time", Presence::kOptional, domain::kEarliestServiceTime,
                                     domain::kLatestServiceTime);
  f.service_end_time = reader.Time("service_end_time", Presence::kOptional, domain::kEarliestServiceTime,
                                   domain::kLatestServiceTime);
  return f;
}

void Check(const domain::OrderFields& fields, std::optional<time::TimePoint> start,
           std::optional<time::TimePoint> end, JsonReader& reader) {
  std::vector<FieldProblem> problems;
  domain::CheckFields(fields, start, end, problems);
  for (auto& p : problems) reader.Problem(std::move(p.field), std::move(p.problem));
  reader.Finish();
}

// An optional enum query parameter: 422 naming the allowed values when it is not one of them.
std::optional<std::string> EnumQuery(const Context& context, std::string_view name,
                                     const std::vector<std::string_view>& allowed,
                                     std::vector<FieldProblem>& problems) {
  auto value = context.Query(name);
  if (!value || value->empty()) return std::nullopt;
  for (auto a : allowed) {
    if (a == *value) return value;
  }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  problems.push_back({std::string(name), "must be one of: " + list});
  return std::nullopt;
}

std::optional<money::Cents> PriceQuery(const Context& context, std::string_view name,
                                       std::vector<FieldProblem>& problems) {
  auto value = context.Query(name);
  if (!value || value->empty()) return std::nullopt;
  if (auto problem = money::AmountProblem(*value, 0, money::kMaxCents)) {
    problems.push_back({std::string(name), *problem});
    return std::nullopt;
  }
  return money::Parse(*value);
}

}  // namespace

nlohmann::json OrderJson(const Order& o) {
  return {{"id", o.id},
          {"customer_id", o.customer_id},
          {"title", o.title},
          {"description", OptJson(o.description)},
          {"service_type", o.service_type},
          {"status", domain::Name(o.status)},
          {"price", money::ToDouble(o.price)},
          {"location", o.location},
          {"address", OptJson(o.address)},
          {"service_start_time", OptJson(o.service_start_time)},
          {"service_end_time", OptJson(o.service_end_time)},
          {"created_at", time::FormatIso(o.created_at)},
          {"updated_at", time::FormatIso(o.updated_at)},
          {"provider_id", OptJson(o.provider_id)},
          {"payment_status", domain::Name(o.payment_status)},
          {"has_review", o.has_review}};
}

nlohmann::json InternalOrderJson(const Order& order) {
  auto json = OrderJson(order);
  json["price"] = money::Format(order.price);
  return json;
}

OrderApi::OrderApi(http::App& app, store::OrderStore& orders, const identity::Authenticator& authn,
                   bus::OutboxRelay& relay)
    : app_(app), orders_(orders), authn_(authn), relay_(relay) {}

void OrderApi::Register() {
  auto& r = app_.router();
  auto customer = authn_.RequireRole(identity::kCustomer);
  auto provider = authn_.RequireRole(identity::kProvider);
  auto admin = authn_.RequireRole(identity::kAdmin);
  // clang-format off
  r.Add(Verb::post,    "/api/v1/customer/orders/publish",                  {customer}, [this](Context& c) { return Publish(c); });
  r.Add(Verb::get,     "/api/v1/customer/orders",                          {customer}, [this](Context& c) { return CustomerList(c, true); });
  r.Add(Verb::get,     "/api/v1/customer/orders/my/{order_id:int}",        {customer}, [this](Context& c) { return CustomerDetail(c); });
  r.Add(Verb::get,     "/api/v1/customer/orders/history",                  {customer}, [this](Context& c) { return CustomerList(c, false); });
  r.Add(Verb::post,    "/api/v1/customer/orders/cancel/{order_id:int}",    {customer}, [this](Context& c) { return Cancel(c); });
  r.Add(Verb::get,     "/api/v1/provider/orders/available",                {provider}, [this](Context& c) { return Available(c); });
  r.Add(Verb::get,     "/api/v1/provider/orders/available/{order_id:int}", {provider}, [this](Context& c) { return AvailableDetail(c); });
  r.Add(Verb::post,    "/api/v1/provider/orders/accept/{order_id:int}",    {provider}, [this](Context& c) { return Accept(c); });
  r.Add(Verb::post,    "/api/v1/provider/orders/status/{order_id:int}",    {provider}, [this](Context& c) { return UpdateStatus(c); });
  r.Add(Verb::get,     "/api/v1/provider/orders/my/{order_id:int}",        {provider}, [this](Context& c) { return ProviderDetail(c); });
  r.Add(Verb::get,     "/api/v1/provider/orders/history",                  {provider}, [this](Context& c) { return ProviderHistory(c); });
  r.Add(Verb::get,     "/api/v1/admin/orders",                             {admin},    [this](Context& c) { return AdminList(c, false); });
  r.Add(Verb::get,     "/api/v1/admin/orders/pending-review",              {admin},    [this](Context& c) { return AdminList(c, true); });
  r.Add(Verb::get,     "/api/v1/admin/orders/{order_id:int}",              {admin},    [this](Context& c) { return AdminDetail(c); });
  r.Add(Verb::post,    "/api/v1/admin/orders/{order_id:int}/approve",      {admin},    [this](Context& c) { return Approve(c); });
  r.Add(Verb::put,     "/api/v1/admin/orders/{order_id:int}",              {admin},    [this](Context& c) { return AdminUpdate(c); });
  r.Add(Verb::delete_, "/api/v1/admin/orders/{order_id:int}",              {admin},    [this](Context& c) { return AdminDelete(c); });
  // For other services (payment), never routed by the gateway: the customer's own token, exact money.
  r.Add(Verb::get,     "/internal/v1/orders/{order_id:int}",               {customer}, [this](Context& c) { return InternalCustomerDetail(c); });
  // clang-format on
}

asio::awaitable<Order> OrderApi::Load(std::int64_t id) {
  auto order = co_await app_.blocking().Run([&] { return orders_.Find(id); });
  if (!order) throw ApiError::NotFound("Order not found", "order_not_found");
  co_return *order;
}

asio::awaitable<Order> OrderApi::Change(std::int64_t id, std::function<Order(const Order&)> decide,
                                        store::EventsFor events) {
  std::optional<Order> order;
  try {
    order = co_await app_.blocking().Run([&] { return orders_.Change(id, decide, events); });
  } catch (const store::ConcurrentChange&) {
    throw ChangedConcurrently();
  }
  if (!order) throw ApiError::NotFound("Order not found", "order_not_found");
  relay_.Notify();
  co_return *order;
}

asio::awaitable<Order> OrderApi::DecideAsCaller(Context& context, CallerDecision decision) {
  auto caller = context.User().user_id;
  co_return co_await Change(
      context.IntParam("order_id"),
      [caller, decision](const Order& o) { return Decided(o, decision(o, caller)); },
      bus::Traced(context.request_id, events::ForChange));
}

asio::awaitable<http::Response> OrderApi::List(Context& context, store::ListQuery query) {
  auto page = http::ReadPage(context);
  query.limit = page.limit;
  query.offset = page.offset;
  auto result = co_await app_.blocking().Run([&] { return orders_.List(query); });
  co_return http::OkList(result.items, result.total, OrderJson);
}

// ---- customer
// ------------------------------------------------------------------------------------------------

asio::awaitable<http::Response> OrderApi::Publish(Context& context) {
  JsonReader reader(context.Body());
  auto fields = ReadFields(reader, Presence::kRequired);
  Check(fields, fields.service_start_time, fields.service_end_time, reader);
  Order order = domain::PublishOrder(context.User().user_id, fields);
  auto created = co_await app_.blocking().Run(
      [&] { return orders_.Create(order, bus::Traced(context.request_id, events::Created)); });
  relay_.Notify();
  log::Info(
      "order published",
      {{"request_id", context.request_id}, {"order_id", created.id}, {"customer_id", created.customer_id}});
  co_return Done(created, "published");
}

asio::awaitable<http::Response> OrderApi::CustomerList(Context& context, bool active_only) {
  store::ListQuery query;
  query.customer_id = context.User().user_id;
  if (active_only) query.statuses.assign(domain::kActiveStatuses.begin(), domain::kActiveStatuses.end());
  co_return co_await List(context, std::move(query));
}

asio::awaitable<http::Response> OrderApi::CustomerDetail(Context& context) {
  auto order = co_await Load(context.IntParam("order_id"));
  Allow(order, domain::CustomerMaySee(order, context.User().user_id));
  co_return http::Ok(OrderJson(order));
}

asio::awaitable<http::Response> OrderApi::InternalCustomerDetail(Context& context) {
  auto order = co_await Load(context.IntParam("order_id"));
  Allow(order, domain::CustomerMaySee(order, context.User().user_id));
  co_return http::Ok(InternalOrderJson(order));
}

asio::awaitable<http::Response> OrderApi::Cancel(Context& context) {
  co_return Done(co_await DecideAsCaller(context, domain::CancelOrder), "cancelled");
}

// ---- provider
// ------------------------------------------------------------------------------------------------

asio::awaitable<http::Response> OrderApi::Available(Context& context) {
  std::vector<FieldProblem> problems;
  store::ListQuery query;
  query.statuses = {Status::kPending};
  query.location = EnumQuery(context, "location", domain::kLocations, problems);
  query.service_type = EnumQuery(context, "service_type", domain::kServiceTypes, problems);
  query.min_price = PriceQuery(context, "min_price", problems);
  query.max_price = PriceQuery(context, "max_price", problems);
  if (auto keyword = context.Query("keyword")) {
    auto first = keyword->find_first_not_of(" \t");
    auto last = keyword->find_last_not_of(" \t");
    if (first != std::string::npos) {
      std::string trimmed = keyword->substr(first, last - first + 1);
      auto length = Utf8Length(trimmed);
      if (!length || *length > domain::kKeywordMax) {
        problems.push_back({"keyword", "must be valid text of at most " +
                                           std::to_string(domain::kKeywordMax) + " characters"});
      } else {
        query.keyword = std::move(trimmed);
      }
    }
  }
  if (!problems.empty()) throw ApiError::Validation(std::move(problems));
  co_return co_await List(context, std::move(query));
}

asio::awaitable<http::Response> OrderApi::AvailableDetail(Context& context) {
  auto order = co_await Load(context.IntParam("order_id"));
  Allow(order, domain::ProviderMayConsider(order));
  co_return http::Ok(OrderJson(order));
}

asio::awaitable<http::Response> OrderApi::Accept(Context& context) {
  auto order = co_await DecideAsCaller(context, domain::AcceptOrder);
  log::Info(
      "order accepted",
      {{"request_id", context.request_id}, {"order_id", order.id}, {"provider_id", context.User().user_id}});
  co_return Done(order, "accepted");
}

asio::awaitable<http::Response> OrderApi::UpdateStatus(Context& context) {
  JsonReader reader(context.Body());
  auto target = reader.Enum("new_status", Presence::kRequired, {"in_progress", "completed"});
  reader.Finish();
  auto order =
      co_await DecideAsCaller(context, *target == "in_progress" ? domain::StartOrder : domain::CompleteOrder);
  std::string status(domain::Name(order.status));
  co_return http::Ok(ActionResult(order, "Order " + OrderText(order) + " status updated to " + status + "."),
                     "Order status updated");
}

asio::awaitable<http::Response> OrderApi::ProviderDetail(Context& context) {
  auto order = co_await Load(context.IntParam("order_id"));
  Allow(order, domain::ProviderMaySee(order, context.User().user_id));
  co_return http::Ok(OrderJson(order));
}

asio::awaitable<http::Response> OrderApi::ProviderHistory(Context& context) {
  store::ListQuery query;
  query.provider_id = context.User().user_id;
  query.newest_updated_first = true;
  co_return co_await List(context, std::move(query));
}

// ---- admin
// ---------------------------------------------------------------------------------------------------

asio::awaitable<http::Response> OrderApi::AdminList(Context& context, bool pending_review_only) {
  store::ListQuery query;
  if (pending_review_only) {
    query.statuses = {Status::kPendingReview};
  } else {
    std::vector<FieldProblem> problems;
    if (auto status = EnumQuery(context, "status", domain::kStatusNames, problems)) {
      query.statuses = {*domain::ParseStatus(*status)};
    }
    if (!problems.empty()) throw ApiError::Validation(std::move(problems));
  }
  co_return co_await List(context, std::move(query));
}

asio::awaitable<http::Response> OrderApi::AdminDetail(Context& context) {
  auto order = co_await Load(context.IntParam("order_id"));
  co_return http::Ok(OrderJson(order));
}

asio::awaitable<http::Response> OrderApi::Approve(Context& context) {
  JsonReader reader(context.Body());
  auto approved = reader.Bool("approved", Presence::kRequired);
  auto reason = reader.String("reject_reason", Presence::kOptional, 0, domain::kReasonMax);
  bool reason_invalid = reader.Has("reject_reason") && !reason;  // already reported (wrong type, too long)
  bool reason_blank = !reason || IsBlank(*reason);
  if (approved && !*approved && reason_blank && !reason_invalid) {
    reader.Problem("reject_reason", "is required when rejecting an order");
  }
  reader.Finish();
  bool approve = *approved;
  auto order = co_await Change(
      context.IntParam("order_id"),
      [approve, &reason](const Order& o) {
        return Decided(o, approve ? domain::ApproveOrder(o) : domain::RejectOrder(o, *reason));
      },
      bus::Traced(context.request_id, events::ForChange));
  co_return http::Ok(
      ActionResult(order, approve ? "Order approved successfully" : "Order rejected: " + *reason),
      "Order approval processed");
}

asio::awaitable<http::Response> OrderApi::AdminUpdate(Context& context) {
  JsonReader reader(context.Body());
  auto fields = ReadFields(reader, Presence::kOptional);
  auto status_text = reader.Enum("status", Presence::kOptional, domain::kStatusNames);
  for (const char* fixed :
       {"id", "customer_id", "provider_id", "payment_status", "has_review", "created_at", "updated_at"}) {
    if (reader.Has(fixed)) reader.Problem(fixed, "cannot be changed");
  }
  bool any = fields.title || fields.description || fields.service_type || fields.price || fields.location ||
             fields.address || fields.service_start_time || fields.service_end_time || status_text;
  if (reader.ok() && !any) reader.Problem("body", "give at least one field to change");
  reader.Finish();
  domain::OrderEdit edit{std::move(fields), std::nullopt};
  if (status_text) edit.status = domain::ParseStatus(*status_text);

  auto order = co_await Change(
      context.IntParam("order_id"),
      [&edit](const Order& o) {
        std::vector<FieldProblem> problems;
        domain::CheckEdit(o, edit.fields, problems);
        if (!problems.empty()) throw ApiError::Validation(std::move(problems));
        auto after = domain::EditOrder(o, edit);
        if (!after) throw ToApiError(after.refusal(), o, edit.status);
        return *std::move(after);
      },
      bus::Traced(context.request_id, events::ForAdminEdit));
  co_return http::Ok(OrderJson(order), "Order updated");
}

asio::awaitable<http::Response> OrderApi::AdminDelete(Context& context) {
  auto id = context.IntParam("order_id");
  std::optional<Order> deleted;
  try {
    deleted = co_await app_.blocking().Run(
        [&] { return orders_.Delete(id, bus::Traced(context.request_id, events::Deleted)); });
  } catch (const store::ConcurrentChange&) {
    throw ChangedConcurrently();
  }
  if (!deleted) throw ApiError::NotFound("Order not found", "order_not_found");
  relay_.Notify();
  log::Info("order deleted", {{"request_id", context.request_id}, {"order_id", id}});
  co_return http::Ok({{"order_id", id}, {"message", "Order deleted successfully"}}, "Order deleted");
}

}  // namespace mp::order::api

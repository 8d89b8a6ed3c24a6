#include "services/review/src/api/review_api.hpp"

#include <optional>
#include <string>

#include "libs/core/log.hpp"
#include "libs/http/envelope.hpp"
#include "services/review/src/api/refusals.hpp"
#include "services/review/src/api/review_json.hpp"
#include "services/review/src/events/review_events.hpp"

namespace mp::review::api {

namespace asio = boost::asio;
using http::Context;
using http::Verb;

namespace {

// The order service route a caller of this role reads an order through.
std::optional<clients::OrderView> ViewOf(int role) {
  switch (role) {
    case identity::kCustomer: return clients::OrderView::kCustomer;
    case identity::kProvider: return clients::OrderView::kProvider;
    case identity::kAdmin: return clients::OrderView::kAdmin;
    default: return std::nullopt;
  }
}

}  // namespace

ReviewApi::ReviewApi(http::App& app, store::ReviewStore& store, clients::OrderClient& orders,
                     const identity::Authenticator& authn, bus::OutboxRelay& relay)
    : app_(app), store_(store), orders_(orders), authn_(authn), relay_(relay) {}

void ReviewApi::Register() {
  auto& r = app_.router();
  auto customer = authn_.RequireRole(identity::kCustomer);
  auto provider = authn_.RequireRole(identity::kProvider);
  auto user = authn_.RequireUser();
  // "/provider/me/..." are literal paths: the router prefers them to "/provider/{provider_id:int}/...", and
  // "/provider/me" alone is a 422 (not an id), as in the reference.
  // clang-format off
  r.Add(Verb::post, "/api/v1/reviews",                                    {customer}, [this](Context& c) { return Create(c); });
  r.Add(Verb::get,  "/api/v1/reviews/provider/me/rating",                 {provider}, [this](Context& c) { return Rating(c.User().user_id); });
  r.Add(Verb::get,  "/api/v1/reviews/provider/me/reviews",                {provider}, [this](Context& c) { return Reviews(c, c.User().user_id); });
  r.Add(Verb::get,  "/api/v1/reviews/provider/{provider_id:int}/rating",  {},         [this](Context& c) { return Rating(c.IntParam("provider_id")); });
  r.Add(Verb::get,  "/api/v1/reviews/provider/{provider_id:int}",         {},         [this](Context& c) { return Reviews(c, c.IntParam("provider_id")); });
  r.Add(Verb::get,  "/api/v1/reviews/order/{order_id:int}",               {user},     [this](Context& c) { return OrderReview(c); });
  // clang-format on
}

// Checks in this order, so that nothing is learnt about someone else's order: the body (422), the order at
// the order service with the caller's token (404/403, 503 when it is down), the order's state (409), then
// the insert, whose `_id` is the order id (409 when a review got there first).
asio::awaitable<http::Response> ReviewApi::Create(Context& context) {
  const domain::NewReview input = ReadNewReview(context.Body());
  const auto& caller = context.User();
  auto order =
      co_await orders_.Find(clients::OrderView::kCustomer, input.order_id, caller.token, context.request_id);
  if (!order) throw ToApiError(order.refusal());
  auto review = domain::SubmitReview(*order, caller.user_id, input, time::Now());
  if (!review) throw ToApiError(review.refusal());
  bus::Event created = events::ReviewCreated(*review);
  bus::Trace(created, context.request_id);
  const bool added = co_await app_.blocking().Run([&] { return store_.Add(*review, created); });
  if (!added) throw ToApiError(domain::ReviewRefusal::kAlreadyReviewed);
  relay_.Notify();
  log::Info("review created", {{"request_id", context.request_id},
                               {"order_id", review->order_id},
                               {"customer_id", review->customer_id},
                               {"provider_id", review->provider_id},
                               {"stars", review->stars},
                               {"event_id", created.event_id}});
  co_return http::Ok(CreatedJson(*review), "Review created");
}

asio::awaitable<http::Response> ReviewApi::Rating(std::int64_t provider_id) {
  auto totals = co_await app_.blocking().Run([&] { return store_.Rating(provider_id); });
  co_return http::Ok(RatingJson(provider_id, totals));
}

asio::awaitable<http::Response> ReviewApi::Reviews(Context& context, std::int64_t provider_id) {
  const auto page = http::ReadPage(context);
  auto result = co_await app_.blocking().Run(
      [&] { return store_.ListByProvider(provider_id, page.limit, page.offset); });
  co_return http::OkList(result.items, result.total, ReviewItemJson);
}

// Only the order's customer or provider, or an admin, may read its review; the order service decides with
// the caller's own token, before the review is looked at (so a stranger learns nothing).
asio::awaitable<http::Response> ReviewApi::OrderReview(Context& context) {
  const auto order_id = context.IntParam("order_id");
  const auto& caller = context.User();
  auto view = ViewOf(caller.role);
  if (!view) throw ApiError::Forbidden();
  auto order = co_await orders_.Find(*view, order_id, caller.token, context.request_id);
  if (!order) throw ToApiError(order.refusal());
  auto review = co_await app_.blocking().Run([&] { return store_.FindByOrder(order_id); });
  if (!review) throw ApiError::NotFound("Review not found for this order", "review_not_found");
  co_return http::Ok(ReviewDetailJson(*review));
}

}  // namespace mp::review::api

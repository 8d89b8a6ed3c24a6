#include "services/notification/src/api/inbox_api.hpp"

#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "libs/bus/event.hpp"
#include "libs/core/log.hpp"
#include "libs/core/validation.hpp"
#include "libs/http/envelope.hpp"
#include "libs/mongo/document.hpp"
#include "services/notification/src/api/refusals.hpp"

namespace mp::notification::api {

namespace asio = boost::asio;
using domain::Inbox;
using http::Context;
using http::Verb;

namespace {

constexpr std::string_view kAdminNoticeType = "admin.notice";
// How long a read waits for another request's view rebuild before asking MongoDB itself, and how often it
// looks.
constexpr std::chrono::seconds kViewWait{10};
constexpr std::chrono::milliseconds kViewPoll{20};

mongo::ObjectId NotificationId(const Context& context) {
  auto id = mongo::ObjectId::Parse(context.Param("notification_id"));
  if (!id) throw ApiError::Validation({{"notification_id", "must be a 24-character hexadecimal id"}});
  return *id;
}

}  // namespace

nlohmann::json ItemJson(const domain::Notification& n) {
  nlohmann::json recipient = n.recipient_id;
  return {{"id", n.id},
          {"customer_id", n.inbox == Inbox::kCustomer ? recipient : nlohmann::json(nullptr)},
          {"provider_id", n.inbox == Inbox::kProvider ? recipient : nlohmann::json(nullptr)},
          {"order_id", n.order_id ? nlohmann::json(*n.order_id) : nlohmann::json(nullptr)},
          {"message", n.message},
          {"created_at", time::FormatIso(n.created_at)},
          {"is_read", n.is_read}};
}

InboxApi::InboxApi(http::App& app, store::InboxStore& store, store::InboxCache& cache,
                   clients::AuthClient& auth, const identity::Authenticator& authn)
    : app_(app), store_(store), cache_(cache), auth_(auth), authn_(authn) {}

void InboxApi::Register() {
  auto& r = app_.router();
  auto customer = authn_.RequireRole(identity::kCustomer);
  auto provider = authn_.RequireRole(identity::kProvider);
  auto admin = authn_.RequireRole(identity::kAdmin);
  constexpr Inbox kC = Inbox::kCustomer;
  constexpr Inbox kP = Inbox::kProvider;
  // "/inbox/read-all" and "/inbox/unread-count" have one segment fewer than "/inbox/{id}/read": no overlap.
  // clang-format off
  r.Add(Verb::get,  "/api/v1/customer/inbox",                              {customer}, [this](Context& c) { return List(c, kC); });
  r.Add(Verb::get,  "/api/v1/customer/inbox/unread-count",                 {customer}, [this](Context& c) { return UnreadCount(c, kC); });
  r.Add(Verb::put,  "/api/v1/customer/inbox/read-all",                     {customer}, [this](Context& c) { return MarkAllRead(c, kC); });
  r.Add(Verb::put,  "/api/v1/customer/inbox/{notification_id}/read",       {customer}, [this](Context& c) { return MarkRead(c, kC); });
  r.Add(Verb::get,  "/api/v1/provider/inbox",                              {provider}, [this](Context& c) { return List(c, kP); });
  r.Add(Verb::get,  "/api/v1/provider/inbox/unread-count",                 {provider}, [this](Context& c) { return UnreadCount(c, kP); });
  r.Add(Verb::put,  "/api/v1/provider/inbox/read-all",                     {provider}, [this](Context& c) { return MarkAllRead(c, kP); });
  r.Add(Verb::put,  "/api/v1/provider/inbox/{notification_id}/read",       {provider}, [this](Context& c) { return MarkRead(c, kP); });
  r.Add(Verb::post, "/api/v1/admin/notifications/customer/{user_id:int}",  {admin},    [this](Context& c) { return SendNotice(c, kC); });
  r.Add(Verb::post, "/api/v1/admin/notifications/provider/{user_id:int}",  {admin},    [this](Context& c) { return SendNotice(c, kP); });
  // clang-format on
}

asio::awaitable<bool> InboxApi::EnsureView(Inbox inbox, std::int64_t user_id) {
  using State = store::InboxCache::Claim::State;
  const auto deadline = std::chrono::steady_clock::now() + kViewWait;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    auto claim = co_await cache_.BeginRebuild(inbox, user_id);
    if (claim.state == State::kReady) co_return true;
    if (claim.state == State::kUnavailable) co_return false;
    if (claim.state == State::kBegun) {
      std::vector<domain::Notification> entries;
      std::exception_ptr failure;
      try {
        entries = co_await app_.blocking().Run([&] { return store_.All(inbox, user_id); });
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) {
        co_await cache_.AbortRebuild(inbox, user_id, claim.token);
        std::rethrow_exception(failure);
      }
      co_return co_await cache_.CommitRebuild(inbox, user_id, std::move(claim.token), std::move(entries));
    }
    if (std::chrono::steady_clock::now() >= deadline) co_return false;  // kBusy for too long
    timer.expires_after(kViewPoll);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<domain::InboxPage> InboxApi::Page(Inbox inbox, std::int64_t user_id, std::int64_t limit,
                                                  std::int64_t offset) {
  auto page = co_await cache_.Page(inbox, user_id, limit, offset);
  if (!page && co_await EnsureView(inbox, user_id))
    page = co_await cache_.Page(inbox, user_id, limit, offset);
  if (page) co_return std::move(*page);
  co_return co_await app_.blocking().Run([&] {
    auto result = store_.List(inbox, user_id, limit, offset);
    result.unread = store_.CountUnread(inbox, user_id);
    return result;
  });
}

asio::awaitable<std::int64_t> InboxApi::Unread(Inbox inbox, std::int64_t user_id) {
  auto unread = co_await cache_.Unread(inbox, user_id);
  if (!unread && co_await EnsureView(inbox, user_id)) unread = co_await cache_.Unread(inbox, user_id);
  if (unread) co_return *unread;
  co_return co_await app_.blocking().Run([&] { return store_.CountUnread(inbox, user_id); });
}

asio::awaitable<http::Response> InboxApi::List(Context& context, Inbox inbox) {
  auto page = http::ReadPage(context);
  auto result = co_await Page(inbox, context.User().user_id, page.limit, page.offset);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : result.items) items.push_back(ItemJson(item));
  co_return http::OkList({{"items", std::move(items)}, {"total", result.total}, {"unread", result.unread}},
                         result.total);
}

asio::awaitable<http::Response> InboxApi::UnreadCount(Context& context, Inbox inbox) {
  auto unread = co_await Unread(inbox, context.User().user_id);
  co_return http::Ok({{"unread", unread}});
}

asio::awaitable<http::Response> InboxApi::MarkRead(Context& context, Inbox inbox) {
  const auto id = NotificationId(context);
  const auto user_id = context.User().user_id;
  auto item = co_await app_.blocking().Run([&] { return store_.MarkRead(inbox, user_id, id, time::Now()); });
  if (!item) throw ApiError::NotFound("Notification not found", "notification_not_found");
  co_await cache_.Read(inbox, user_id, item->id);
  co_return http::Ok(ItemJson(*item), "Notification marked as read");
}

asio::awaitable<http::Response> InboxApi::MarkAllRead(Context& context, Inbox inbox) {
  const auto user_id = context.User().user_id;
  // Nothing unread in the inbox's view (which holds every write MongoDB took): no write at all.
  if (auto unread = co_await cache_.Unread(inbox, user_id); unread && *unread == 0) {
    co_return http::Ok({{"updated", 0}}, "All notifications marked as read");
  }
  auto updated =
      co_await app_.blocking().Run([&] { return store_.MarkAllRead(inbox, user_id, time::Now()); });
  co_await cache_.ReadAll(inbox, user_id);
  co_return http::Ok({{"updated", updated}}, "All notifications marked as read");
}

asio::awaitable<http::Response> InboxApi::SendNotice(Context& context, Inbox inbox) {
  const auto user_id = context.IntParam("user_id");
  JsonReader reader(context.Body());
  auto message = reader.String("message", Presence::kRequired, 0, SIZE_MAX);
  std::string text;
  if (message) {
    text = domain::TrimAdminMessage(*message);
    if (auto problem = domain::AdminMessageProblem(text)) reader.Problem("message", *problem);
  }
  reader.Finish();

  const std::string role_name(domain::InboxName(inbox));
  const int expected_role = inbox == Inbox::kCustomer ? identity::kCustomer : identity::kProvider;
  const auto role = co_await auth_.RoleOf(user_id, context.User().token, context.request_id);
  if (!role) throw ToApiError(role.refusal());
  if (*role != expected_role) {
    throw ApiError::Validation({{"user_id", "user " + std::to_string(user_id) + " is not a " + role_name}});
  }

  domain::Notice notice{inbox, user_id, std::nullopt, std::move(text)};
  const std::string event_id = bus::NewEventId();
  auto stored = co_await app_.blocking().Run(
      [&] { return store_.Add(notice, event_id, kAdminNoticeType, time::Now()); });
  std::vector<domain::Notification> added;
  if (stored) added.push_back(*stored);
  co_await cache_.Added(std::move(added));
  log::Info("admin notice sent", {{"request_id", context.request_id},
                                  {"admin_id", context.User().user_id},
                                  {"user_id", user_id},
                                  {"inbox", role_name},
                                  {"notification_id", stored ? stored->id : std::string()}});
  co_return http::Ok({{"user_id", user_id}, {"message", "Notification sent successfully to " + role_name}},
                     "Notification sent to " + role_name);
}

}  // namespace mp::notification::api

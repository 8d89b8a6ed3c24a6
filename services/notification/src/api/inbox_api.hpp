#pragma once

#include <cstdint>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "services/notification/src/clients/auth_client.hpp"
#include "services/notification/src/domain/notice.hpp"
#include "services/notification/src/store/inbox_cache.hpp"
#include "services/notification/src/store/inbox_store.hpp"

// The notification service's HTTP surface: each user's own inbox, and admin notices.
namespace mp::notification::api {

// An inbox item: {id, customer_id, provider_id, order_id, message, created_at, is_read}; the key of the
// other inbox is present and null.
nlohmann::json ItemJson(const domain::Notification& notification);

class InboxApi {
 public:
  InboxApi(http::App& app, store::InboxStore& store, store::InboxCache& cache, clients::AuthClient& auth,
           const identity::Authenticator& authn);

  // Adds every route to the app's router (the route table below is the service's public surface).
  void Register();

 private:
  using Awaitable = boost::asio::awaitable<http::Response>;

  Awaitable List(http::Context& context, domain::Inbox inbox);
  Awaitable UnreadCount(http::Context& context, domain::Inbox inbox);
  Awaitable MarkRead(http::Context& context, domain::Inbox inbox);
  Awaitable MarkAllRead(http::Context& context, domain::Inbox inbox);
  Awaitable SendNotice(http::Context& context, domain::Inbox inbox);

  // Reads come from the inbox's Redis view, rebuilt from MongoDB when missing; MongoDB answers itself
  // when Redis is unavailable or another request is rebuilding the view.
  boost::asio::awaitable<domain::InboxPage> Page(domain::Inbox inbox, std::int64_t user_id,
                                                 std::int64_t limit, std::int64_t offset);
  boost::asio::awaitable<std::int64_t> Unread(domain::Inbox inbox, std::int64_t user_id);
  // Makes sure the inbox has a ready view: builds it from MongoDB, or waits (up to kViewWait) while another
  // request builds it, so that a burst of reads of a cold inbox costs one MongoDB scan, not one each.
  // False when Redis is unavailable or no view came.
  boost::asio::awaitable<bool> EnsureView(domain::Inbox inbox, std::int64_t user_id);

  http::App& app_;
  store::InboxStore& store_;
  store::InboxCache& cache_;
  clients::AuthClient& auth_;
  const identity::Authenticator& authn_;
};

}  // namespace mp::notification::api

#pragma once

#include <cstdint>
#include <functional>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "services/user/src/clients/auth_client.hpp"
#include "services/user/src/domain/profile.hpp"
#include "services/user/src/store/profile_store.hpp"

// The user service's HTTP surface: each user's own profile, the public provider search, and the admin's
// user management (auth's accounts joined with the profiles kept here).
namespace mp::user::api {

class UserApi {
 public:
  // `notify_outbox` wakes the outbox relay after a write that added events.
  UserApi(http::App& app, store::ProfileStore& profiles, clients::AuthClient& users,
          const identity::Authenticator& authn, std::function<void()> notify_outbox);

  // Adds every route to the app's router (the route table below is the service's public surface).
  void Register();

 private:
  using Awaitable = boost::asio::awaitable<http::Response>;

  // The caller's own profile of one kind (kCustomerKind or kProviderKind in user_api.cpp).
  template <class Kind>
  Awaitable GetProfile(http::Context& context, const Kind& kind);
  template <class Kind>
  Awaitable CreateProfile(http::Context& context, const Kind& kind);
  template <class Kind>
  Awaitable UpdateProfile(http::Context& context, const Kind& kind);
  Awaitable SearchProviders(http::Context& context);
  Awaitable ListUsers(http::Context& context);
  Awaitable GetUser(http::Context& context);
  Awaitable UpdateUser(http::Context& context);
  Awaitable DeleteUser(http::Context& context);

  // The profile of the user's role as the admin views show it: the stored one, its defaults when there
  // is none, null for an admin.
  boost::asio::awaitable<nlohmann::json> ProfileForRole(std::int64_t user_id, std::int64_t role_id);
  // An admin's profile changes for the user's role: applied to the profile, or a new profile made of the
  // defaults and the changes when there is none.
  template <class Kind>
  boost::asio::awaitable<void> ApplyAdminChanges(std::int64_t user_id, const Kind& kind,
                                                 const typename Kind::Changes& changes);

  http::App& app_;
  store::ProfileStore& profiles_;
  clients::AuthClient& users_;
  const identity::Authenticator& authn_;
  std::function<void()> notify_outbox_;
};

}  // namespace mp::user::api

#pragma once

#include <boost/asio/awaitable.hpp>

#include "libs/bus/outbox.hpp"
#include "libs/cache/rate_limiter.hpp"
#include "libs/cache/redis.hpp"
#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "services/auth/src/store/user_store.hpp"

// The auth service's HTTP surface: registration, login, tokens, and the admin user routes auth owns.
namespace mp::auth::api {

struct Limits {
  int login_attempts_per_account = 10;  // per login_window
  std::chrono::seconds login_window{300};
};

class AuthApi {
 public:
  AuthApi(http::App& app, store::UserStore& users, const security::TokenSigner& signer,
          const security::TokenVerifier& verifier, const identity::Authenticator& authn, cache::Redis& redis,
          bus::OutboxRelay& relay, Limits limits);

  // Adds every route to the app's router (the route table below is the service's public surface).
  void Register();

  // Writes to Redis every revocation marker in force that Redis lacks or holds an older value of (it
  // lost them in a restart, or was down when they were published); returns how many it wrote. Markers
  // Redis already has are not written, so the gateways' tracked caches stay put. Throws when Redis or
  // MySQL is unreachable.
  boost::asio::awaitable<std::size_t> RestoreRevocations();

 private:
  using Response = http::Response;
  using Awaitable = boost::asio::awaitable<Response>;

  Awaitable RegisterUser(http::Context& context, domain::Registration kind);
  Awaitable Login(http::Context& context);
  Awaitable Me(http::Context& context);
  Awaitable Refresh(http::Context& context);
  Awaitable Logout(http::Context& context);
  Awaitable VerifyToken(http::Context& context);
  Awaitable Jwks(http::Context& context);
  Awaitable ListUsers(http::Context& context);
  Awaitable GetUser(http::Context& context);
  Awaitable UpdateUser(http::Context& context);
  Awaitable DeleteUser(http::Context& context);

  // Access + refresh token for a user (new refresh family unless `family` is given).
  boost::asio::awaitable<nlohmann::json> IssueTokens(const domain::User& user);
  nlohmann::json TokenBody(const domain::User& user, std::string refresh_token);
  // The caller's account as the database sees it now: 401 when the user is gone or the token was revoked.
  boost::asio::awaitable<domain::User> CurrentUser(const http::Principal& principal);
  // Best effort: tell gateways and services at once through Redis (the database stays authoritative here).
  boost::asio::awaitable<void> PublishRevocation(std::vector<std::string> command);

  http::App& app_;
  store::UserStore& users_;
  const security::TokenSigner& signer_;
  const security::TokenVerifier& verifier_;
  const identity::Authenticator& authn_;
  cache::Redis& redis_;
  cache::RateLimiter login_limiter_;
  bus::OutboxRelay& relay_;
  Limits limits_;
};

nlohmann::json UserJson(const domain::User& user);       // /auth/me shape
nlohmann::json AdminUserJson(const domain::User& user);  // /admin/users item shape

}  // namespace mp::auth::api

#include "services/auth/src/api/auth_api.hpp"

#include "libs/core/log.hpp"
#include "libs/core/validation.hpp"
#include "libs/http/envelope.hpp"
#include "libs/security/crypto.hpp"
#include "libs/security/password.hpp"
#include "services/auth/src/api/refusals.hpp"

namespace mp::auth::api {

namespace asio = boost::asio;
using http::Context;
using http::Verb;

namespace {

constexpr std::string_view kAuthEvents = "auth_events";
// Verified against when the e-mail is unknown, so a login takes as long whether or not the account exists.
const std::string& DummyHash() {
  static const std::string hash = security::HashPassword("not-a-real-password-0000");
  return hash;
}

nlohmann::json EventUser(const domain::User& user) {
  return {
      {"user_id", user.id}, {"username", user.username}, {"email", user.email}, {"role_id", user.role_id}};
}

}  // namespace

nlohmann::json UserJson(const domain::User& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"email", user.email},
          {"role_id", user.role_id},
          {"created_at", time::FormatIso(user.created_at)}};
}

nlohmann::json AdminUserJson(const domain::User& user) {
  return {{"user_id", user.id},
          {"username", user.username},
          {"email", user.email},
          {"role_id", user.role_id},
          {"role_name", identity::RoleName(user.role_id)},
          {"has_profile", false},
          {"created_at", time::FormatIso(user.created_at)}};
}

AuthApi::AuthApi(http::App& app, store::UserStore& users, const security::TokenSigner& signer,
                 const security::TokenVerifier& verifier, const identity::Authenticator& authn,
                 cache::Redis& redis, bus::OutboxRelay& relay, Limits limits)
    : app_(app),
      users_(users),
      signer_(signer),
      verifier_(verifier),
      authn_(authn),
      redis_(redis),
      login_limiter_(redis),
      relay_(relay),
      limits_(limits) {}

void AuthApi::Register() {
  auto& r = app_.router();
  auto user = authn_.RequireUser();
  auto admin = authn_.RequireRole(identity::kAdmin);
  // clang-format off
  r.Add(Verb::post,    "/api/v1/auth/register",              [this](Context& c) { return RegisterUser(c, domain::Registration::kPublic); });
  r.Add(Verb::post,    "/api/v1/auth/admin/register", {admin}, [this](Context& c) { return RegisterUser(c, domain::Registration::kAdmin); });
  r.Add(Verb::post,    "/api/v1/auth/login",                 [this](Context& c) { return Login(c); });
  r.Add(Verb::get,     "/api/v1/auth/me",             {user},  [this](Context& c) { return Me(c); });
  r.Add(Verb::post,    "/api/v1/auth/refresh",               [this](Context& c) { return Refresh(c); });
  r.Add(Verb::post,    "/api/v1/auth/logout",         {user},  [this](Context& c) { return Logout(c); });
  r.Add(Verb::post,    "/api/v1/auth/verify-token",          [this](Context& c) { return VerifyToken(c); });
  r.Add(Verb::get,     "/api/v1/auth/jwks",                  [this](Context& c) { return Jwks(c); });
  r.Add(Verb::get,     "/api/v1/admin/users",         {admin}, [this](Context& c) { return ListUsers(c); });
  r.Add(Verb::get,     "/api/v1/admin/users/{user_id:int}", {admin}, [this](Context& c) { return GetUser(c); });
  r.Add(Verb::put,     "/api/v1/admin/users/{user_id:int}", {admin}, [this](Context& c) { return UpdateUser(c); });
  r.Add(Verb::delete_, "/api/v1/admin/users/{user_id:int}", {admin}, [this](Context& c) { return DeleteUser(c); });
  // clang-format on
}

asio::awaitable<void> AuthApi::PublishRevocation(std::vector<std::string> command) {
  try {
    co_await redis_.Command(std::move(command));
  } catch (const std::exception& ex) {
    log::Error("could not publish token revocation to redis", {{"error", ex.what()}});
  }
}

asio::awaitable<std::size_t> AuthApi::RestoreRevocations() {
  // SET unless the key holds this value or a higher one (a newer token version, or a deletion).
  static constexpr std::string_view kSetIfHigher = R"lua(
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1)lua";
  const std::chrono::seconds window(domain::kAccessTokenSeconds + security::kClockSkewSeconds);
  auto markers = co_await app_.blocking().Run([&] { return users_.ActiveRevocations(window); });
  std::size_t written = 0;
  constexpr std::size_t kBatch = 500;
  for (std::size_t first = 0; first < markers.size(); first += kBatch) {
    std::vector<std::vector<std::string>> commands;
    for (std::size_t i = first; i < std::min(markers.size(), first + kBatch); ++i) {
      const auto& m = markers[i];
      commands.push_back({"EVAL", std::string(kSetIfHigher), "1", m.key, std::to_string(m.value),
                          std::to_string(m.ttl_seconds)});
    }
    for (const auto& reply : co_await redis_.Pipeline(std::move(commands))) {
      if (reply.type == cache::Reply::Type::kError) throw std::runtime_error("redis: " + reply.str);
      if (reply.integer == 1) ++written;
    }
  }
  co_return written;
}

nlohmann::json AuthApi::TokenBody(const domain::User& user, std::string refresh_token) {
  security::Claims claims;
  claims.user_id = user.id;
  claims.role = user.role_id;
  claims.issued_at = time::ToUnixSeconds(time::Now());
  claims.expires_at = claims.issued_at + domain::kAccessTokenSeconds;
  claims.token_version = user.token_version;
  return {{"access_token", signer_.Issue(claims)},
          {"token_type", "bearer"},
          {"expires_in", domain::kAccessTokenSeconds},
          {"refresh_token", std::move(refresh_token)}};
}

asio::awaitable<nlohmann::json> AuthApi::IssueTokens(const domain::User& user) {
  std::string refresh = security::RandomToken(32);
  std::string hash = security::Sha256Hex(refresh);
  auto expires = time::Now() + std::chrono::seconds(domain::kRefreshTokenSeconds);
  co_await app_.blocking().Run([&] { users_.SaveRefreshToken(user.id, security::NewUuid(), hash, expires); });
  co_return TokenBody(user, std::move(refresh));
}

asio::awaitable<domain::User> AuthApi::CurrentUser(const http::Principal& principal) {
  auto user =
      co_await app_.blocking().Run([&] { return users_.FindForToken(principal.user_id, principal.jti); });
  if (!user || user->token_version != principal.token_version) {
    throw ApiError::Unauthorized("Token has been revoked", "token_revoked");
  }
  co_return *user;
}

asio::awaitable<http::Response> AuthApi::RegisterUser(Context& context, domain::Registration kind) {
  JsonReader reader(context.Body());
  domain::RegistrationFields fields;
  fields.username = reader.String("username", Presence::kRequired, 0, 10'000);
  fields.email = reader.String("email", Presence::kRequired, 0, 10'000);
  fields.password = reader.String("password", Presence::kRequired, 0, 10'000);
  fields.role_id =
      reader.Int("role_id", kind == domain::Registration::kPublic ? Presence::kRequired : Presence::kOptional,
                 INT64_MIN, INT64_MAX);
  std::vector<FieldProblem> problems = reader.problems();
  domain::NewAccount account = domain::CheckRegistration(fields, kind, problems);
  if (!problems.empty()) throw ApiError::Validation(std::move(problems));

  auto user = co_await app_.blocking().Run([&] {
    std::string hash = security::HashPassword(account.password);
    try {
      return users_.Create(account, hash, bus::Traced(context.request_id, [](const domain::User& created) {
                             return bus::MakeEvent(std::string(kAuthEvents), "user.registered",
                                                   EventUser(created));
                           }));
    } catch (const store::DuplicateAccount& duplicate) {
      throw ToApiError(duplicate);
    }
  });
  relay_.Notify();
  log::Info("user registered",
            {{"request_id", context.request_id}, {"user_id", user.id}, {"role_id", user.role_id}});
  co_return http::Ok(
      {{"id", user.id}, {"username", user.username}, {"email", user.email}},
      kind == domain::Registration::kPublic ? "Registration successful" : "Admin registration successful");
}

asio::awaitable<http::Response> AuthApi::Login(Context& context) {
  JsonReader reader(context.Body());
  auto email_text = reader.String("email", Presence::kRequired, 1, 254);
  auto password = reader.String("password", Presence::kRequired, 1, 1024);
  std::optional<std::string> email;
  if (email_text) {
    email = NormalizeEmail(*email_text);
    if (!email) reader.Problem("email", "must be a valid e-mail address");
  }
  reader.Finish();

  // Brute force on one account is stopped whatever address it comes from (the gateway limits addresses).
  try {
    auto decision = co_await login_limiter_.Hit("login:" + *email, limits_.login_attempts_per_account,
                                                limits_.login_window);
    if (!decision.allowed) {
      context.response_headers.emplace_back("Retry-After", std::to_string(decision.retry_after_seconds));
      throw ApiError(ApiError::Kind::kRateLimited, "too_many_login_attempts", "Too many requests",
                     "Too many login attempts for this account; try again in " +
                         std::to_string(decision.retry_after_seconds) + " s");
    }
  } catch (const cache::RedisError& ex) {
    log::Warn("login limiter unavailable", {{"error", ex.what()}});
  }

  auto user = co_await app_.blocking().Run([&]() -> std::optional<domain::User> {
    auto found = users_.FindByEmail(*email);
    if (!found) {
      security::VerifyPassword(DummyHash(), *password);
      return std::nullopt;
    }
    if (!security::VerifyPassword(found->password_hash, *password)) return std::nullopt;
    if (security::NeedsRehash(found->password_hash)) {
      users_.UpdatePasswordHash(found->id, security::HashPassword(*password));
    }
    return found;
  });
  if (!user) throw ApiError::Unauthorized("Invalid credentials", "invalid_credentials");
  auto body = co_await IssueTokens(*user);
  co_return http::Ok(body, "Login successful");
}

asio::awaitable<http::Response> AuthApi::Me(Context& context) {
  auto user = co_await CurrentUser(context.User());
  co_return http::Ok(UserJson(user));
}

asio::awaitable<http::Response> AuthApi::Refresh(Context& context) {
  JsonReader reader(context.Body());
  auto presented = reader.String("refresh_token", Presence::kRequired, 1, 512);
  reader.Finish();
  std::string next = security::RandomToken(32);
  std::string next_hash = security::Sha256Hex(next);
  auto expires = time::Now() + std::chrono::seconds(domain::kRefreshTokenSeconds);
  auto user = co_await app_.blocking().Run([&]() -> std::optional<domain::User> {
    auto grant = users_.RotateRefreshToken(security::Sha256Hex(*presented), next_hash, expires);
    if (!grant) return std::nullopt;
    return users_.FindById(grant->user_id);
  });
  if (!user) throw ApiError::Unauthorized("Invalid or expired refresh token", "invalid_refresh_token");
  co_return http::Ok(TokenBody(*user, std::move(next)), "Token refreshed");
}

asio::awaitable<http::Response> AuthApi::Logout(Context& context) {
  const auto& principal = context.User();
  std::optional<std::string> refresh;
  if (!context.request().body().empty()) {
    JsonReader reader(context.Body());
    refresh = reader.String("refresh_token", Presence::kOptional, 1, 512);
    reader.Finish();
  }
  auto expires_at = time::FromUnixSeconds(principal.expires_at);
  co_await app_.blocking().Run([&] {
    users_.RevokeAccessToken(principal.jti, expires_at);
    if (refresh) users_.RevokeRefreshToken(security::Sha256Hex(*refresh), principal.user_id);
  });
  auto ttl = std::max<std::int64_t>(
      1, principal.expires_at - time::ToUnixSeconds(time::Now()) + security::kClockSkewSeconds);
  std::vector<std::string> command{"SET", identity::RevokedJtiKey(principal.jti), "1", "EX",
                                   std::to_string(ttl)};
  co_await PublishRevocation(std::move(command));
  co_return http::Ok({{"message", "Logged out"}}, "Logout successful");
}

// The public keys access tokens are verified with, as a JWK Set (RFC 7517): for verifiers outside the
// platform. Our own processes are configured with MP_JWT_PUBLIC_KEYS instead (no start-up dependency).
asio::awaitable<http::Response> AuthApi::Jwks(Context& /*context*/) {
  auto response = http::Json(http::Status::ok, nlohmann::json::parse(verifier_.Jwks()));
  response.set(boost::beast::http::field::cache_control, "public, max-age=300");
  co_return response;
}

asio::awaitable<http::Response> AuthApi::VerifyToken(Context& context) {
  JsonReader reader(context.Body());
  auto token = reader.String("token", Presence::kRequired, 1, security::kMaxTokenSize);
  reader.Finish();
  auto result = verifier_.Verify(*token, time::ToUnixSeconds(time::Now()));
  if (!result.ok()) co_return http::Ok({{"valid", false}, {"reason", result.error}});
  const auto& claims = *result.claims;
  http::Principal principal;
  principal.user_id = claims.user_id;
  principal.jti = claims.jti;
  principal.token_version = claims.token_version;
  try {
    co_await CurrentUser(principal);
  } catch (const ApiError&) {
    co_return http::Ok({{"valid", false}, {"reason", "token revoked"}});
  }
  co_return http::Ok(
      {{"valid", true}, {"user_id", claims.user_id}, {"role_id", claims.role}, {"exp", claims.expires_at}});
}

asio::awaitable<http::Response> AuthApi::ListUsers(Context& context) {
  auto page = http::ReadPage(context);
  const auto role_filter = identity::RoleFilter(context);
  auto [users, total] = co_await app_.blocking().Run([&] {
    return std::make_pair(users_.List(role_filter, page.limit, page.offset), users_.Count(role_filter));
  });
  co_return http::OkList(users, total, AdminUserJson);
}

asio::awaitable<http::Response> AuthApi::GetUser(Context& context) {
  auto id = context.IntParam("user_id");
  auto user = co_await app_.blocking().Run([&] { return users_.FindById(id); });
  if (!user) throw UserNotFound();
  auto body = AdminUserJson(*user);
  body.erase("has_profile");
  body["profile"] = nullptr;
  co_return http::Ok(body);
}

asio::awaitable<http::Response> AuthApi::UpdateUser(Context& context) {
  auto id = context.IntParam("user_id");
  JsonReader reader(context.Body());
  domain::AccountEdit edit;
  edit.username = reader.String("username", Presence::kOptional, 0, 10'000);
  edit.email = reader.String("email", Presence::kOptional, 0, 10'000);
  edit.role_id = reader.Int("role_id", Presence::kOptional, INT64_MIN, INT64_MAX);
  std::vector<FieldProblem> problems = reader.problems();
  auto checked = domain::CheckAccountEdit(edit, problems);
  if (!problems.empty()) throw ApiError::Validation(std::move(problems));
  auto changes = domain::ChangeAccount(id, std::move(checked), context.User().user_id);
  if (!changes) throw ToApiError(changes.refusal());
  auto updated = co_await app_.blocking().Run([&] {
    auto event = [](const domain::User& before, const domain::User& after) -> std::optional<bus::Event> {
      nlohmann::json changed = nlohmann::json::array();
      if (before.username != after.username) changed.push_back("username");
      if (before.email != after.email) changed.push_back("email");
      if (before.role_id != after.role_id) changed.push_back("role_id");
      if (changed.empty()) return std::nullopt;
      auto fields = EventUser(after);
      fields["changed"] = changed;
      fields["previous_role_id"] = before.role_id;
      return bus::MakeEvent(std::string(kAuthEvents), "user.updated", fields);
    };
    try {
      return users_.Update(id, *changes, bus::Traced(context.request_id, event));
    } catch (const store::DuplicateAccount& duplicate) {
      throw ToApiError(duplicate);
    }
  });
  if (!updated) throw UserNotFound();
  relay_.Notify();
  auto ttl = std::to_string(domain::kAccessTokenSeconds + security::kClockSkewSeconds);
  std::vector<std::string> command{"SET", identity::TokenVersionKey(id),
                                   std::to_string(updated->token_version), "EX", ttl};
  co_await PublishRevocation(std::move(command));
  auto body = AdminUserJson(*updated);
  body.erase("has_profile");
  body["profile"] = nullptr;
  co_return http::Ok(body, "User updated");
}

asio::awaitable<http::Response> AuthApi::DeleteUser(Context& context) {
  auto id = domain::DeleteAccount(context.IntParam("user_id"), context.User().user_id);
  if (!id) throw ToApiError(id.refusal());
  auto deleted = co_await app_.blocking().Run([&] {
    return users_.Delete(*id, bus::Traced(context.request_id, [](const domain::User& user) {
      return bus::MakeEvent(std::string(kAuthEvents), "user.deleted",
                            {{"user_id", user.id}, {"role_id", user.role_id}});
    }));
  });
  if (!deleted) throw UserNotFound();
  relay_.Notify();
  auto ttl = std::to_string(domain::kAccessTokenSeconds + security::kClockSkewSeconds);
  std::vector<std::string> command{"SET", identity::TokenVersionKey(*id), std::to_string(INT64_MAX), "EX",
                                   ttl};
  co_await PublishRevocation(std::move(command));
  co_return http::Ok({{"user_id", *id}, {"message", "User deleted successfully"}}, "User deleted");
}

}  // namespace mp::auth::api

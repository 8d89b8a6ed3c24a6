#include "libs/identity/identity.hpp"

#include <strings.h>

#include "libs/core/error.hpp"
#include "libs/core/log.hpp"
#include "libs/core/time.hpp"
#include "libs/security/crypto.hpp"

namespace mp::identity {

std::string_view RoleName(int role) {
  switch (role) {
    case kCustomer: return "customer";
    case kProvider: return "provider";
    case kAdmin: return "admin";
    default: return "unknown";
  }
}

std::optional<int> RoleFilter(const http::Context& context) {
  auto role = http::ReadIntQuery(context, "role_id", 0, kAdmin);
  if (!role || *role == 0) return std::nullopt;
  return static_cast<int>(*role);
}

std::string TokenVersionKey(std::int64_t user_id) {
  return std::string(kTokenVersionPrefix) + std::to_string(user_id);
}
std::string RevokedJtiKey(std::string_view jti) { return std::string(kRevokedJtiPrefix) + std::string(jti); }

std::string_view BearerToken(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() || strncasecmp(header.data(), kScheme.data(), kScheme.size()) != 0)
    return {};
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

Authenticator::Authenticator(const security::TokenVerifier& verifier, cache::Redis* redis,
                             const security::MacKey* attestation)
    : verifier_(verifier), redis_(redis), attestation_(attestation) {}

std::vector<std::vector<std::string>> Authenticator::RevocationCommands(
    const http::Principal& principal) const {
  if (redis_ == nullptr) return {};
  std::vector<std::vector<std::string>> commands;
  commands.push_back({"GET", TokenVersionKey(principal.user_id)});
  commands.push_back({"EXISTS", RevokedJtiKey(principal.jti)});
  return commands;
}

void Authenticator::CheckRevocation(const http::Principal& principal,
                                    const std::vector<cache::Reply>& replies) const {
  if (replies.size() != 2) return;
  const auto& version = replies[0];
  if (version.type == cache::Reply::Type::kString) {
    std::int64_t current = 0;
    try {
      current = std::stoll(version.str);
    } catch (...) {
      current = 0;
    }
    if (principal.token_version < current)
      throw ApiError::Unauthorized("Token has been revoked", "token_revoked");
  }
  if (replies[1].type == cache::Reply::Type::kInteger && replies[1].integer > 0) {
    throw ApiError::Unauthorized("Token has been revoked", "token_revoked");
  }
}

boost::asio::awaitable<bool> Authenticator::CheckRevoked(const http::Principal& principal) const {
  auto commands = RevocationCommands(principal);
  if (commands.empty()) co_return false;
  std::vector<cache::Reply> replies;
  try {
    replies = co_await redis_->Pipeline(std::move(commands));
  } catch (const std::exception& ex) {
    log::Warn("revocation check skipped: redis unavailable", {{"error", ex.what()}});
    co_return false;
  }
  CheckRevocation(principal, replies);
  co_return true;
}

namespace {

std::string AttestedMessage(std::string_view jti, std::string_view millis) {
  return "revocation-checked:" + std::string(jti) + ":" + std::string(millis);
}

}  // namespace

std::string Authenticator::Attest(const http::Principal& principal, std::int64_t now_ms) const {
  if (attestation_ == nullptr) return {};
  std::string millis = std::to_string(now_ms);
  return millis + "." + attestation_->Mac(AttestedMessage(principal.jti, millis));
}

bool Authenticator::Attested(const http::Request& request, const http::Principal& principal,
                             std::int64_t now_ms) const {
  if (attestation_ == nullptr) return false;
  auto header = request[kAttestationHeader];
  std::string_view value(header.data(), header.size());
  auto dot = value.find('.');
  if (value.empty() || value.size() > 128 || dot == std::string_view::npos || dot == 0 || dot > 15)
    return false;
  std::string_view millis = value.substr(0, dot);
  std::int64_t at = 0;
  for (char c : millis) {
    if (c < '0' || c > '9') return false;
    at = at * 10 + (c - '0');
  }
  if (at > now_ms + kAttestationMaxAgeMs || now_ms - at > kAttestationMaxAgeMs) return false;
  return security::ConstantTimeEquals(value.substr(dot + 1),
                                      attestation_->Mac(AttestedMessage(principal.jti, millis)));
}

http::Principal Authenticator::Verify(const http::Request& request) const {
  auto header = request[boost::beast::http::field::authorization];
  if (header.empty()) throw ApiError::Unauthorized("Missing bearer token", "missing_token");
  std::string_view token = BearerToken(std::string_view(header.data(), header.size()));
  if (token.empty())
    throw ApiError::Unauthorized("Authorization header must be 'Bearer <token>'", "invalid_token");
  auto result = verifier_.Verify(token, time::ToUnixSeconds(time::Now()));
  if (!result.ok()) {
    bool expired = result.error.find("expired") != std::string::npos;
    throw ApiError::Unauthorized("Invalid token: " + result.error,
                                 expired ? "token_expired" : "invalid_token");
  }
  const auto& claims = *result.claims;
  http::Principal principal;
  principal.user_id = claims.user_id;
  principal.role = claims.role;
  principal.jti = claims.jti;
  principal.expires_at = claims.expires_at;
  principal.token_version = claims.token_version;
  principal.token = std::string(token);
  return principal;
}

boost::asio::awaitable<http::Principal> Authenticator::Authenticate(const http::Request& request) const {
  http::Principal principal = Verify(request);
  if (Attested(request, principal, time::ToUnixMillis(time::Now()))) co_return principal;
  principal.revocation_checked = co_await CheckRevoked(principal);
  co_return principal;
}

http::Guard Authenticator::RequireUser() const {
  return {"auth", [this](http::Context& context) -> boost::asio::awaitable<void> {
            context.principal = co_await Authenticate(context.request());
          }};
}

http::Guard Authenticator::RequireRole(int role) const {
  return {std::string("role:") + std::string(RoleName(role)),
          [this, role](http::Context& context) -> boost::asio::awaitable<void> {
            if (!context.principal) context.principal = co_await Authenticate(context.request());
            if (context.principal->role != role) {
              throw ApiError::Forbidden("This action requires the " + std::string(RoleName(role)) + " role",
                                        "wrong_role");
            }
          }};
}

}  // namespace mp::identity

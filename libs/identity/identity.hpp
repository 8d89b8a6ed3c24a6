#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "libs/cache/redis.hpp"
#include "libs/http/context.hpp"
#include "libs/http/router.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/mac.hpp"

// Who is calling: bearer-token verification shared by the gateway and every service. Tokens are checked
// locally (EdDSA signature by auth's key, iss, aud, exp, claims) and against the revocation state auth keeps
// in Redis:
//   auth:tv:{user_id}  the user's current token version; a token with an older `ver` is dead
//                      (role change, deletion);
//   auth:jti:{jti}     present while a logged-out access token would otherwise still be valid.
namespace mp::identity {

inline constexpr int kCustomer = 1;
inline constexpr int kProvider = 2;
inline constexpr int kAdmin = 3;

std::string_view RoleName(int role);  // customer | provider | admin | unknown

// The `role_id` query of a user list (0 to 3): the role to list, or nullopt for every role (absent or 0, as
// in the reference); 422 when it is not one of those.
std::optional<int> RoleFilter(const http::Context& context);

inline constexpr const char* kAttestationHeader = "X-Revocation-Checked";
inline constexpr std::int64_t kAttestationMaxAgeMs = 2000;  // also the clock skew tolerated between hosts

inline constexpr std::string_view kTokenVersionPrefix = "auth:tv:";
inline constexpr std::string_view kRevokedJtiPrefix = "auth:jti:";
std::string TokenVersionKey(std::int64_t user_id);
std::string RevokedJtiKey(std::string_view jti);

class Authenticator {
 public:
  // `redis` may be null (no revocation check). When Redis is down the token is accepted on its signature
  // and expiry alone (logged): availability over a revocation window of at most one access-token lifetime.
  // `attestation` may be null: no attestations are made or trusted (every service looks revocation up).
  Authenticator(const security::TokenVerifier& verifier, cache::Redis* redis,
                const security::MacKey* attestation = nullptr);

  // Verifies the Authorization header; throws ApiError 401 with the reason.
  boost::asio::awaitable<http::Principal> Authenticate(const http::Request& request) const;

  // Authenticate in two halves, for a caller that sends the revocation lookup in one Redis pipeline with
  // commands of its own (the gateway adds its rate-limit hit):
  //   Verify: the signature, expiry and claims of the Authorization header (no Redis; throws 401);
  //   RevocationCommands: the two lookups to send (empty without Redis);
  //   CheckRevocation: their replies, in order; throws 401 if the token was revoked.
  http::Principal Verify(const http::Request& request) const;
  std::vector<std::vector<std::string>> RevocationCommands(const http::Principal& principal) const;
  void CheckRevocation(const http::Principal& principal, const std::vector<cache::Reply>& replies) const;

  // The gateway's word that it has just checked revocation for this token, sent along the forwarded
  // request as `X-Revocation-Checked: <unix ms>.<MAC of jti and time>` (HMAC with MP_ATTESTATION_KEY, a
  // secret of the platform's processes; it can only skip a revocation lookup, never make a token).
  // Authenticate skips its own Redis lookup for a request that carries a valid one at most kAttestationMaxAge
  // old, so a request through the gateway costs one revocation lookup, not two. Forged, stale or other-token
  // attestations are ignored (the lookup happens as usual). Without a key, Attest returns an empty string
  // (send no header) and Attested is false.
  std::string Attest(const http::Principal& principal, std::int64_t now_ms) const;
  bool Attested(const http::Request& request, const http::Principal& principal, std::int64_t now_ms) const;

  // Guards for a route table: any signed-in user, or one role.
  http::Guard RequireUser() const;
  http::Guard RequireRole(int role) const;

 private:
  // True if Redis answered (and the token is not revoked); false if the lookup was skipped.
  boost::asio::awaitable<bool> CheckRevoked(const http::Principal& principal) const;

  const security::TokenVerifier& verifier_;
  cache::Redis* redis_;
  const security::MacKey* attestation_;
};

// The bearer token of an Authorization header value, or empty.
std::string_view BearerToken(std::string_view header);

}  // namespace mp::identity

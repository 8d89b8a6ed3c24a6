#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

// Access tokens: JWT signed with HMAC-SHA256 (RFC 7519), the only algorithm accepted.
// Wire claims: sub (user id as a decimal string), role, iat, exp, jti, ver (the user's token version).
namespace mp::security {

struct Claims {
  std::int64_t user_id = 0;
  int role = 0;
  std::int64_t issued_at = 0;   // unix seconds
  std::int64_t expires_at = 0;  // unix seconds
  std::string jti;              // unique token id (for revocation); Issue() fills it when empty
  std::int64_t token_version = 0;
};

struct VerifyResult {
  std::optional<Claims> claims;  // set when the token is valid
  std::string error;             // otherwise a short reason: "token expired", "bad signature", ...
  bool ok() const { return claims.has_value(); }
};

// Tokens longer than this are rejected unread ("malformed token"): ours are ≈250 bytes.
inline constexpr std::size_t kMaxTokenSize = 4096;
// Tolerated clock difference between the issuing and the verifying host, for `iat` only.
inline constexpr std::int64_t kClockSkewSeconds = 60;

// Immutable after construction: Issue and Verify may run concurrently on any number of threads.
class JwtCodec {
 public:
  explicit JwtCodec(std::string_view secret);  // throws std::invalid_argument on an empty secret

  // Throws std::invalid_argument if user_id is not positive.
  std::string Issue(const Claims& claims) const;
  // Checks, in this order: size and shape, header alg == HS256, signature, then the claims (types,
  // sub a positive decimal integer, exp > now_unix, iat not in the future).
  VerifyResult Verify(std::string_view token, std::int64_t now_unix) const;

  // base64url HMAC-SHA256 of `message` with the same key, for short attestations between our own
  // processes. `message` must contain a ':' (throws std::invalid_argument otherwise): a JWT signing input
  // never does (base64url and '.'), so no attestation can ever pass for a token signature, or back.
  std::string Mac(std::string_view message) const;

 private:
  std::string Sign(std::string_view signing_input) const;  // base64url HMAC-SHA256

  // HMAC = H((K^opad) || H((K^ipad) || m)): the two key-dependent prefix states are computed once, and
  // each signature starts from copies of them (copying only reads the templates).
  struct FreeDigestContext {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, FreeDigestContext> inner_;
  std::unique_ptr<evp_md_ctx_st, FreeDigestContext> outer_;
};

}  // namespace mp::security

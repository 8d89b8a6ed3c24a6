#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

// Access tokens: JWT signed with EdDSA over Ed25519 (RFC 7519, RFC 8037), the only algorithm accepted.
// Only the auth service holds the private key (TokenSigner); the gateway and every service hold the public
// keys (TokenVerifier), so no process but auth can make a token anyone accepts. See
// docs/adr/0009-asymmetric-access-tokens.md.
// Header: alg EdDSA, typ JWT, kid (RFC 7638 thumbprint of the public key).
// Wire claims: iss, aud, sub (user id as a decimal string), role, iat, exp, jti, ver (token version).
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

// Who issues tokens and for whom: checked exactly (`iss` and `aud` are strings, compared byte for byte).
struct TokenScope {
  std::string issuer = "marketplace-auth";
  std::string audience = "marketplace-api";
};

// Tokens longer than this are rejected unread ("malformed token"): ours are ≈330 bytes.
inline constexpr std::size_t kMaxTokenSize = 4096;
// Tolerated clock difference between the issuing and the verifying host, for `iat` only.
inline constexpr std::int64_t kClockSkewSeconds = 60;

// An Ed25519 key pair as JWK (RFC 8037) encodes it: base64url of the raw 32-byte private seed (`d`) and
// public key (`x`). One line each, so they travel in environment variables and Secrets.
struct KeyPair {
  std::string private_key;
  std::string public_key;
};
KeyPair GenerateKeyPair();
// The RFC 7638 JWK thumbprint of a public key (base64url SHA-256 of {"crv":"Ed25519","kty":"OKP","x":..}).
// Throws std::invalid_argument if `public_key` is not 32 bytes of base64url.
std::string KeyId(std::string_view public_key);
// Splits a comma-separated list of public keys (surrounding spaces ignored, empty items skipped).
std::vector<std::string> SplitKeys(std::string_view list);

struct FreeKey {
  void operator()(evp_pkey_st* key) const;
};
using KeyHandle = std::unique_ptr<evp_pkey_st, FreeKey>;

// Signs access tokens: the auth service only. Immutable after construction; thread-safe.
class TokenSigner {
 public:
  // Throws std::invalid_argument if `private_key` is not a base64url 32-byte Ed25519 seed.
  TokenSigner(std::string_view private_key, TokenScope scope);

  // Throws std::invalid_argument if user_id is not positive or jti is not 1-64 of [A-Za-z0-9_-].
  std::string Issue(const Claims& claims) const;
  const std::string& public_key() const { return public_key_; }
  const std::string& kid() const { return kid_; }

 private:
  KeyHandle key_;
  TokenScope scope_;
  std::string public_key_;
  std::string kid_;
  std::string header_;  // base64url of the constant header, kid included
};

// Verifies access tokens against a set of public keys (several while keys rotate; chosen by `kid`).
// Immutable keys; thread-safe. A token whose signature and claims checked out is remembered (bounded, by
// its exact text), so a client's next requests with it cost a hash lookup and the expiry check instead of
// an Ed25519 verification (≈60-100 µs).
class TokenVerifier {
 public:
  // Throws std::invalid_argument if `public_keys` is empty or one is not 32 bytes of base64url.
  // `cache_capacity` 0 turns the verified-token cache off.
  TokenVerifier(const std::vector<std::string>& public_keys, TokenScope scope,
                std::size_t cache_capacity = 65536);
  ~TokenVerifier();
  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;

  // Checks, in this order: size and shape, header (alg EdDSA, a known kid, no crit), signature, then the
  // claims (iss, aud, types, sub a positive decimal integer, exp > now_unix, iat not in the future).
  VerifyResult Verify(std::string_view token, std::int64_t now_unix) const;

  bool Knows(std::string_view public_key) const;
  // The public keys as a JWK Set (RFC 7517), for verifiers outside the platform.
  std::string Jwks() const;

 private:
  struct Key {
    KeyHandle handle;
    std::string public_key;
    std::string kid;
    std::string header;  // the base64url header TokenSigner writes for this key
  };
  class Cache;

  std::vector<Key> keys_;
  TokenScope scope_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace mp::security

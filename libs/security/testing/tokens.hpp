#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include "libs/security/jwt.hpp"

// Tokens for tests: one Ed25519 key pair per test process, made on first use. Code under test verifies with
// Verifier(); the test signs with Signer() (or Token()), as auth would.
namespace mp::security::testing {

inline const KeyPair& Keys() {
  static const KeyPair keys = GenerateKeyPair();
  return keys;
}

inline const TokenSigner& Signer() {
  static const TokenSigner signer(Keys().private_key, TokenScope{});
  return signer;
}

inline const TokenVerifier& Verifier() {
  static const TokenVerifier verifier({Keys().public_key}, TokenScope{});
  return verifier;
}

// A valid access token for `user_id` with `role`, issued now, living `lifetime_seconds`.
inline std::string Token(std::int64_t user_id, int role, std::int64_t lifetime_seconds = 600) {
  Claims claims;
  claims.user_id = user_id;
  claims.role = role;
  claims.issued_at = std::time(nullptr);
  claims.expires_at = claims.issued_at + lifetime_seconds;
  return Signer().Issue(claims);
}

}  // namespace mp::security::testing

#include "libs/security/password.hpp"

#include <stdexcept>

#include <sodium.h>

#include "libs/security/crypto.hpp"

namespace mp::security {
namespace {

// libsodium wants a NUL-terminated hash shorter than crypto_pwhash_STRBYTES; anything longer cannot be
// one of ours.
bool CopyHash(std::string_view hash, std::string& out) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  out.assign(hash);
  return true;
}

}  // namespace

std::string HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kPasswordOpsLimit, kPasswordMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing failed (out of memory)");
  }
  return out;
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  std::string terminated;
  if (!CopyHash(hash, terminated)) return false;
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(std::string_view hash) {
  EnsureSodium();
  std::string terminated;
  if (!CopyHash(hash, terminated) || !hash.starts_with("$argon2id$")) return true;
  // 0: current parameters; 1: different parameters; -1: not an Argon2id hash string.
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), kPasswordOpsLimit, kPasswordMemLimit) != 0;
}

}  // namespace mp::security

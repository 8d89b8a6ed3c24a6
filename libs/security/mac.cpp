#include "libs/security/mac.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "libs/security/crypto.hpp"

namespace mp::security {
namespace {

constexpr std::size_t kBlockSize = 64;  // SHA-256 block size, the HMAC key pad length

bool DigestUpdate(EVP_MD_CTX* ctx, const void* data, std::size_t size) {
  return EVP_DigestUpdate(ctx, data, size) == 1;
}

}  // namespace

void MacKey::FreeDigestContext::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

MacKey::MacKey(std::string_view secret) : inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()) {
  if (secret.empty()) throw std::invalid_argument("a MAC key must not be empty");
  if (!inner_ || !outer_) throw std::runtime_error("EVP_MD_CTX_new failed");
  // RFC 2104: a key longer than the block is replaced by its digest, a shorter one is zero-padded.
  std::array<unsigned char, kBlockSize> key{};
  if (secret.size() > kBlockSize) {
    unsigned int length = 0;
    if (EVP_Digest(secret.data(), secret.size(), key.data(), &length, EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("SHA-256 failed");
    }
  } else {
    std::copy(secret.begin(), secret.end(), key.begin());
  }
  std::array<unsigned char, kBlockSize> ipad{};
  std::array<unsigned char, kBlockSize> opad{};
  for (std::size_t i = 0; i < kBlockSize; ++i) {
    ipad[i] = key[i] ^ 0x36;
    opad[i] = key[i] ^ 0x5c;
  }
  const bool ok = EVP_DigestInit_ex(inner_.get(), EVP_sha256(), nullptr) == 1 &&
                  DigestUpdate(inner_.get(), ipad.data(), ipad.size()) &&
                  EVP_DigestInit_ex(outer_.get(), EVP_sha256(), nullptr) == 1 &&
                  DigestUpdate(outer_.get(), opad.data(), opad.size());
  OPENSSL_cleanse(key.data(), key.size());
  OPENSSL_cleanse(ipad.data(), ipad.size());
  OPENSSL_cleanse(opad.data(), opad.size());
  if (!ok) throw std::runtime_error("HMAC-SHA256 key setup failed");
}

std::string MacKey::Mac(std::string_view message) const {
  std::unique_ptr<evp_md_ctx_st, FreeDigestContext> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const bool ok = ctx && EVP_MD_CTX_copy_ex(ctx.get(), inner_.get()) == 1 &&
                  DigestUpdate(ctx.get(), message.data(), message.size()) &&
                  EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) == 1 &&
                  EVP_MD_CTX_copy_ex(ctx.get(), outer_.get()) == 1 &&
                  DigestUpdate(ctx.get(), digest.data(), length) &&
                  EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) == 1;
  if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
  return Base64UrlEncode({reinterpret_cast<const char*>(digest.data()), length});
}

}  // namespace mp::security

#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace mp::security {

// HMAC-SHA256 (RFC 2104) with one secret key, for short attestations between our own processes (the
// gateway's "revocation checked" header). Immutable after construction; thread-safe.
class MacKey {
 public:
  explicit MacKey(std::string_view secret);  // throws std::invalid_argument on an empty secret

  // base64url HMAC-SHA256 of `message`.
  std::string Mac(std::string_view message) const;

 private:
  // HMAC = H((K^opad) || H((K^ipad) || m)): the two key-dependent prefix states are computed once, and
  // each MAC starts from copies of them (copying only reads the templates).
  struct FreeDigestContext {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, FreeDigestContext> inner_;
  std::unique_ptr<evp_md_ctx_st, FreeDigestContext> outer_;
};

}  // namespace mp::security

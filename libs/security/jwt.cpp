#include "libs/security/jwt.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include "libs/security/crypto.hpp"
#include "libs/security/flat_json.hpp"

namespace mp::security {
namespace {

using nlohmann::json;

// base64url of {"alg":"HS256","typ":"JWT"}: every token we issue carries exactly this header, so the
// common case is recognised by a string compare instead of a JSON parse.
constexpr std::string_view kHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
constexpr std::size_t kBlockSize = 64;  // SHA-256 block size, the HMAC key pad length
constexpr std::size_t kMaxJtiSize = 64;

VerifyResult Fail(std::string reason) { return {std::nullopt, std::move(reason)}; }

// The claims as found in the payload, before their types and values are checked.
struct RawClaims {
  JsonScalar sub, role, iat, exp, jti, ver;

  void Set(std::string_view key, const JsonScalar& value) {
    if (key == "sub")
      sub = value;
    else if (key == "role")
      role = value;
    else if (key == "iat")
      iat = value;
    else if (key == "exp")
      exp = value;
    else if (key == "jti")
      jti = value;
    else if (key == "ver")
      ver = value;
  }
};

JsonScalar ToScalar(const json& value) {
  JsonScalar out;
  if (value.is_string()) {
    out.kind = JsonScalar::Kind::kString;
    out.text = value.get_ref<const std::string&>();
  } else if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    out.kind = v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                   ? JsonScalar::Kind::kInteger
                   : JsonScalar::Kind::kOther;
    out.integer = static_cast<std::int64_t>(v);
  } else if (value.is_number_integer()) {
    out.kind = JsonScalar::Kind::kInteger;
    out.integer = value.get<std::int64_t>();
  } else {
    out.kind = JsonScalar::Kind::kOther;
  }
  return out;
}

// Fills `claims` from the payload JSON; `storage` keeps the parsed document alive when the general parser
// was needed (the string_views point into it). False if the payload is not a JSON object.
bool ReadClaims(std::string_view payload, RawClaims& claims, json& storage) {
  if (ParseFlatObject(payload, [&](std::string_view key, const JsonScalar& v) { claims.Set(key, v); })) {
    return true;
  }
  claims = {};
  storage = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!storage.is_object()) return false;  // also true for a parse error ("discarded")
  for (const auto& [key, value] : storage.items()) claims.Set(key, ToScalar(value));
  return true;
}

std::string CheckInt(const JsonScalar& value, const char* name, std::int64_t min, std::int64_t max,
                     std::int64_t& out) {
  if (value.kind == JsonScalar::Kind::kAbsent) return std::string("missing claim: ") + name;
  if (value.kind != JsonScalar::Kind::kInteger || value.integer < min || value.integer > max) {
    return std::string("invalid claim: ") + name;
  }
  out = value.integer;
  return {};
}

// A positive decimal integer in canonical form: digits only, no sign, no leading zero, fits int64.
std::optional<std::int64_t> ParseUserId(std::string_view text) {
  if (text.empty() || text.size() > 19 || text[0] == '0') return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

bool IsTokenId(std::string_view jti) {
  if (jti.empty() || jti.size() > kMaxJtiSize) return false;
  for (const char c : jti) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool DigestUpdate(EVP_MD_CTX* ctx, const void* data, std::size_t size) {
  return EVP_DigestUpdate(ctx, data, size) == 1;
}

}  // namespace

void JwtCodec::FreeDigestContext::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

JwtCodec::JwtCodec(std::string_view secret) : inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()) {
  if (secret.empty()) throw std::invalid_argument("JWT secret must not be empty");
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

std::string JwtCodec::Sign(std::string_view signing_input) const {
  std::unique_ptr<evp_md_ctx_st, FreeDigestContext> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const bool ok = ctx && EVP_MD_CTX_copy_ex(ctx.get(), inner_.get()) == 1 &&
                  DigestUpdate(ctx.get(), signing_input.data(), signing_input.size()) &&
                  EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) == 1 &&
                  EVP_MD_CTX_copy_ex(ctx.get(), outer_.get()) == 1 &&
                  DigestUpdate(ctx.get(), digest.data(), length) &&
                  EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) == 1;
  if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
  return Base64UrlEncode({reinterpret_cast<const char*>(digest.data()), length});
}

std::string JwtCodec::Mac(std::string_view message) const {
  if (message.find(':') == std::string_view::npos)
    throw std::invalid_argument("a MAC'd message must contain ':'");
  return Sign(message);
}

std::string JwtCodec::Issue(const Claims& claims) const {
  if (claims.user_id <= 0) throw std::invalid_argument("JWT sub must be a positive user id");
  const std::string jti = claims.jti.empty() ? RandomToken(16) : claims.jti;
  // Restricting jti to URL-safe characters lets the payload be written without a JSON library.
  if (!IsTokenId(jti)) throw std::invalid_argument("JWT jti must be 1-64 characters of [A-Za-z0-9_-]");
  std::string payload = R"({"sub":")" + std::to_string(claims.user_id) + R"(","role":)" +
                        std::to_string(claims.role) + ",\"iat\":" + std::to_string(claims.issued_at) +
                        ",\"exp\":" + std::to_string(claims.expires_at) + R"(,"jti":")" + jti +
                        R"(","ver":)" + std::to_string(claims.token_version) + "}";
  std::string token(kHeader);
  token += '.';
  token += Base64UrlEncode(payload);
  const std::string signature = Sign(token);
  token += '.';
  token += signature;
  return token;
}

VerifyResult JwtCodec::Verify(std::string_view token, std::int64_t now_unix) const {
  if (token.empty() || token.size() > kMaxTokenSize) return Fail("malformed token");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Fail("malformed token");
  }
  const std::string_view header = token.substr(0, dot1);
  const std::string_view payload_text = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature = token.substr(dot2 + 1);
  if (header.empty() || payload_text.empty()) return Fail("malformed token");

  // The header decides nothing but must say HS256: the algorithm is pinned, never taken from the token.
  if (header != kHeader) {
    const auto text = Base64UrlDecode(header);
    const json fields = text ? json::parse(*text, nullptr, /*allow_exceptions=*/false) : json();
    if (!fields.is_object()) return Fail("malformed token");
    const auto alg = fields.find("alg");
    if (alg == fields.end() || !alg->is_string() || alg->get_ref<const std::string&>() != "HS256") {
      return Fail("algorithm not allowed");
    }
    // RFC 7515 §4.1.11: extensions we do not understand must make the token invalid.
    if (fields.contains("crit")) return Fail("unsupported header: crit");
  }

  if (!ConstantTimeEquals(Sign(token.substr(0, dot2)), signature)) return Fail("bad signature");

  const auto payload = Base64UrlDecode(payload_text);
  RawClaims raw;
  json storage;
  if (!payload || !ReadClaims(*payload, raw, storage)) return Fail("malformed token");

  Claims claims;
  if (raw.sub.kind == JsonScalar::Kind::kAbsent) return Fail("missing claim: sub");
  const auto user_id =
      raw.sub.kind == JsonScalar::Kind::kString ? ParseUserId(raw.sub.text) : std::optional<std::int64_t>();
  if (!user_id) return Fail("invalid claim: sub");
  claims.user_id = *user_id;

  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kIntMin = std::numeric_limits<int>::min();
  constexpr auto kIntMax = std::numeric_limits<int>::max();
  std::int64_t role = 0;
  if (auto e = CheckInt(raw.role, "role", kIntMin, kIntMax, role); !e.empty()) return Fail(std::move(e));
  claims.role = static_cast<int>(role);
  if (auto e = CheckInt(raw.iat, "iat", 0, kMax, claims.issued_at); !e.empty()) return Fail(std::move(e));
  if (auto e = CheckInt(raw.exp, "exp", 0, kMax, claims.expires_at); !e.empty()) return Fail(std::move(e));
  if (auto e = CheckInt(raw.ver, "ver", 0, kMax, claims.token_version); !e.empty()) return Fail(std::move(e));
  if (raw.jti.kind == JsonScalar::Kind::kAbsent) return Fail("missing claim: jti");
  if (raw.jti.kind != JsonScalar::Kind::kString || raw.jti.text.empty()) return Fail("invalid claim: jti");
  claims.jti = raw.jti.text;

  // libjwt and many others skip this; we own it. "On or after exp" is expired (RFC 7519 §4.1.4).
  if (now_unix >= claims.expires_at) return Fail("token expired");
  if (claims.issued_at > now_unix + kClockSkewSeconds) return Fail("token not yet valid");
  return {std::move(claims), {}};
}

}  // namespace mp::security

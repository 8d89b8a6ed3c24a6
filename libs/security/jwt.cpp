#include "libs/security/jwt.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include "libs/security/crypto.hpp"
#include "libs/security/flat_json.hpp"

namespace mp::security {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxJtiSize = 64;
constexpr std::size_t kKeySize = 32;        // Ed25519 seed and public key
constexpr std::size_t kSignatureSize = 64;  // Ed25519 signature

VerifyResult Fail(std::string reason) { return {std::nullopt, std::move(reason)}; }

// The claims as found in the payload, before their types and values are checked.
struct RawClaims {
  JsonScalar iss, aud, sub, role, iat, exp, jti, ver;

  void Set(std::string_view key, const JsonScalar& value) {
    static constexpr std::pair<std::string_view, JsonScalar RawClaims::*> kFields[] = {
        {"iss", &RawClaims::iss},   {"aud", &RawClaims::aud}, {"sub", &RawClaims::sub},
        {"role", &RawClaims::role}, {"iat", &RawClaims::iat}, {"exp", &RawClaims::exp},
        {"jti", &RawClaims::jti},   {"ver", &RawClaims::ver}};
    for (const auto& [name, field] : kFields) {
      if (key == name) {
        this->*field = value;
        return;
      }
    }
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

struct FreeContext {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using ContextHandle = std::unique_ptr<EVP_MD_CTX, FreeContext>;

std::string RawKey(std::string_view encoded, const char* what) {
  auto raw = Base64UrlDecode(encoded);
  if (!raw || raw->size() != kKeySize) {
    throw std::invalid_argument(std::string(what) +
                                " must be 32 bytes in base64url (the raw key, as JWK x or d)");
  }
  return std::move(*raw);
}

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

KeyHandle PublicKeyHandle(std::string_view public_key) {
  const std::string raw = RawKey(public_key, "an Ed25519 public key");
  KeyHandle key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(raw), raw.size()));
  if (!key) throw std::invalid_argument("not an Ed25519 public key");
  return key;
}

std::string RawPublicKey(EVP_PKEY* key) {
  std::array<unsigned char, kKeySize> raw{};
  std::size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, raw.data(), &length) != 1 || length != kKeySize) {
    throw std::runtime_error("EVP_PKEY_get_raw_public_key failed");
  }
  return Base64UrlEncode({reinterpret_cast<const char*>(raw.data()), length});
}

// The header TokenSigner writes: fixed member order, so a verifier recognises its own by a string compare.
std::string HeaderFor(const std::string& kid) {
  return Base64UrlEncode(R"({"alg":"EdDSA","typ":"JWT","kid":")" + kid + R"("})");
}

}  // namespace

void FreeKey::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }

KeyPair GenerateKeyPair() {
  KeyHandle key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) throw std::runtime_error("Ed25519 key generation failed");
  std::array<unsigned char, kKeySize> seed{};
  std::size_t length = seed.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), seed.data(), &length) != 1 || length != kKeySize) {
    throw std::runtime_error("EVP_PKEY_get_raw_private_key failed");
  }
  KeyPair pair{Base64UrlEncode({reinterpret_cast<const char*>(seed.data()), length}),
               RawPublicKey(key.get())};
  OPENSSL_cleanse(seed.data(), seed.size());
  return pair;
}

std::string KeyId(std::string_view public_key) {
  RawKey(public_key, "an Ed25519 public key");
  const std::string members = R"({"crv":"Ed25519","kty":"OKP","x":")" + std::string(public_key) + R"("})";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(members.data(), members.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return Base64UrlEncode({reinterpret_cast<const char*>(digest.data()), length});
}

std::vector<std::string> SplitKeys(std::string_view list) {
  std::vector<std::string> keys;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) keys.emplace_back(item);
  }
  return keys;
}

TokenSigner::TokenSigner(std::string_view private_key, TokenScope scope) : scope_(std::move(scope)) {
  std::string seed = RawKey(private_key, "the Ed25519 private key");
  key_.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed), seed.size()));
  OPENSSL_cleanse(seed.data(), seed.size());
  if (!key_) throw std::invalid_argument("not an Ed25519 private key");
  public_key_ = RawPublicKey(key_.get());
  kid_ = KeyId(public_key_);
  header_ = HeaderFor(kid_);
  // The payload is written without a JSON library: issuer and audience are ours and must need no escaping.
  for (const auto* text : {&scope_.issuer, &scope_.audience}) {
    if (text->empty() || text->find_first_of("\"\\") != std::string::npos ||
        std::any_of(text->begin(), text->end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      throw std::invalid_argument("token issuer and audience must be non-empty plain text");
    }
  }
}

std::string TokenSigner::Issue(const Claims& claims) const {
  if (claims.user_id <= 0) throw std::invalid_argument("JWT sub must be a positive user id");
  const std::string jti = claims.jti.empty() ? RandomToken(16) : claims.jti;
  // Restricting jti to URL-safe characters lets the payload be written without a JSON library.
  if (!IsTokenId(jti)) throw std::invalid_argument("JWT jti must be 1-64 characters of [A-Za-z0-9_-]");
  const std::string payload = R"({"iss":")" + scope_.issuer + R"(","aud":")" + scope_.audience +
                              R"(","sub":")" + std::to_string(claims.user_id) + R"(","role":)" +
                              std::to_string(claims.role) + ",\"iat\":" + std::to_string(claims.issued_at) +
                              ",\"exp\":" + std::to_string(claims.expires_at) + R"(,"jti":")" + jti +
                              R"(","ver":)" + std::to_string(claims.token_version) + "}";
  std::string token = header_;
  token += '.';
  token += Base64UrlEncode(payload);

  ContextHandle ctx(EVP_MD_CTX_new());
  std::array<unsigned char, kSignatureSize> signature{};
  std::size_t length = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &length, Bytes(token), token.size()) != 1) {
    throw std::runtime_error("Ed25519 signing failed");
  }
  token += '.';
  token += Base64UrlEncode({reinterpret_cast<const char*>(signature.data()), length});
  return token;
}

// Verified tokens by their exact text, in shards so threads rarely meet on one lock. A full shard is
// emptied (no LRU bookkeeping on the hot path); a token expires from it when `exp` passes, checked on hit.
class TokenVerifier::Cache {
 public:
  explicit Cache(std::size_t capacity) : shard_capacity_(std::max<std::size_t>(capacity / kShards, 1)) {}

  std::optional<Claims> Find(std::string_view token) {
    Shard& shard = ShardOf(token);
    const std::lock_guard lock(shard.mutex);
    const auto found = shard.entries.find(token);
    if (found == shard.entries.end()) return std::nullopt;
    return found->second;
  }

  void Add(std::string_view token, const Claims& claims) {
    Shard& shard = ShardOf(token);
    const std::lock_guard lock(shard.mutex);
    if (shard.entries.size() >= shard_capacity_) shard.entries.clear();
    shard.entries.emplace(std::string(token), claims);
  }

 private:
  static constexpr std::size_t kShards = 16;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Claims, Hash, std::equal_to<>> entries;
  };
  Shard& ShardOf(std::string_view token) {
    // A signature character: as random as anything in the token (the last one carries only 2 bits).
    return shards_[static_cast<unsigned char>(token[token.size() - 2]) % kShards];
  }

  std::size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

TokenVerifier::TokenVerifier(const std::vector<std::string>& public_keys, TokenScope scope,
                             std::size_t cache_capacity)
    : scope_(std::move(scope)),
      cache_(cache_capacity > 0 ? std::make_unique<Cache>(cache_capacity) : nullptr) {
  if (public_keys.empty()) throw std::invalid_argument("at least one token public key is needed");
  for (const auto& public_key : public_keys) {
    Key key{PublicKeyHandle(public_key), public_key, KeyId(public_key), {}};
    key.header = HeaderFor(key.kid);
    keys_.push_back(std::move(key));
  }
}

TokenVerifier::~TokenVerifier() = default;

bool TokenVerifier::Knows(std::string_view public_key) const {
  return std::any_of(keys_.begin(), keys_.end(),
                     [&](const Key& key) { return key.public_key == public_key; });
}

std::string TokenVerifier::Jwks() const {
  json keys = json::array();
  for (const auto& key : keys_) {
    keys.push_back({{"kty", "OKP"},
                    {"crv", "Ed25519"},
                    {"x", key.public_key},
                    {"kid", key.kid},
                    {"use", "sig"},
                    {"alg", "EdDSA"}});
  }
  return json{{"keys", keys}}.dump();
}

VerifyResult TokenVerifier::Verify(std::string_view token, std::int64_t now_unix) const {
  if (token.empty() || token.size() > kMaxTokenSize) return Fail("malformed token");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Fail("malformed token");
  }
  const std::string_view header = token.substr(0, dot1);
  const std::string_view payload_text = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_text = token.substr(dot2 + 1);
  if (header.empty() || payload_text.empty()) return Fail("malformed token");

  // This exact text was verified before: only time can have changed its answer.
  if (auto known = cache_ ? cache_->Find(token) : std::nullopt) {
    if (now_unix >= known->expires_at) return Fail("token expired");
    return {std::move(known), {}};
  }

  // The header decides only which of our keys to try; the algorithm is pinned, never taken from the token.
  const Key* key = nullptr;
  for (const auto& candidate : keys_) {
    if (header == candidate.header) key = &candidate;
  }
  if (key == nullptr) {
    const auto text = Base64UrlDecode(header);
    const json fields = text ? json::parse(*text, nullptr, /*allow_exceptions=*/false) : json();
    if (!fields.is_object()) return Fail("malformed token");
    const auto alg = fields.find("alg");
    if (alg == fields.end() || !alg->is_string() || alg->get_ref<const std::string&>() != "EdDSA") {
      return Fail("algorithm not allowed");
    }
    // RFC 7515 §4.1.11: extensions we do not understand must make the token invalid.
    if (fields.contains("crit")) return Fail("unsupported header: crit");
    const auto kid = fields.find("kid");
    for (const auto& candidate : keys_) {
      if (kid != fields.end() && kid->is_string() && kid->get_ref<const std::string&>() == candidate.kid) {
        key = &candidate;
      }
    }
    if (key == nullptr) return Fail("unknown signing key");
  }

  // Strict base64url: a non-canonical encoding of a valid signature is refused too.
  const auto signature = Base64UrlDecode(signature_text);
  if (!signature || signature->size() != kSignatureSize) return Fail("bad signature");
  const std::string_view signing_input = token.substr(0, dot2);
  ContextHandle ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key->handle.get()) != 1) {
    throw std::runtime_error("EVP_DigestVerifyInit failed");
  }
  if (EVP_DigestVerify(ctx.get(), Bytes(*signature), signature->size(), Bytes(signing_input),
                       signing_input.size()) != 1) {
    return Fail("bad signature");
  }

  const auto payload = Base64UrlDecode(payload_text);
  RawClaims raw;
  json storage;
  if (!payload || !ReadClaims(*payload, raw, storage)) return Fail("malformed token");

  if (raw.iss.kind == JsonScalar::Kind::kAbsent) return Fail("missing claim: iss");
  if (raw.iss.kind != JsonScalar::Kind::kString || raw.iss.text != scope_.issuer) {
    return Fail("invalid claim: iss");
  }
  if (raw.aud.kind == JsonScalar::Kind::kAbsent) return Fail("missing claim: aud");
  if (raw.aud.kind != JsonScalar::Kind::kString || raw.aud.text != scope_.audience) {
    return Fail("invalid claim: aud");
  }

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

  // "On or after exp" is expired (RFC 7519 §4.1.4).
  if (now_unix >= claims.expires_at) return Fail("token expired");
  if (claims.issued_at > now_unix + kClockSkewSeconds) return Fail("token not yet valid");
  if (cache_) cache_->Add(token, claims);
  return {std::move(claims), {}};
}

}  // namespace mp::security

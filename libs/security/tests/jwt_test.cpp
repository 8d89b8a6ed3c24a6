#include "libs/security/jwt.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <nlohmann/json.hpp>

#include "libs/security/crypto.hpp"
#include "libs/security/mac.hpp"

namespace mp::security {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1'760'000'000;

const KeyPair& Keys() {
  static const KeyPair keys = GenerateKeyPair();
  return keys;
}

const std::string& Kid() {
  static const std::string kid = KeyId(Keys().public_key);
  return kid;
}

// Auth's signer and a verifier of its key, without the verified-token cache unless a test asks for it.
struct Codec {
  TokenSigner signer{Keys().private_key, TokenScope{}};
  TokenVerifier verifier{{Keys().public_key}, TokenScope{}, /*cache_capacity=*/0};
  std::string Issue(const Claims& claims) const { return signer.Issue(claims); }
  VerifyResult Verify(std::string_view token, std::int64_t now) const { return verifier.Verify(token, now); }
};

Claims SampleClaims() {
  return {.user_id = 42,
          .role = 2,
          .issued_at = kNow,
          .expires_at = kNow + 1800,
          .jti = "abc123",
          .token_version = 7};
}

json SamplePayload() {
  return {{"iss", "marketplace-auth"}, {"aud", "marketplace-api"}, {"sub", "42"}, {"role", 2}, {"iat", kNow},
          {"exp", kNow + 1800},        {"jti", "abc123"},          {"ver", 7}};
}

// Signs `input` with an Ed25519 private key straight through OpenSSL, not through TokenSigner.
std::string SignEd25519(const std::string& input, const std::string& private_key = Keys().private_key) {
  const auto seed = Base64UrlDecode(private_key);
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed->data()), seed->size());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char signature[64];
  std::size_t length = sizeof(signature);
  EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key);
  EVP_DigestSign(ctx, signature, &length, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return Base64UrlEncode({reinterpret_cast<const char*>(signature), length});
}

// A token from arbitrary header and payload, signed with Ed25519 (our key unless told otherwise).
std::string Forge(const json& header, const json& payload,
                  const std::string& private_key = Keys().private_key) {
  const std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  return input + "." + SignEd25519(input, private_key);
}

std::string ForgeEdDsa(const json& payload) {
  return Forge({{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", Kid()}}, payload);
}

// A token "signed" with HMAC: what an attacker tries when a verifier lets the header pick the algorithm.
std::string ForgeHmac(const json& header, const json& payload, std::string_view secret,
                      const EVP_MD* md = EVP_sha256()) {
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + Base64UrlEncode({reinterpret_cast<const char*>(mac), length});
}

std::string ErrorOf(const VerifyResult& result) { return result.ok() ? "ok" : result.error; }

// What `codec` says of SamplePayload() with claim `name` set to `value`, or without it (nullopt).
std::string ErrorWithClaim(const Codec& codec, const std::string& name, const std::optional<json>& value) {
  json payload = SamplePayload();
  if (value) {
    payload[name] = *value;
  } else {
    payload.erase(name);
  }
  return ErrorOf(codec.Verify(ForgeEdDsa(payload), kNow));
}

TEST(Tokens, RoundTripKeepsEveryClaim) {
  const Codec codec;
  auto result = codec.Verify(codec.Issue(SampleClaims()), kNow + 10);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.claims->user_id, 42);
  EXPECT_EQ(result.claims->role, 2);
  EXPECT_EQ(result.claims->issued_at, kNow);
  EXPECT_EQ(result.claims->expires_at, kNow + 1800);
  EXPECT_EQ(result.claims->jti, "abc123");
  EXPECT_EQ(result.claims->token_version, 7);
}

TEST(MacKey, IsKeyedAndMatchesRfc4231) {
  const MacKey key("unit-test-attestation-key-0123456789");
  const MacKey other("another-attestation-key-0123456789ab");
  EXPECT_EQ(key.Mac("a:b"), key.Mac("a:b"));
  EXPECT_NE(key.Mac("a:b"), key.Mac("a:c"));
  EXPECT_NE(key.Mac("a:b"), other.Mac("a:b"));
  // RFC 4231 test case 2.
  EXPECT_EQ(MacKey("Jefe").Mac("what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
  EXPECT_THROW(MacKey{""}, std::invalid_argument);
}

TEST(MacKey, KeyLongerThanTheBlockIsHashedAsRfc2104Says) {
  const std::string long_key(100, 'x');
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), long_key.data(), static_cast<int>(long_key.size()),
       reinterpret_cast<const unsigned char*>("m:1"), 3, mac, &length);
  EXPECT_EQ(MacKey(long_key).Mac("m:1"), Base64UrlEncode({reinterpret_cast<const char*>(mac), length}));
}

TEST(Tokens, IssueFillsARandom128BitJtiWhenEmpty) {
  const Codec codec;
  Claims claims = SampleClaims();
  claims.jti.clear();
  auto a = codec.Verify(codec.Issue(claims), kNow);
  auto b = codec.Verify(codec.Issue(claims), kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.claims->jti.size(), 22u);  // 16 bytes in base64url
  EXPECT_NE(a.claims->jti, b.claims->jti);
}

TEST(Tokens, IssueRejectsANonPositiveUserId) {
  const Codec codec;
  Claims claims = SampleClaims();
  claims.user_id = 0;
  EXPECT_THROW(codec.Issue(claims), std::invalid_argument);
  EXPECT_THROW(TokenSigner("", TokenScope{}), std::invalid_argument);
  EXPECT_THROW(TokenSigner("c2hvcnQ", TokenScope{}), std::invalid_argument);  // not 32 bytes
  EXPECT_THROW(TokenSigner(Keys().private_key, {.issuer = "a\"b", .audience = "x"}), std::invalid_argument);
  EXPECT_THROW(TokenVerifier({}, TokenScope{}), std::invalid_argument);
  EXPECT_THROW(TokenVerifier({"not-a-key"}, TokenScope{}), std::invalid_argument);
}

TEST(Tokens, IssueRejectsAJtiThatIsNotUrlSafe) {
  const Codec codec;
  Claims claims = SampleClaims();
  claims.jti = "a\"b";
  EXPECT_THROW(codec.Issue(claims), std::invalid_argument);
  claims.jti = std::string(65, 'a');
  EXPECT_THROW(codec.Issue(claims), std::invalid_argument);
}

TEST(Tokens, PayloadOutsideTheFastReadersSubsetIsReadByTheGeneralParser) {
  const Codec codec;
  // Escapes, nesting and unknown claims are legal JSON: same answer as for the plain form.
  std::string text =
      R"({"iss":"marketplace-auth","aud":"marketplace-api","sub":"\u0034\u0032","role":2,"iat":1760000000,"exp":1760001800,"jti":"abc123",)"
      R"("ver":7,"extra":{"nested":[1,2.5]}})";
  auto result = codec.Verify(ForgeEdDsa(json::parse(text)), kNow);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.claims->user_id, 42);
  json payload = SamplePayload();
  payload["role"] = 2.5;
  payload["extra"] = json::array();
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeEdDsa(payload), kNow)), "invalid claim: role");
}

TEST(Tokens, AcceptsATokenSignedByOpenSslWithAnotherHeaderOrder) {
  const Codec codec;
  auto result =
      codec.Verify(Forge({{"typ", "JWT"}, {"kid", Kid()}, {"alg", "EdDSA"}}, SamplePayload()), kNow);
  EXPECT_EQ(ErrorOf(result), "ok");
}

TEST(Tokens, TamperedPayloadIsABadSignature) {
  const Codec codec;
  std::string token = codec.Issue(SampleClaims());
  json payload = SamplePayload();
  payload["role"] = 3;
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  token = token.substr(0, dot1 + 1) + Base64UrlEncode(payload.dump()) + token.substr(dot2);
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "bad signature");
}

TEST(Tokens, TamperedSignatureIsABadSignature) {
  const Codec codec;
  std::string token = codec.Issue(SampleClaims());
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "bad signature");
  token = codec.Issue(SampleClaims());
  EXPECT_EQ(ErrorOf(codec.Verify(token.substr(0, token.size() - 1), kNow)), "bad signature");
  EXPECT_EQ(ErrorOf(codec.Verify(token + "A", kNow)), "bad signature");
}

TEST(Tokens, NonCanonicalSignatureEncodingIsRejected) {
  const Codec codec;
  std::string token = codec.Issue(SampleClaims());
  // 32 bytes -> 43 characters, the last carrying 2 unused bits; setting them decodes to the same bytes
  // in lax decoders. We require the canonical form.
  char& last = token.back();
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  last = alphabet[alphabet.find(last) | 1];
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "bad signature");
}

TEST(Tokens, AnotherKeyIsRefused) {
  const Codec codec;
  const KeyPair stranger = GenerateKeyPair();
  // Another process's own key: its kid is unknown here.
  const TokenSigner other(stranger.private_key, TokenScope{});
  EXPECT_EQ(ErrorOf(codec.Verify(other.Issue(SampleClaims()), kNow)), "unknown signing key");
  // ... and claiming our kid does not help: the signature does not check out.
  EXPECT_EQ(ErrorOf(codec.Verify(
                Forge({{"alg", "EdDSA"}, {"kid", Kid()}}, SamplePayload(), stranger.private_key), kNow)),
            "bad signature");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "EdDSA"}}, SamplePayload()), kNow)), "unknown signing key");
}

TEST(Tokens, IssuerAndAudienceMustBeExactlyOurs) {
  const Codec codec;
  for (const char* name : {"iss", "aud"}) {
    json payload = SamplePayload();
    const json right = payload[name];
    payload.erase(name);
    EXPECT_EQ(ErrorOf(codec.Verify(ForgeEdDsa(payload), kNow)), std::string("missing claim: ") + name);
    for (const json& wrong : {json("someone-else"), json(""), json(5), json::array({right})}) {
      payload[name] = wrong;
      EXPECT_EQ(ErrorOf(codec.Verify(ForgeEdDsa(payload), kNow)), std::string("invalid claim: ") + name);
    }
  }
  const TokenSigner elsewhere(Keys().private_key, {.issuer = "marketplace-auth", .audience = "billing-api"});
  EXPECT_EQ(ErrorOf(codec.Verify(elsewhere.Issue(SampleClaims()), kNow)), "invalid claim: aud");
  const TokenSigner impostor(Keys().private_key, {.issuer = "someone-else", .audience = "marketplace-api"});
  EXPECT_EQ(ErrorOf(codec.Verify(impostor.Issue(SampleClaims()), kNow)), "invalid claim: iss");
  const TokenVerifier billing({Keys().public_key}, {.issuer = "marketplace-auth", .audience = "billing-api"});
  EXPECT_EQ(ErrorOf(billing.Verify(elsewhere.Issue(SampleClaims()), kNow)), "ok");
}

TEST(Tokens, SeveralKeysAreAcceptedWhileKeysRotate) {
  const KeyPair next = GenerateKeyPair();
  const TokenVerifier verifier({Keys().public_key, next.public_key}, TokenScope{});
  const TokenSigner old_signer(Keys().private_key, TokenScope{});
  const TokenSigner new_signer(next.private_key, TokenScope{});
  EXPECT_EQ(ErrorOf(verifier.Verify(old_signer.Issue(SampleClaims()), kNow)), "ok");
  EXPECT_EQ(ErrorOf(verifier.Verify(new_signer.Issue(SampleClaims()), kNow)), "ok");
  EXPECT_TRUE(verifier.Knows(next.public_key));
  EXPECT_FALSE(verifier.Knows(GenerateKeyPair().public_key));
  const json jwks = json::parse(verifier.Jwks());
  ASSERT_EQ(jwks["keys"].size(), 2u);
  EXPECT_EQ(jwks["keys"][1]["kid"], new_signer.kid());
  EXPECT_EQ(jwks["keys"][1]["x"], next.public_key);
  EXPECT_EQ(jwks["keys"][1]["kty"], "OKP");
  EXPECT_EQ(jwks["keys"][1]["crv"], "Ed25519");
}

TEST(Tokens, KeyIdIsTheRfc7638ThumbprintOfRfc8037sExampleKey) {
  // RFC 8037 appendix A.1-A.3.
  const TokenSigner signer("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A", TokenScope{});
  EXPECT_EQ(signer.public_key(), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  EXPECT_EQ(signer.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  EXPECT_EQ(SplitKeys(" a, ,b ,"), (std::vector<std::string>{"a", "b"}));
}

TEST(Tokens, AVerifiedTokenIsRememberedButStillExpires) {
  const TokenVerifier cached({Keys().public_key}, TokenScope{}, 64);
  const TokenSigner signer(Keys().private_key, TokenScope{});
  const std::string token = signer.Issue(SampleClaims());
  ASSERT_EQ(ErrorOf(cached.Verify(token, kNow)), "ok");
  const auto again = cached.Verify(token, kNow + 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.claims->user_id, 42);
  EXPECT_EQ(again.claims->jti, "abc123");
  EXPECT_EQ(ErrorOf(cached.Verify(token, kNow + 1800)), "token expired");
  // A refused token is not remembered, and a different text is never taken for a remembered one.
  std::string tampered = token;
  tampered[tampered.size() - 10] = tampered[tampered.size() - 10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ErrorOf(cached.Verify(tampered, kNow)), "bad signature");
  EXPECT_EQ(ErrorOf(cached.Verify(tampered, kNow)), "bad signature");
  // Past its capacity the cache forgets (a shard at a time) and verifies again.
  for (int i = 0; i < 200; ++i) {
    Claims claims = SampleClaims();
    claims.jti = "t" + std::to_string(i);
    ASSERT_EQ(ErrorOf(cached.Verify(signer.Issue(claims), kNow)), "ok");
  }
  EXPECT_EQ(ErrorOf(cached.Verify(token, kNow)), "ok");
}

TEST(Tokens, AlgNoneWithEmptySignatureIsRejectedBeforeAnythingElse) {
  const Codec codec;
  const std::string token = Base64UrlEncode(json{{"alg", "none"}, {"typ", "JWT"}}.dump()) + "." +
                            Base64UrlEncode(SamplePayload().dump()) + ".";
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "None"}}, SamplePayload()), kNow)), "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "Ed25519"}, {"kid", Kid()}}, SamplePayload()), kNow)),
            "algorithm not allowed");
}

TEST(Tokens, HmacAndOtherAlgorithmsAreRejectedWhateverTheKey) {
  const Codec codec;
  // HS256 with the public key as the HMAC secret is the classic confusion attack.
  for (const auto& secret : {Keys().public_key, *Base64UrlDecode(Keys().public_key), std::string("secret")}) {
    EXPECT_EQ(
        ErrorOf(codec.Verify(ForgeHmac({{"alg", "HS256"}, {"kid", Kid()}}, SamplePayload(), secret), kNow)),
        "algorithm not allowed");
  }
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeHmac({{"alg", "HS512"}}, SamplePayload(), "s", EVP_sha512()), kNow)),
            "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeHmac({{"alg", "RS256"}}, SamplePayload(), "s"), kNow)),
            "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "eddsa"}, {"kid", Kid()}}, SamplePayload()), kNow)),
            "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"typ", "JWT"}, {"kid", Kid()}}, SamplePayload()), kNow)),
            "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", json::array({"EdDSA"})}}, SamplePayload()), kNow)),
            "algorithm not allowed");
}

TEST(Tokens, CriticalHeaderExtensionsAreRejected) {
  const Codec codec;
  auto token = Forge({{"alg", "EdDSA"}, {"kid", Kid()}, {"crit", json::array({"exp"})}}, SamplePayload());
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "unsupported header: crit");
}

TEST(Tokens, ExpiryIsChecked) {
  const Codec codec;
  const std::string token = codec.Issue(SampleClaims());
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow + 1799)), "ok");
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow + 1800)), "token expired");
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow + 100'000)), "token expired");
}

TEST(Tokens, IssuedInTheFutureBeyondTheSkewIsRejected) {
  const Codec codec;
  const std::string token = codec.Issue(SampleClaims());
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow - kClockSkewSeconds)), "ok");
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow - kClockSkewSeconds - 1)), "token not yet valid");
}

TEST(Tokens, SubMustBeAPositiveDecimalString) {
  const Codec codec;
  EXPECT_EQ(ErrorWithClaim(codec, "sub", std::nullopt), "missing claim: sub");
  for (const json& sub : {json("abc"), json("-5"), json("+5"), json("0"), json("042"), json("42 "),
                          json("4.2"), json(""), json("99999999999999999999"), json(42), json(nullptr)}) {
    EXPECT_EQ(ErrorWithClaim(codec, "sub", sub), "invalid claim: sub") << sub.dump();
  }
  EXPECT_EQ(ErrorWithClaim(codec, "sub", "9223372036854775807"), "ok");
}

TEST(Tokens, RoleMustBeAnInteger) {
  const Codec codec;
  EXPECT_EQ(ErrorWithClaim(codec, "role", std::nullopt), "missing claim: role");
  for (const json& role : {json("3"), json(3.0), json(true), json(4'294'967'296LL)}) {
    EXPECT_EQ(ErrorWithClaim(codec, "role", role), "invalid claim: role") << role.dump();
  }
  EXPECT_EQ(ErrorWithClaim(codec, "role", 3), "ok");
}

TEST(Tokens, EveryOtherClaimIsRequiredAndTyped) {
  const Codec codec;
  for (const std::string name : {"iat", "exp", "jti", "ver"}) {
    EXPECT_EQ(ErrorWithClaim(codec, name, std::nullopt), "missing claim: " + name);
    EXPECT_EQ(ErrorWithClaim(codec, name, name == "jti" ? json(5) : json("5")), "invalid claim: " + name);
  }
  EXPECT_EQ(ErrorWithClaim(codec, "jti", ""), "invalid claim: jti");
  EXPECT_EQ(ErrorWithClaim(codec, "exp", 18'446'744'073'709'551'615ULL), "invalid claim: exp");
  EXPECT_EQ(ErrorWithClaim(codec, "ver", -1), "invalid claim: ver");
}

TEST(Tokens, GarbageIsMalformed) {
  const Codec codec;
  const std::string valid = codec.Issue(SampleClaims());
  const std::vector<std::string> inputs = {
      "",
      "a",
      "a.b",
      "a.b.c.d",
      "..",
      ".b.c",
      "!!!.@@@.###",
      "eyJhbGciOiJIUzI1NiJ9=.e30.sig",  // padding is not base64url
      Base64UrlEncode("not json") + ".e30.c2ln",
      Base64UrlEncode("[1,2]") + ".e30.c2ln",
      valid + "." + valid,
      std::string(100 * 1024, 'a'),
      valid.substr(0, valid.find('.')) + "." + std::string(100 * 1024, 'a') + "." + std::string(43, 'a'),
      std::string("eyJhbGciOiJIUzI1NiJ9\0.e30.c2ln", 30),
  };
  for (const auto& input : inputs) {
    auto result = codec.Verify(input, kNow);
    EXPECT_FALSE(result.ok()) << input.substr(0, 80);
    EXPECT_EQ(result.error, "malformed token") << input.substr(0, 80);
  }
}

TEST(Tokens, PayloadThatIsNotAJsonObjectIsMalformedEvenWhenSigned) {
  const Codec codec;
  std::string input =
      Base64UrlEncode(json{{"alg", "EdDSA"}, {"kid", Kid()}}.dump()) + "." + Base64UrlEncode("[\"sub\"]");
  input += "." + SignEd25519(input);
  EXPECT_EQ(ErrorOf(codec.Verify(input, kNow)), "malformed token");
}

TEST(Tokens, ConcurrentVerifyAndIssueAreSafeWithTheCache) {
  const TokenSigner signer(Keys().private_key, TokenScope{});
  const TokenVerifier cached({Keys().public_key}, TokenScope{}, 32);
  struct {
    const TokenSigner& signer;
    const TokenVerifier& verifier;
    std::string Issue(const Claims& claims) const { return signer.Issue(claims); }
    VerifyResult Verify(std::string_view token, std::int64_t now) const {
      return verifier.Verify(token, now);
    }
  } codec{signer, cached};
  const std::string token = codec.Issue(SampleClaims());
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (!codec.Verify(token, kNow).ok()) ++failures;
        if (!codec.Verify(codec.Issue(SampleClaims()), kNow).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace mp::security

#include "libs/security/jwt.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <nlohmann/json.hpp>

#include "libs/security/crypto.hpp"

namespace mp::security {
namespace {

using nlohmann::json;

constexpr std::string_view kSecret = "test-secret-that-is-long-enough-for-hs256!";
constexpr std::int64_t kNow = 1'760'000'000;

Claims SampleClaims() {
  return {.user_id = 42,
          .role = 2,
          .issued_at = kNow,
          .expires_at = kNow + 1800,
          .jti = "abc123",
          .token_version = 7};
}

json SamplePayload() {
  return {{"sub", "42"}, {"role", 2}, {"iat", kNow}, {"exp", kNow + 1800}, {"jti", "abc123"}, {"ver", 7}};
}

// Builds a token from arbitrary header and payload, signed with OpenSSL's own HMAC (an independent
// implementation, so the tests also check our signature against it).
std::string Forge(const json& header, const json& payload, std::string_view secret = kSecret,
                  const EVP_MD* md = EVP_sha256()) {
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + Base64UrlEncode({reinterpret_cast<const char*>(mac), length});
}

std::string ForgeHs256(const json& payload) { return Forge({{"alg", "HS256"}, {"typ", "JWT"}}, payload); }

std::string ErrorOf(const VerifyResult& result) { return result.ok() ? "ok" : result.error; }

TEST(JwtCodec, RoundTripKeepsEveryClaim) {
  JwtCodec codec{kSecret};
  auto result = codec.Verify(codec.Issue(SampleClaims()), kNow + 10);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.claims->user_id, 42);
  EXPECT_EQ(result.claims->role, 2);
  EXPECT_EQ(result.claims->issued_at, kNow);
  EXPECT_EQ(result.claims->expires_at, kNow + 1800);
  EXPECT_EQ(result.claims->jti, "abc123");
  EXPECT_EQ(result.claims->token_version, 7);
}

TEST(JwtCodec, MacIsKeyedAndNeverOverATokenSigningInput) {
  JwtCodec codec("unit-test-secret-unit-test-secret-0123");
  JwtCodec other("another-secret-another-secret-0123456");
  EXPECT_EQ(codec.Mac("a:b"), codec.Mac("a:b"));
  EXPECT_NE(codec.Mac("a:b"), codec.Mac("a:c"));
  EXPECT_NE(codec.Mac("a:b"), other.Mac("a:b"));
  EXPECT_THROW(codec.Mac("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"), std::invalid_argument);
}

TEST(JwtCodec, IssueFillsARandom128BitJtiWhenEmpty) {
  JwtCodec codec{kSecret};
  Claims claims = SampleClaims();
  claims.jti.clear();
  auto a = codec.Verify(codec.Issue(claims), kNow);
  auto b = codec.Verify(codec.Issue(claims), kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.claims->jti.size(), 22u);  // 16 bytes in base64url
  EXPECT_NE(a.claims->jti, b.claims->jti);
}

TEST(JwtCodec, IssueRejectsANonPositiveUserId) {
  JwtCodec codec{kSecret};
  Claims claims = SampleClaims();
  claims.user_id = 0;
  EXPECT_THROW(codec.Issue(claims), std::invalid_argument);
  EXPECT_THROW(JwtCodec{""}, std::invalid_argument);
}

TEST(JwtCodec, IssueRejectsAJtiThatIsNotUrlSafe) {
  JwtCodec codec{kSecret};
  Claims claims = SampleClaims();
  claims.jti = "a\"b";
  EXPECT_THROW(codec.Issue(claims), std::invalid_argument);
  claims.jti = std::string(65, 'a');
  EXPECT_THROW(codec.Issue(claims), std::invalid_argument);
}

TEST(JwtCodec, PayloadOutsideTheFastReadersSubsetIsReadByTheGeneralParser) {
  JwtCodec codec{kSecret};
  // Escapes, nesting and unknown claims are legal JSON: same answer as for the plain form.
  std::string text = R"({"sub":"\u0034\u0032","role":2,"iat":1760000000,"exp":1760001800,"jti":"abc123",)"
                     R"("ver":7,"extra":{"nested":[1,2.5]}})";
  auto result = codec.Verify(ForgeHs256(json::parse(text)), kNow);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.claims->user_id, 42);
  json payload = SamplePayload();
  payload["role"] = 2.5;
  payload["extra"] = json::array();
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeHs256(payload), kNow)), "invalid claim: role");
}

TEST(JwtCodec, AcceptsATokenSignedByOpenSslHmacWithAnotherHeaderOrder) {
  JwtCodec codec{kSecret};
  auto result = codec.Verify(Forge({{"typ", "JWT"}, {"alg", "HS256"}, {"kid", "k1"}}, SamplePayload()), kNow);
  EXPECT_EQ(ErrorOf(result), "ok");
}

TEST(JwtCodec, SecretLongerThanTheBlockIsHashedAsRfc2104Says) {
  const std::string long_secret(100, 'x');
  JwtCodec codec{long_secret};
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "HS256"}}, SamplePayload(), long_secret), kNow)), "ok");
}

TEST(JwtCodec, TamperedPayloadIsABadSignature) {
  JwtCodec codec{kSecret};
  std::string token = codec.Issue(SampleClaims());
  json payload = SamplePayload();
  payload["role"] = 3;
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  token = token.substr(0, dot1 + 1) + Base64UrlEncode(payload.dump()) + token.substr(dot2);
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "bad signature");
}

TEST(JwtCodec, TamperedSignatureIsABadSignature) {
  JwtCodec codec{kSecret};
  std::string token = codec.Issue(SampleClaims());
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "bad signature");
  token = codec.Issue(SampleClaims());
  EXPECT_EQ(ErrorOf(codec.Verify(token.substr(0, token.size() - 1), kNow)), "bad signature");
  EXPECT_EQ(ErrorOf(codec.Verify(token + "A", kNow)), "bad signature");
}

TEST(JwtCodec, NonCanonicalSignatureEncodingIsRejected) {
  JwtCodec codec{kSecret};
  std::string token = codec.Issue(SampleClaims());
  // 32 bytes -> 43 characters, the last carrying 2 unused bits; setting them decodes to the same bytes
  // in lax decoders. We require the canonical form.
  char& last = token.back();
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  last = alphabet[alphabet.find(last) | 1];
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "bad signature");
}

TEST(JwtCodec, WrongKeyIsABadSignature) {
  JwtCodec issuer{"another-secret-another-secret-another"};
  JwtCodec codec{kSecret};
  EXPECT_EQ(ErrorOf(codec.Verify(issuer.Issue(SampleClaims()), kNow)), "bad signature");
}

TEST(JwtCodec, AlgNoneWithEmptySignatureIsRejectedBeforeAnythingElse) {
  JwtCodec codec{kSecret};
  const std::string token = Base64UrlEncode(json{{"alg", "none"}, {"typ", "JWT"}}.dump()) + "." +
                            Base64UrlEncode(SamplePayload().dump()) + ".";
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "None"}}, SamplePayload()), kNow)), "algorithm not allowed");
}

TEST(JwtCodec, OtherAlgorithmsAreRejectedEvenWithAValidMac) {
  JwtCodec codec{kSecret};
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "HS512"}}, SamplePayload(), kSecret, EVP_sha512()), kNow)),
            "algorithm not allowed");
  // RS256 with an HMAC over the "public key" is the classic confusion attack; here any MAC will do.
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "RS256"}}, SamplePayload()), kNow)), "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", "hs256"}}, SamplePayload()), kNow)), "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"typ", "JWT"}}, SamplePayload()), kNow)), "algorithm not allowed");
  EXPECT_EQ(ErrorOf(codec.Verify(Forge({{"alg", json::array({"HS256"})}}, SamplePayload()), kNow)),
            "algorithm not allowed");
}

TEST(JwtCodec, CriticalHeaderExtensionsAreRejected) {
  JwtCodec codec{kSecret};
  auto token = Forge({{"alg", "HS256"}, {"crit", json::array({"exp"})}}, SamplePayload());
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow)), "unsupported header: crit");
}

TEST(JwtCodec, ExpiryIsChecked) {
  JwtCodec codec{kSecret};
  const std::string token = codec.Issue(SampleClaims());
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow + 1799)), "ok");
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow + 1800)), "token expired");
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow + 100'000)), "token expired");
}

TEST(JwtCodec, IssuedInTheFutureBeyondTheSkewIsRejected) {
  JwtCodec codec{kSecret};
  const std::string token = codec.Issue(SampleClaims());
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow - kClockSkewSeconds)), "ok");
  EXPECT_EQ(ErrorOf(codec.Verify(token, kNow - kClockSkewSeconds - 1)), "token not yet valid");
}

TEST(JwtCodec, SubMustBeAPositiveDecimalString) {
  JwtCodec codec{kSecret};
  auto with_sub = [&](const json& sub) {
    json payload = SamplePayload();
    payload["sub"] = sub;
    return ErrorOf(codec.Verify(ForgeHs256(payload), kNow));
  };
  json missing = SamplePayload();
  missing.erase("sub");
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeHs256(missing), kNow)), "missing claim: sub");
  EXPECT_EQ(with_sub("abc"), "invalid claim: sub");
  EXPECT_EQ(with_sub("-5"), "invalid claim: sub");
  EXPECT_EQ(with_sub("+5"), "invalid claim: sub");
  EXPECT_EQ(with_sub("0"), "invalid claim: sub");
  EXPECT_EQ(with_sub("042"), "invalid claim: sub");
  EXPECT_EQ(with_sub("42 "), "invalid claim: sub");
  EXPECT_EQ(with_sub("4.2"), "invalid claim: sub");
  EXPECT_EQ(with_sub(""), "invalid claim: sub");
  EXPECT_EQ(with_sub("99999999999999999999"), "invalid claim: sub");
  EXPECT_EQ(with_sub(42), "invalid claim: sub");
  EXPECT_EQ(with_sub(nullptr), "invalid claim: sub");
  EXPECT_EQ(with_sub("9223372036854775807"), "ok");
}

TEST(JwtCodec, RoleMustBeAnInteger) {
  JwtCodec codec{kSecret};
  auto with_role = [&](const json& role) {
    json payload = SamplePayload();
    payload["role"] = role;
    return ErrorOf(codec.Verify(ForgeHs256(payload), kNow));
  };
  json missing = SamplePayload();
  missing.erase("role");
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeHs256(missing), kNow)), "missing claim: role");
  EXPECT_EQ(with_role("3"), "invalid claim: role");
  EXPECT_EQ(with_role(3.0), "invalid claim: role");
  EXPECT_EQ(with_role(true), "invalid claim: role");
  EXPECT_EQ(with_role(4'294'967'296LL), "invalid claim: role");
  EXPECT_EQ(with_role(3), "ok");
}

TEST(JwtCodec, EveryOtherClaimIsRequiredAndTyped) {
  JwtCodec codec{kSecret};
  for (const char* name : {"iat", "exp", "jti", "ver"}) {
    json payload = SamplePayload();
    payload.erase(name);
    EXPECT_EQ(ErrorOf(codec.Verify(ForgeHs256(payload), kNow)), std::string("missing claim: ") + name);
    payload[name] = name == std::string_view("jti") ? json(5) : json("5");
    EXPECT_EQ(ErrorOf(codec.Verify(ForgeHs256(payload), kNow)), std::string("invalid claim: ") + name);
  }
  json payload = SamplePayload();
  payload["jti"] = "";
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeHs256(payload), kNow)), "invalid claim: jti");
  payload = SamplePayload();
  payload["exp"] = 18'446'744'073'709'551'615ULL;
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeHs256(payload), kNow)), "invalid claim: exp");
  payload = SamplePayload();
  payload["ver"] = -1;
  EXPECT_EQ(ErrorOf(codec.Verify(ForgeHs256(payload), kNow)), "invalid claim: ver");
}

TEST(JwtCodec, GarbageIsMalformed) {
  JwtCodec codec{kSecret};
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

TEST(JwtCodec, PayloadThatIsNotAJsonObjectIsMalformedEvenWhenSigned) {
  JwtCodec codec{kSecret};
  std::string input = std::string("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.") + Base64UrlEncode("[\"sub\"]");
  // Sign through a forged token of the same shape to get a correct MAC for this exact input.
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  input += "." + Base64UrlEncode({reinterpret_cast<const char*>(mac), length});
  EXPECT_EQ(ErrorOf(codec.Verify(input, kNow)), "malformed token");
}

TEST(JwtCodec, ConcurrentVerifyAndIssueShareNoMutableState) {
  JwtCodec codec{kSecret};
  const std::string token = codec.Issue(SampleClaims());
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
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

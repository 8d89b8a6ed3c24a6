#include "libs/identity/identity.hpp"

#include <future>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "libs/core/error.hpp"
#include "libs/core/time.hpp"
#include "libs/security/testing/tokens.hpp"

namespace mp::identity {
namespace {

namespace asio = boost::asio;

class AuthenticatorTest : public ::testing::Test {
 protected:
  std::string Token(int role, std::int64_t expires_in = 600) {
    security::Claims claims;
    claims.user_id = 42;
    claims.role = role;
    claims.issued_at = time::ToUnixSeconds(time::Now());
    claims.expires_at = claims.issued_at + expires_in;
    return security::testing::Signer().Issue(claims);
  }

  // Runs a guard on a request with the given Authorization header; returns the HTTP status or 200.
  int Check(const http::Guard& guard, const std::string& header) {
    http::Request request{http::Verb::get, "/x", 11};
    if (!header.empty()) request.set(boost::beast::http::field::authorization, header);
    http::Context context(request, "");
    asio::io_context io;
    auto future = asio::co_spawn(io, guard.check(context), asio::use_future);
    io.run();
    try {
      future.get();
      return 200;
    } catch (const ApiError& e) {
      return e.kind() == ApiError::Kind::kUnauthorized ? 401
             : e.kind() == ApiError::Kind::kForbidden  ? 403
                                                       : 500;
    }
  }

  security::MacKey attestation_{"unit-test-attestation-key-0123456789"};
  Authenticator authenticator_{security::testing::Verifier(), nullptr, &attestation_};
};

TEST_F(AuthenticatorTest, AcceptsAValidTokenOfTheRightRole) {
  EXPECT_EQ(Check(authenticator_.RequireUser(), "Bearer " + Token(kCustomer)), 200);
  EXPECT_EQ(Check(authenticator_.RequireRole(kAdmin), "bearer " + Token(kAdmin)), 200);
}

TEST_F(AuthenticatorTest, WrongRoleIs403) {
  EXPECT_EQ(Check(authenticator_.RequireRole(kAdmin), "Bearer " + Token(kCustomer)), 403);
  EXPECT_EQ(Check(authenticator_.RequireRole(kProvider), "Bearer " + Token(kCustomer)), 403);
}

TEST_F(AuthenticatorTest, MissingMalformedForgedOrExpiredIs401) {
  auto guard = authenticator_.RequireUser();
  EXPECT_EQ(Check(guard, ""), 401);
  EXPECT_EQ(Check(guard, "Basic abc"), 401);
  EXPECT_EQ(Check(guard, "Bearer "), 401);
  EXPECT_EQ(Check(guard, "Bearer garbage"), 401);
  EXPECT_EQ(Check(guard, "Bearer " + Token(kCustomer, -120)), 401);
  // Signed by a key that is not auth's: another service's, say.
  const security::TokenSigner other(security::GenerateKeyPair().private_key, security::TokenScope{});
  security::Claims claims;
  claims.user_id = 1;
  claims.role = kAdmin;
  claims.issued_at = time::ToUnixSeconds(time::Now());
  claims.expires_at = claims.issued_at + 600;
  EXPECT_EQ(Check(guard, "Bearer " + other.Issue(claims)), 401);
  // Auth's key, but for another audience or from another issuer.
  const auto& keys = security::testing::Keys();
  const security::TokenSigner elsewhere(keys.private_key,
                                        {.issuer = "marketplace-auth", .audience = "other-api"});
  EXPECT_EQ(Check(guard, "Bearer " + elsewhere.Issue(claims)), 401);
  const security::TokenSigner impostor(keys.private_key,
                                       {.issuer = "someone-else", .audience = "marketplace-api"});
  EXPECT_EQ(Check(guard, "Bearer " + impostor.Issue(claims)), 401);
}

cache::Reply StringReply(std::string text) {
  cache::Reply reply;
  reply.type = cache::Reply::Type::kString;
  reply.str = std::move(text);
  return reply;
}

cache::Reply IntegerReply(std::int64_t value) {
  cache::Reply reply;
  reply.type = cache::Reply::Type::kInteger;
  reply.integer = value;
  return reply;
}

int Revocation(const Authenticator& authenticator, const http::Principal& principal,
               const std::vector<cache::Reply>& replies) {
  try {
    authenticator.CheckRevocation(principal, replies);
    return 200;
  } catch (const ApiError& e) {
    return e.kind() == ApiError::Kind::kUnauthorized ? 401 : 500;
  }
}

TEST_F(AuthenticatorTest, VerifyReadsTheClaimsWithoutRedis) {
  http::Request request{http::Verb::get, "/x", 11};
  request.set(boost::beast::http::field::authorization, "Bearer " + Token(kProvider));
  http::Principal principal = authenticator_.Verify(request);
  EXPECT_EQ(principal.user_id, 42);
  EXPECT_EQ(principal.role, kProvider);
  EXPECT_TRUE(authenticator_.RevocationCommands(principal).empty());  // no Redis configured
  request.set(boost::beast::http::field::authorization, "Bearer garbage");
  EXPECT_THROW(authenticator_.Verify(request), ApiError);
}

TEST_F(AuthenticatorTest, RevocationRepliesRejectAnOlderVersionOrALoggedOutToken) {
  http::Principal principal;
  principal.user_id = 42;
  principal.jti = "j1";
  principal.token_version = 3;
  cache::Reply nil;
  EXPECT_EQ(Revocation(authenticator_, principal, {nil, IntegerReply(0)}), 200);  // never changed
  EXPECT_EQ(Revocation(authenticator_, principal, {StringReply("3"), IntegerReply(0)}), 200);
  EXPECT_EQ(Revocation(authenticator_, principal, {StringReply("4"), IntegerReply(0)}), 401);  // role change
  EXPECT_EQ(Revocation(authenticator_, principal, {StringReply("3"), IntegerReply(1)}), 401);  // logged out
  EXPECT_EQ(Revocation(authenticator_, principal, {StringReply("x"), IntegerReply(0)}), 200);  // unreadable
}

TEST_F(AuthenticatorTest, AnAttestationCountsOnlyForItsTokenForTwoSecondsAndWithTheRightKey) {
  http::Principal principal;
  principal.jti = "jti-1";
  const std::int64_t now = 1'800'000'000'000;
  http::Request request{http::Verb::get, "/x", 11};
  auto attested = [&](const std::string& value, std::int64_t at) {
    request.set(kAttestationHeader, value);
    return authenticator_.Attested(request, principal, at);
  };
  const std::string good = authenticator_.Attest(principal, now);
  EXPECT_TRUE(attested(good, now));
  EXPECT_TRUE(attested(good, now + kAttestationMaxAgeMs));
  EXPECT_FALSE(attested(good, now + kAttestationMaxAgeMs + 1));  // stale
  EXPECT_FALSE(attested(good, now - kAttestationMaxAgeMs - 1));  // from the future
  http::Principal other = principal;
  other.jti = "jti-2";
  EXPECT_FALSE(attested(authenticator_.Attest(other, now), now));  // another token's
  security::MacKey stranger("another-attestation-key-0123456789ab");
  Authenticator foreign(security::testing::Verifier(), nullptr, &stranger);
  EXPECT_FALSE(attested(foreign.Attest(principal, now), now));  // another key
  Authenticator keyless(security::testing::Verifier(), nullptr);
  EXPECT_EQ(keyless.Attest(principal, now), "");  // without a key: nothing to send
  request.set(kAttestationHeader, good);
  EXPECT_FALSE(keyless.Attested(request, principal, now));  // ... and nothing trusted
  std::string tampered = good;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(attested(tampered, now));
  EXPECT_FALSE(attested(std::to_string(now + 1) + good.substr(good.find('.')), now));  // time changed
  for (const char* junk : {"", ".", "abc", "123", "-5.abc", "99999999999999999999.abc", "1.2.3"}) {
    EXPECT_FALSE(attested(junk, now)) << junk;
  }
}

TEST(Bearer, ParsesTheScheme) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("BEARER  abc "), "abc");
  EXPECT_EQ(BearerToken("Bearerabc"), "");
  EXPECT_EQ(BearerToken("Token abc"), "");
}

}  // namespace
}  // namespace mp::identity

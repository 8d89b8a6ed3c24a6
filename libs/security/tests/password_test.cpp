#include "libs/security/password.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace mp::security {
namespace {

TEST(Password, HashVerifiesAndUsesArgon2idWithTheChosenParameters) {
  const std::string hash = HashPassword("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=32768,t=3,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
  EXPECT_FALSE(NeedsRehash(hash));
}

TEST(Password, WrongPasswordDoesNotVerify) {
  const std::string hash = HashPassword("s3cret-password");
  EXPECT_FALSE(VerifyPassword(hash, "s3cret-passworD"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
  EXPECT_FALSE(VerifyPassword(hash, std::string("s3cret-password\0", 16)));
}

TEST(Password, SamePasswordGetsADifferentSalt) {
  EXPECT_NE(HashPassword("same-password"), HashPassword("same-password"));
}

TEST(Password, GarbageHashesNeverVerifyAndNeedRehash) {
  for (std::string_view hash : {"", "x", "$argon2id$v=19$m=32768,t=3,p=1$", "plaintext-password"}) {
    EXPECT_FALSE(VerifyPassword(hash, "plaintext-password")) << hash;
    EXPECT_TRUE(NeedsRehash(hash)) << hash;
  }
  EXPECT_FALSE(VerifyPassword(std::string(1000, 'a'), "a"));
}

TEST(Password, HashWithOtherParametersStillVerifiesButNeedsRehash) {
  ASSERT_GE(sodium_init(), 0);
  char old_hash[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(old_hash, "pw", 2, 1, 8u << 20, crypto_pwhash_ALG_ARGON2ID13), 0);
  EXPECT_TRUE(VerifyPassword(old_hash, "pw"));
  EXPECT_TRUE(NeedsRehash(old_hash));
}

}  // namespace
}  // namespace mp::security

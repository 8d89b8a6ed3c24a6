#include "libs/security/crypto.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace mp::security {
namespace {

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, x a lowercase hex digit (std::regex trips g++ 12 warnings).
bool IsUuidV4(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return text[14] == '4' && std::string_view("89ab").find(text[19]) != std::string_view::npos;
}

TEST(Crypto, NewUuidIsAVersion4UuidInLowercase) {
  EXPECT_FALSE(IsUuidV4("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(IsUuidV4("123e4567-e89b-42d3-a456-426614174000"));
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string uuid = NewUuid();
    ASSERT_EQ(uuid.size(), 36u);
    ASSERT_TRUE(IsUuidV4(uuid)) << uuid;
    seen.insert(uuid);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Crypto, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST(Crypto, RandomTokenIsBase64UrlOfTheRequestedBytes) {
  const std::string token = RandomToken(32);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(Base64UrlDecode(token)->size(), 32u);
  EXPECT_NE(RandomToken(32), token);
  EXPECT_EQ(RandomToken(0), "");
}

TEST(Crypto, Sha256HexMatchesTheFipsVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, Base64UrlMatchesRfc4648Vectors) {
  // RFC 4648 §10 without padding, and the two characters that differ from standard Base64.
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
  for (const auto& [bytes, encoded] : vectors) EXPECT_EQ(Base64UrlEncode(bytes), encoded);
}

TEST(Crypto, Base64UrlRoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 64; ++i) {
    ASSERT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes);
    bytes.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(Crypto, Base64UrlDecodeIsStrict) {
  EXPECT_FALSE(Base64UrlDecode("a"));     // impossible length
  EXPECT_FALSE(Base64UrlDecode("Zg=="));  // padding
  EXPECT_FALSE(Base64UrlDecode("ab+/"));  // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zh"));    // non-zero unused bits ("Zg" is canonical)
  EXPECT_FALSE(Base64UrlDecode("Zm 9v"));
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)));
  EXPECT_EQ(Base64UrlDecode("Zg"), "f");
}

}  // namespace
}  // namespace mp::security

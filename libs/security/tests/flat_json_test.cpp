#include "libs/security/flat_json.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mp::security {
namespace {

using Members = std::map<std::string, std::string>;  // key -> "s:<text>" | "i:<value>" | "other"

std::string Describe(const JsonScalar& v) {
  switch (v.kind) {
    case JsonScalar::Kind::kString: return "s:" + std::string(v.text);
    case JsonScalar::Kind::kInteger: return "i:" + std::to_string(v.integer);
    default: return "other";
  }
}

std::optional<Members> Fast(std::string_view text) {
  Members members;
  const bool handled = ParseFlatObject(
      text, [&](std::string_view key, const JsonScalar& v) { members[std::string(key)] = Describe(v); });
  if (!handled) return std::nullopt;
  return members;
}

// What the general parser makes of the same text, in the same terms.
std::optional<Members> Reference(std::string_view text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  Members members;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_string()) {
      members[key] = "s:" + value.get<std::string>();
    } else if (value.is_number_unsigned()) {
      const auto v = value.get<std::uint64_t>();
      const bool fits = v <= std::uint64_t{std::numeric_limits<std::int64_t>::max()};
      members[key] = fits ? "i:" + std::to_string(v) : "other";
    } else if (value.is_number_integer()) {
      members[key] = "i:" + std::to_string(value.get<std::int64_t>());
    } else {
      members[key] = "other";
    }
  }
  return members;
}

TEST(FlatJson, AgreesWithNlohmannOnEverythingItHandles) {
  const char* handled[] = {
      R"({})",
      R"( { } )",
      R"({"sub":"42","role":2,"iat":1760000000,"exp":1760001800,"jti":"abc","ver":7})",
      " {\n\t\"a\" : -0 , \"b\":true,\"c\":false,\"d\":null,\"e\":\"\"}\r\n",
      R"({"a":9223372036854775807,"b":-9223372036854775808,"c":9223372036854775808})",
      R"({"a":1,"a":2})",
  };
  for (const char* text : handled) {
    auto fast = Fast(text);
    ASSERT_TRUE(fast) << text;
    EXPECT_EQ(*fast, *Reference(text)) << text;
  }
}

TEST(FlatJson, LeavesEverythingElseToTheGeneralParser) {
  const char* not_handled[] = {
      R"({"a":"\u0034"})",  // escape
      R"({"a":"é"})",       // non-ASCII
      R"({"a":1.0})",      R"({"a":1e3})",   R"({"a":01})", R"({"a":-})", R"({"a":+1})", R"({"a":{}})",
      R"({"a":[1]})",      R"({"a":1,})",    R"({"a":1}x)", R"({"a":1)",  R"({"a" 1})",  R"({a:1})",
      R"({"a":tru})",      R"({"a":truex})", R"([])",       "",
      "{\"a\":\"x\ty\"}",  // raw control character
  };
  for (const char* text : not_handled) EXPECT_FALSE(Fast(text)) << text;
}

}  // namespace
}  // namespace mp::security

#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

// Text rules shared by the API readers and the domains: no JSON, no HTTP.
namespace mp {

// Code points in a UTF-8 string; nullopt if it is not valid UTF-8.
std::optional<std::size_t> Utf8Length(std::string_view text);

// Whether the text shows nothing: empty, or only Unicode white space and invisible format characters
// (U+0009-000D, U+0020, U+0085, U+00A0, U+00AD, U+1680, U+180E, U+2000-200F, U+2028-202F, U+205F-2064,
// U+2066-206F, U+3000, U+FEFF; docs/openapi.yaml states the same set as a pattern). A required text field
// that is blank is refused. Invalid UTF-8 is not blank (it is refused for that reason).
bool IsBlank(std::string_view text);

// Whether the text has a control character: C0 (U+0000-001F), DEL (U+007F) or C1 (U+0080-009F); a tab and
// line breaks (\t \n \r) are allowed where `multiline`. Invalid UTF-8 is not looked into (it is refused
// for that reason).
bool HasControlCharacter(std::string_view text, bool multiline);

// The one of `values` whose name (`Name(value)`, found next to the enum) is `text`; nullopt if none.
template <class Enum, class Values>
std::optional<Enum> ByName(std::string_view text, const Values& values) {
  for (Enum value : values) {
    if (Name(value) == text) return value;
  }
  return std::nullopt;
}
template <class Enum>
std::optional<Enum> ByName(std::string_view text, std::initializer_list<Enum> values) {
  return ByName<Enum, std::initializer_list<Enum>>(text, values);
}

// A pragmatic e-mail check (one @, a dotted domain, no spaces, <= 254 chars); returns the address with the
// domain lower-cased, or nullopt.
std::optional<std::string> NormalizeEmail(std::string_view text);

}  // namespace mp

#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Text rules shared by the API readers and the domains: no JSON, no HTTP.
namespace mp {

// Code points in a UTF-8 string; nullopt if it is not valid UTF-8.
std::optional<std::size_t> Utf8Length(std::string_view text);

// A pragmatic e-mail check (one @, a dotted domain, no spaces, <= 254 chars); returns the address with the
// domain lower-cased, or nullopt.
std::optional<std::string> NormalizeEmail(std::string_view text);

}  // namespace mp

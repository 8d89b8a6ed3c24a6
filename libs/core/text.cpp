#include "libs/core/text.hpp"

#include <cctype>

namespace mp {

namespace {

// The code point that starts at text[i], advancing i past it; nullopt (i unchanged) if the bytes there are
// not valid UTF-8.
std::optional<char32_t> NextCodePoint(std::string_view text, std::size_t& i) {
  auto c = static_cast<unsigned char>(text[i]);
  std::size_t extra = 0;
  char32_t code = 0;
  if (c < 0x80) {
    code = c;
  } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
    extra = 1;
    code = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2;
    code = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
    extra = 3;
    code = c & 0x07;
  } else {
    return std::nullopt;
  }
  if (i + extra >= text.size()) return std::nullopt;
  for (std::size_t k = 1; k <= extra; ++k) {
    auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return std::nullopt;
    code = (code << 6) | (next & 0x3F);
  }
  i += extra + 1;
  return code;
}

bool IsBlankCodePoint(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0xAD || c == 0x1680 ||
         c == 0x180E || (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
         (c >= 0x205F && c <= 0x2064) || (c >= 0x2066 && c <= 0x206F) || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

std::optional<std::size_t> Utf8Length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    if (!NextCodePoint(text, i)) return std::nullopt;
  }
  return count;
}

bool IsBlank(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto code = NextCodePoint(text, i);
    if (!code || !IsBlankCodePoint(*code)) return false;
  }
  return true;
}

bool HasControlCharacter(std::string_view text, bool multiline) {
  for (std::size_t i = 0; i < text.size();) {
    auto code = NextCodePoint(text, i);
    if (!code) return false;
    bool line = *code == '\t' || *code == '\n' || *code == '\r';
    if ((*code < 0x20 && !(multiline && line)) || (*code >= 0x7F && *code <= 0x9F)) return true;
  }
  return false;
}

std::optional<std::string> NormalizeEmail(std::string_view text) {
  if (text.empty() || text.size() > 254) return std::nullopt;
  auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos)
    return std::nullopt;
  std::string_view local = text.substr(0, at);
  std::string_view domain = text.substr(at + 1);
  if (local.size() > 64 || domain.size() < 3) return std::nullopt;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return std::nullopt;
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || std::string_view("()<>[]:;,\\\"").find(c) != std::string_view::npos) {
      return std::nullopt;
    }
  }
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return std::nullopt;
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      std::size_t len = i - label_start;
      if (len == 0 || len > 63 || domain[label_start] == '-' || domain[i - 1] == '-') return std::nullopt;
      label_start = i + 1;
      continue;
    }
    char c = domain[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return std::nullopt;
  }
  std::string result(local);
  result.push_back('@');
  for (char c : domain) result.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return result;
}

}  // namespace mp

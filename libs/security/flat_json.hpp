#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>

// A fast reader for the flat JSON objects that JWT payloads are. The general JSON parser costs ≈2 µs
// for a 130-byte payload, most of a token check; this one ≈0.1 µs. It accepts only a strict subset —
// ASCII strings without escapes, integers, true/false/null, no nesting — and says "not handled" for
// anything else, so the caller falls back to nlohmann::json and the two never disagree on what they both
// accept. It runs only on payloads whose signature has already been verified.
namespace mp::security {

struct JsonScalar {
  enum class Kind { kAbsent, kString, kInteger, kOther };  // kOther: bool, null, int64 overflow, ...
  Kind kind = Kind::kAbsent;
  std::string_view text;  // the string's contents (kString) or the number's digits (kInteger)
  std::int64_t integer = 0;
};

// Calls on_member(key, value) for each member in order (a repeated key is reported again: last wins, as
// in nlohmann::json). Returns false when the text is outside the subset; members reported before that
// must then be discarded.
template <class OnMember>
bool ParseFlatObject(std::string_view text, OnMember&& on_member) {
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  };
  const auto is_digit = [&](std::size_t at) {
    return at < text.size() && text[at] >= '0' && text[at] <= '9';
  };
  const auto read_string = [&](std::string_view& out) {
    if (i >= text.size() || text[i] != '"') return false;
    const std::size_t start = ++i;
    for (; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c == '"') {
        out = text.substr(start, i++ - start);
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;  // escapes, controls, UTF-8: full parser
    }
    return false;
  };

  skip_space();
  if (i >= text.size() || text[i] != '{') return false;
  ++i;
  skip_space();
  if (i < text.size() && text[i] == '}') {
    ++i;
    skip_space();
    return i == text.size();
  }
  for (;;) {
    std::string_view key;
    skip_space();
    if (!read_string(key)) return false;
    skip_space();
    if (i >= text.size() || text[i] != ':') return false;
    ++i;
    skip_space();
    if (i >= text.size()) return false;
    JsonScalar value;
    if (text[i] == '"') {
      value.kind = JsonScalar::Kind::kString;
      if (!read_string(value.text)) return false;
    } else if (text[i] == '-' || is_digit(i)) {
      const std::size_t start = i;
      if (text[i] == '-') ++i;
      if (!is_digit(i) || (text[i] == '0' && is_digit(i + 1))) return false;
      while (is_digit(i)) ++i;
      if (i < text.size() && (text[i] == '.' || text[i] == 'e' || text[i] == 'E')) return false;
      value.text = text.substr(start, i - start);
      auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, value.integer);
      value.kind = ec == std::errc() ? JsonScalar::Kind::kInteger : JsonScalar::Kind::kOther;
    } else if (text.substr(i, 4) == "true" || text.substr(i, 4) == "null") {
      i += 4;
      value.kind = JsonScalar::Kind::kOther;
    } else if (text.substr(i, 5) == "false") {
      i += 5;
      value.kind = JsonScalar::Kind::kOther;
    } else {
      return false;  // nested object or array, or not JSON
    }
    on_member(key, value);
    skip_space();
    if (i >= text.size()) return false;
    if (text[i] == ',') {
      ++i;
      continue;
    }
    if (text[i] != '}') return false;
    ++i;
    skip_space();
    return i == text.size();
  }
}

}  // namespace mp::security

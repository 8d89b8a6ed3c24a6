#include "libs/http/context.hpp"

#include <charconv>

#include "libs/core/error.hpp"
#include "libs/core/validation.hpp"
#include "libs/http/envelope.hpp"

namespace mp::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view Context::path() const {
  std::string_view target(request_.target().data(), request_.target().size());
  return target.substr(0, target.find('?'));
}

std::string_view Context::query_string() const {
  std::string_view target(request_.target().data(), request_.target().size());
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::vector<std::string> Context::QueryAll(std::string_view name) const {
  std::vector<std::string> values;
  std::string_view rest = query_string();
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq));
    if (key == name)
      values.push_back(eq == std::string_view::npos ? std::string{} : PercentDecode(pair.substr(eq + 1)));
  }
  return values;
}

std::optional<std::string> Context::Query(std::string_view name) const {
  auto values = QueryAll(name);
  if (values.empty()) return std::nullopt;
  return values.front();
}

const std::string& Context::Param(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  throw ApiError::Internal("route parameter missing: " + std::string(name));
}

std::int64_t Context::IntParam(std::string_view name) const {
  const std::string& text = Param(name);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0 || value > kMaxId) {
    throw ApiError::Validation({{std::string(name), std::string(kIdProblem)}});
  }
  return value;
}

std::optional<std::int64_t> ReadIntQuery(const Context& context, std::string_view name, std::int64_t min,
                                         std::int64_t max) {
  auto text = context.Query(name);
  if (!text || text->empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw ApiError::Validation({{std::string(name), "must be an integer between " + std::to_string(min) +
                                                        " and " + std::to_string(max)}});
  }
  return value;
}

Page ReadPage(const Context& context) {
  Page page;
  if (auto limit = ReadIntQuery(context, "limit", 1, 200)) page.limit = *limit;
  if (auto offset = ReadIntQuery(context, "offset", 0, 1'000'000'000)) page.offset = *offset;
  return page;
}

const nlohmann::json& Context::Body() {
  if (!body_) body_ = ParseJsonObject(request_);
  return *body_;
}

const Principal& Context::User() const {
  if (!principal) throw ApiError::Unauthorized("Authentication required", "missing_token");
  return *principal;
}

}  // namespace mp::http

#include "libs/http/router.hpp"

#include <stdexcept>

#include "libs/core/validation.hpp"

namespace mp::http {
namespace {

// An id as an {x:int} segment takes it: 1 to kMaxId in plain decimal digits, no leading zero.
bool IsId(std::string_view text) {
  if (text.empty() || text.size() > 16 || text.front() == '0') return false;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= kMaxId;
}

}  // namespace

std::vector<std::string_view> Router::Split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end;
  }
  return parts;
}

Router::Compiled Router::Compile(std::string_view pattern) {
  Compiled compiled;
  for (auto part : Split(pattern)) {
    Segment segment;
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      std::string_view inner = part.substr(1, part.size() - 2);
      auto colon = inner.find(':');
      segment.text = std::string(inner.substr(0, colon));
      segment.kind = Segment::Kind::kString;
      if (colon != std::string_view::npos) {
        if (inner.substr(colon + 1) != "int")
          throw std::invalid_argument("unknown parameter type in " + std::string(pattern));
        segment.kind = Segment::Kind::kInt;
      }
    } else {
      segment.text = std::string(part);
    }
    compiled.segments.push_back(std::move(segment));
  }
  return compiled;
}

void Router::Add(Verb method, std::string pattern, std::vector<Guard> guards, Handler handler) {
  compiled_.push_back(Compile(pattern));
  routes_.push_back({method, std::move(pattern), std::move(guards), std::move(handler)});
}

Router::Match Router::Find(Verb method, std::string_view path) const {
  auto parts = Split(path);
  Match result;
  // Trailing slashes are not significant ("/api/v1/reviews/" is "/api/v1/reviews").
  bool path_matched_strict = false;
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const auto& segments = compiled_[r].segments;
    if (segments.size() != parts.size()) continue;
    bool strict = true;
    bool loose = true;
    std::string bad;
    for (std::size_t i = 0; i < parts.size() && loose; ++i) {
      const auto& seg = segments[i];
      if (seg.kind == Segment::Kind::kLiteral) {
        if (seg.text != parts[i]) loose = strict = false;
      } else if (seg.kind == Segment::Kind::kInt && !IsId(parts[i])) {
        strict = false;
        if (bad.empty()) bad = seg.text;
      }
    }
    if (strict) {
      path_matched_strict = true;
      if (routes_[r].method == method) {
        result.kind = Match::Kind::kFound;
        result.route = &routes_[r];
        for (std::size_t i = 0; i < parts.size(); ++i) {
          if (segments[i].kind != Segment::Kind::kLiteral)
            result.params.emplace_back(segments[i].text, std::string(parts[i]));
        }
        return result;
      }
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += std::string(boost::beast::http::to_string(routes_[r].method));
    } else if (loose && routes_[r].method == method && result.bad_param.empty()) {
      result.bad_param = bad;
    }
  }
  if (path_matched_strict) {
    result.kind = Match::Kind::kMethodNotAllowed;
  } else if (!result.bad_param.empty()) {
    result.kind = Match::Kind::kBadParam;
  }
  return result;
}

std::string Router::Table() const {
  std::string table;
  for (const auto& route : routes_) {
    table += std::string(boost::beast::http::to_string(route.method)) + " " + route.pattern;
    if (!route.guards.empty()) {
      table += " [";
      for (std::size_t i = 0; i < route.guards.size(); ++i) table += (i ? "," : "") + route.guards[i].name;
      table += "]";
    }
    table += "\n";
  }
  return table;
}

}  // namespace mp::http

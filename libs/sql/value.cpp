#include "libs/sql/value.hpp"

#include <fmt/format.h>

namespace mp::sql {

std::string FormatValue(const Value& value) {
  struct Visitor {
    std::string operator()(std::nullptr_t) const { return "NULL"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return fmt::format("{}", v); }
    std::string operator()(const std::string& v) const {
      std::string out = "'";
      for (char c : v) {
        if (c == '\'') out.push_back('\'');
        out.push_back(c);
      }
      out.push_back('\'');
      return out;
    }
    std::string operator()(time::TimePoint v) const { return "'" + time::FormatSql(v) + "'"; }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace mp::sql

#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "libs/http/context.hpp"
#include "libs/http/types.hpp"

// A route table you can read at a glance: method, path pattern, named guards, handler.
// Patterns are literal segments and parameters: "/api/v1/orders/{order_id:int}" or "/files/{name}".
// An int parameter matches only a positive decimal number; a path that would match if it were one gets 422,
// so "/orders/abc" says what is wrong instead of 404.
namespace mp::http {

using Handler = std::function<boost::asio::awaitable<Response>(Context&)>;

// A guard runs before the handler and rejects by throwing ApiError (401, 403, 429...).
struct Guard {
  std::string name;
  std::function<boost::asio::awaitable<void>(Context&)> check;
};

struct Route {
  Verb method;
  std::string pattern;
  std::vector<Guard> guards;
  Handler handler;
};

class Router {
 public:
  void Add(Verb method, std::string pattern, std::vector<Guard> guards, Handler handler);
  void Add(Verb method, std::string pattern, Handler handler) {
    Add(method, std::move(pattern), {}, std::move(handler));
  }

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadParam } kind = Kind::kNotFound;
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;      // for 405
    std::string bad_param;  // for 422
  };
  Match Find(Verb method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }
  // "GET /api/v1/auth/me [auth,rate_limit]" per line, for start-up logs and the spec test.
  std::string Table() const;

 private:
  struct Segment {
    std::string text;
    enum class Kind { kLiteral, kString, kInt } kind = Kind::kLiteral;
  };
  struct Compiled {
    std::vector<Segment> segments;
  };
  static std::vector<std::string_view> Split(std::string_view path);
  static Compiled Compile(std::string_view pattern);

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace mp::http

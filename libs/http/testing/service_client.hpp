#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include "libs/core/error.hpp"
#include "libs/http/app.hpp"
#include "libs/http/client.hpp"
#include "libs/http/context.hpp"
#include "libs/http/testing/io_thread.hpp"

// For tests of a service's HTTP surface: the service (libs/service/testing/in_process_service.hpp) and the
// fakes of its upstreams run in-process as http::Apps on free ports of 127.0.0.1, and a ServiceClient calls
// the service as a client would.
namespace mp::http::testing {

// An App for a test: a free port, two I/O threads, `blocking_threads` for blocking work, no access log.
inline AppOptions TestAppOptions(std::string service, std::size_t blocking_threads = 2) {
  AppOptions options;
  options.service = std::move(service);
  options.server.port = 0;
  options.server.io_threads = 2;
  options.blocking_threads = blocking_threads;
  options.access_log = false;
  return options;
}

// What a service answered: the status, the body parsed as JSON (discarded when it is not JSON) and the whole
// response (headers).
struct Reply {
  unsigned status = 0;
  nlohmann::json body;
  Response raw;

  // The envelope's error code; "" when there is none.
  std::string code() const {
    return body.is_object() && body.contains("code") ? body["code"].get<std::string>() : "";
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// Calls the service listening on 127.0.0.1:`port`, from an io_context on a thread of its own.
class ServiceClient {
 public:
  explicit ServiceClient(std::uint16_t port) : port_(port), http_(io_.io().get_executor(), ClientOptions{}) {}

  // `token` ("" for none) goes as a Bearer Authorization, `body` as application/json; `headers` come last
  // (they may replace the content type).
  Reply Call(Verb method, const std::string& target, const std::string& token = {},
             std::optional<std::string> body = std::nullopt, const Headers& headers = {}) {
    Request request{method, target, 11};
    if (!token.empty()) request.set(boost::beast::http::field::authorization, "Bearer " + token);
    if (body) {
      request.set(boost::beast::http::field::content_type, "application/json");
      request.body() = std::move(*body);
    }
    for (const auto& [name, value] : headers) request.set(name, value);
    auto response = io_.Run(http_.Send(Upstream{"service", "127.0.0.1", port_}, std::move(request)));
    Reply reply;
    reply.status = response.result_int();
    reply.body = nlohmann::json::parse(response.body(), nullptr, false);
    reply.raw = std::move(response);
    return reply;
  }
  Reply Get(const std::string& target, const std::string& token = {}, const Headers& headers = {}) {
    return Call(Verb::get, target, token, std::nullopt, headers);
  }
  Reply Send(Verb method, const std::string& target, const std::string& token, const nlohmann::json& body,
             const Headers& headers = {}) {
    return Call(method, target, token, body.dump(), headers);
  }

 private:
  std::uint16_t port_;
  IoThread io_;
  HttpClient http_;
};

// The headers of a request that carries `request_id` as X-Request-ID ("" for none).
inline Headers RequestId(const std::string& request_id) {
  if (request_id.empty()) return {};
  return {{"X-Request-ID", request_id}};
}

// A fake upstream: an App of its own on a free port. A derived class adds its routes to app_, calls Start(),
// and calls Remember() in each handler so a test can check what the service under test sent; it guards its
// own state with mutex_ too, and its destructor calls Stop() before its own members go.
class FakeUpstream {
 public:
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  Upstream upstream() const { return {name_, "127.0.0.1", port_}; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int calls() { return Read(seen_.calls); }
  std::string last_authorization() { return Read(seen_.authorization); }
  std::string last_request_id() { return Read(seen_.request_id); }
  std::string last_path() { return Read(seen_.path); }
  std::string last_target() { return Read(seen_.target); }

 protected:
  using Awaitable = boost::asio::awaitable<Response>;  // what a fake's route handler returns

  explicit FakeUpstream(std::string name) : name_(std::move(name)), app_(TestAppOptions("fake-" + name_)) {}
  ~FakeUpstream() { Stop(); }

  void Start() { port_ = app_.Start(); }
  void Stop() { app_.Stop(); }
  void Remember(const Context& c) {
    std::lock_guard lock(mutex_);
    ++seen_.calls;
    seen_.authorization = std::string(c.request()[boost::beast::http::field::authorization]);
    seen_.request_id = c.request_id;
    seen_.path = std::string(c.path());
    seen_.target = std::string(c.request().target());
  }
  // A copy of `field` (of this fake's state) taken under mutex_.
  template <class T>
  T Read(const T& field) {
    std::lock_guard lock(mutex_);
    return field;
  }

  std::string name_;
  App app_;
  std::mutex mutex_;

 private:
  struct Seen {
    int calls = 0;
    std::string authorization;
    std::string request_id;
    std::string path;
    std::string target;
  };

  std::uint16_t port_ = 0;
  Seen seen_;
};

// A FakeUpstream that answers per id (an order, a user) with what the test Set() for it.
template <class Answer>
class FakeUpstreamById : public FakeUpstream {
 public:
  void Set(std::int64_t id, Answer answer) {
    std::lock_guard lock(mutex_);
    answers_[id] = std::move(answer);
  }

 protected:
  using FakeUpstream::FakeUpstream;

  // A route whose `{<param>:int}` segment names the id: every call is remembered; an id the test set nothing
  // for gets `not_found`; the others what `respond(id, answer)` returns.
  void RouteById(Verb verb, const std::string& pattern, std::string param, ApiError not_found,
                 std::function<Awaitable(std::int64_t, Answer)> respond) {
    app_.router().Add(verb, pattern,
                      [this, param = std::move(param), not_found = std::move(not_found),
                       respond = std::move(respond)](Context& c) -> Awaitable {
                        const auto id = c.IntParam(param);
                        Remember(c);
                        auto answer = AnswerFor(id);
                        if (!answer) throw not_found;
                        co_return co_await respond(id, std::move(*answer));
                      });
  }

 private:
  // What the test set for `id`; nullopt when nothing.
  std::optional<Answer> AnswerFor(std::int64_t id) {
    std::lock_guard lock(mutex_);
    auto it = answers_.find(id);
    if (it == answers_.end()) return std::nullopt;
    return it->second;
  }

  std::map<std::int64_t, Answer> answers_;
};

}  // namespace mp::http::testing

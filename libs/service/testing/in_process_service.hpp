#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "libs/core/error.hpp"
#include "libs/http/app.hpp"
#include "libs/http/client.hpp"
#include "libs/http/testing/service_client.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/testing/tokens.hpp"

namespace mp::service::testing {

// A service under test as its main() assembles it, listening on a free port of 127.0.0.1 (call it with an
// http::testing::ServiceClient). A derived class builds its stores, clients and API on app_, client_ (the
// HttpClient it calls its upstreams with: short timeouts, so "upstream slow or down" answers quickly) and
// authn_ (which accepts security::testing tokens), then calls Serve(); its destructor calls Stop() before its
// own members go.
class InProcessService {
 public:
  InProcessService(const InProcessService&) = delete;
  InProcessService& operator=(const InProcessService&) = delete;

  std::uint16_t port() const { return port_; }

 protected:
  InProcessService(std::string name, std::size_t blocking_threads, std::chrono::milliseconds upstream_timeout)
      : app_(http::testing::TestAppOptions(std::move(name), blocking_threads)),
        client_(app_.io().get_executor(), UpstreamOptions(upstream_timeout)),
        authn_(security::testing::Verifier(), nullptr) {}
  ~InProcessService() { Stop(); }

  // Registers `api`'s routes, answers the store's failures as `translate` maps them, and listens.
  template <class Api>
  void Serve(Api& api, std::function<std::optional<ApiError>(const std::exception&)> translate) {
    api.Register();
    app_.AddErrorTranslator(std::move(translate));
    port_ = app_.Start();
  }
  void Stop() { app_.Stop(); }

  http::App app_;
  http::HttpClient client_;
  identity::Authenticator authn_;

 private:
  static http::ClientOptions UpstreamOptions(std::chrono::milliseconds request_timeout) {
    http::ClientOptions options;
    options.connect_timeout = std::chrono::milliseconds(300);
    options.request_timeout = request_timeout;
    return options;
  }

  std::uint16_t port_ = 0;
};

}  // namespace mp::service::testing

#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "libs/bus/options.hpp"
#include "libs/cache/redis.hpp"
#include "libs/core/config.hpp"
#include "libs/http/testing/service_client.hpp"
#include "libs/mongo/options.hpp"
#include "libs/security/testing/tokens.hpp"
#include "libs/service/main.hpp"
#include "libs/service/wiring.hpp"
#include "libs/sql/options.hpp"

namespace mp::service::testing {

// A service exactly as its main() assembles it — its service::Definition on a service::Instance — listening
// on a free port of 127.0.0.1 (call it with an http::testing::ServiceClient), with two differences: the
// outbox relay and the event consumer are not started (events stay in the outbox; tests hand events to the
// handlers themselves), and tokens are security::testing's.
//
// `settings` are all the settings it reads (never the process environment): usually TestSettings (the
// store's, Redis, the upstream). A store that is down is opened but not prepared (`store_up` false): it
// answers 503, as a running service whose store went away.
class Assembled {
 public:
  Assembled(Definition service, config::Env::Values settings, bool store_up = true)
      : service_(std::move(service)), env_(std::move(settings)) {
    Store& store = *service_.store;
    store.ReadSettings(env_);
    env_.Validate();
    store.Open();
    if (store_up) store.Prepare();
    instance_.emplace(service_.spec, &store, env_, http::testing::TestAppOptions(service_.spec.name, 4),
                      cache::FromEnv(env_), bus::AmqpOptions{}, TokenKeys{security::testing::Verifier()},
                      service_.wire);
    port_ = instance_->app().Start();
  }
  ~Assembled() { instance_.reset(); }  // stops serving before the store goes
  Assembled(const Assembled&) = delete;
  Assembled& operator=(const Assembled&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  Definition service_;
  config::Env env_;
  std::optional<Instance> instance_;
  std::uint16_t port_ = 0;
};

// Calls to the service `name` go to `url` with short timeouts, so "upstream slow or down" answers quickly.
inline config::Env::Values UpstreamSettings(const std::string& name, const std::string& url, int timeout_ms) {
  const std::string prefix = UpstreamPrefix(name);
  return {{prefix + "_URL", url},
          {prefix + "_TIMEOUT_MS", std::to_string(timeout_ms)},
          {prefix + "_CONNECT_TIMEOUT_MS", "300"}};
}

// The test Redis the process environment names (MP_REDIS_HOST, MP_REDIS_PORT, MP_REDIS_PASSWORD), if any.
inline config::Env::Values RedisSettings() {
  config::Env::Values values;
  for (const char* name : {"MP_REDIS_HOST", "MP_REDIS_PORT", "MP_REDIS_PASSWORD"}) {
    if (const char* value = std::getenv(name); value != nullptr) values[name] = value;
  }
  values["MP_REDIS_MAX_CONNECTIONS"] = "4";
  return values;
}

// The MongoDB database `options` names, as service::MongoDb reads it.
inline config::Env::Values StoreSettings(const mongo::Options& options) {
  return {{"MP_MONGO_URI", options.uri},
          {"MP_MONGO_DATABASE", options.database},
          {"MP_MONGO_POOL_SIZE", std::to_string(options.max_pool_size)},
          {"MP_MONGO_SERVER_SELECTION_TIMEOUT_MS", std::to_string(options.server_selection_timeout.count())},
          {"MP_MONGO_CONNECT_TIMEOUT_MS", std::to_string(options.connect_timeout.count())},
          {"MP_MONGO_SOCKET_TIMEOUT_MS", std::to_string(options.socket_timeout.count())}};
}

// The MySQL database `options` names, as service::MySql reads it.
inline config::Env::Values StoreSettings(const sql::Options& options) {
  return {{"MP_MYSQL_HOST", options.host},         {"MP_MYSQL_PORT", std::to_string(options.port)},
          {"MP_MYSQL_USER", options.user},         {"MP_MYSQL_PASSWORD", options.password},
          {"MP_MYSQL_DATABASE", options.database}, {"MP_MYSQL_POOL_SIZE", std::to_string(options.pool_size)}};
}

// What a service under test usually reads: its database (`db`: mongo::Options or sql::Options), the test
// Redis and the one service it calls, `upstream` at `url`.
template <class DbOptions>
config::Env::Values TestSettings(const DbOptions& db, const std::string& upstream, const std::string& url,
                                 int timeout_ms = 1000) {
  auto settings = StoreSettings(db);
  settings.merge(RedisSettings());
  settings.merge(UpstreamSettings(upstream, url, timeout_ms));
  return settings;
}

}  // namespace mp::service::testing

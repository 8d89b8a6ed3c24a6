#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "libs/bus/consumer.hpp"
#include "libs/bus/options.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/core/cli.hpp"
#include "libs/core/config.hpp"
#include "libs/http/app.hpp"
#include "libs/http/client.hpp"

namespace mp::cache {
class Redis;
struct RedisOptions;
}  // namespace mp::cache
namespace mp::identity {
class Authenticator;
}
namespace mp::security {
class MacKey;
class TokenSigner;
class TokenVerifier;
}  // namespace mp::security

// The skeleton of every service binary: `main()` names the service and its store, and wires its stores,
// routes and event handlers in one function; service::Main owns the rest — the command line, reading and
// checking the settings, the HTTP app, Redis, token checks, the outbox relay, the event consumer, the
// gauges, /ready, and the start and shutdown order:
//
// Tokens: MP_JWT_PUBLIC_KEYS (required everywhere: the Ed25519 public keys tokens are verified with, comma
// separated), MP_JWT_PRIVATE_KEY (required where Spec::signs_tokens, and its public half must be listed),
// MP_JWT_ISSUER / MP_JWT_AUDIENCE (checked in every token), MP_ATTESTATION_KEY (optional, 32+ characters:
// lets the gateway vouch that it checked revocation, see libs/identity).
//
//   start:    settings checked (exit 2 on a bad one) -> store opened and prepared (migrations) -> topology
//   declared
//             -> app, Redis, authenticator, relay -> wire(context) -> relay started -> consumer started
//             (once the store is prepared) -> serving
//   SIGTERM:  stop accepting, finish requests -> the service's own shutdown hooks -> consumer stopped
//             -> relay flushed and stopped -> objects the wiring made destroyed, newest first -> store closed
namespace mp::service {

// Where a service keeps its state: opens it, checks it for /ready, exports its pool gauges, maps its outages
// to 503 and offers its maintenance command. service::MySql (mysql_store.hpp) and service::MongoDb
// (mongo_store.hpp), or none (the gateway).
class Store {
 public:
  virtual ~Store() = default;
  virtual void ReadSettings(config::Env& env) = 0;
  // Makes the clients (no I/O: a store that is down answers 503 later, it does not stop the start).
  virtual void Open() = 0;
  // Brings the store up to the service's schema before anything is served: a SQL store's migrations.
  virtual void Prepare() {}
  // The command that prepares the store and exits ("migrate", "ensure-indexes"); Open() and Prepare() run
  // before it.
  virtual cli::Command MaintenanceCommand() const = 0;
  virtual void Maintain() = 0;
  // Error translator (store outage -> 503) and pool gauges.
  virtual void Wire(http::App& app) = 0;
  virtual boost::asio::awaitable<http::ReadyCheck> Check(http::App& app) = 0;
  // Where the service's outbox lives (the SQL table, or events embedded in MongoDB documents).
  virtual std::unique_ptr<bus::OutboxSource> Outbox() = 0;
  virtual bus::RelayOptions RelayOptions() const { return {}; }
};

struct Spec {
  std::string name;           // "order": logs, metrics, MP_* defaults
  std::uint16_t port = 0;     // default MP_HTTP_PORT
  std::string about;          // one line for --help
  bool events = true;         // declares the topology and runs an outbox relay (needs a store)
  bool signs_tokens = false;  // holds the token private key (MP_JWT_PRIVATE_KEY): the auth service only
  // Further commands besides serve and the store's maintenance command; each runs after the store is
  // opened and prepared, and returns the exit code.
  struct Command {
    cli::Command command;
    std::function<int()> run;
  };
  std::vector<Command> commands = {};
};

// Another service this one calls: a client with its own connection pool and the upstream's instances.
struct Upstream {
  http::HttpClient& client;
  const http::Upstream& upstream;
};

// What the wiring function gets: the shared infrastructure, a place to read its own settings, and
// ownership of what it builds.
class Context {
 public:
  Context(http::App& app, config::Env& env, cache::Redis& redis, const security::TokenVerifier& verifier,
          const security::TokenSigner* signer, identity::Authenticator& authn, bus::OutboxRelay* relay,
          bus::AmqpOptions amqp);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  http::App& app() { return app_; }
  // The service's own settings; every problem is reported together before anything starts.
  config::Env& env() { return env_; }
  cache::Redis& redis() { return redis_; }
  const security::TokenVerifier& verifier() { return verifier_; }
  // The token signer (Spec::signs_tokens; throws std::logic_error otherwise).
  const security::TokenSigner& signer();
  identity::Authenticator& authn() { return authn_; }
  // The outbox relay (Spec::events): call Notify() after committing a change that wrote events.
  bus::OutboxRelay& relay();
  // A function that wakes the relay, for stores and handlers that write events.
  std::function<void()> NotifyRelay();

  // Builds a T owned by the service: it lives until the service has stopped and is destroyed before the
  // infrastructure it uses, newest first.
  template <class T, class... Args>
  T& Make(Args&&... args) {
    auto object = std::make_shared<T>(std::forward<Args>(args)...);
    T& ref = *object;
    owned_.push_back(std::move(object));
    return ref;
  }

  // The service `name` this one calls: MP_<NAME>_URL (default `default_url`), MP_<NAME>_TIMEOUT_MS (default
  // `timeout_ms`), MP_<NAME>_CONNECT_TIMEOUT_MS (default 1000). Gauge <name>_client_idle_connections.
  Upstream Call(const std::string& name, std::string_view default_url, int timeout_ms);

  // The service's event consumer (one per service). When `prepare` is given (e.g. creating the unique
  // indexes its idempotency relies on), it runs on the blocking pool until it succeeds and only then does
  // the consumer start; events wait in their queue meanwhile.
  void Consume(bus::QueueSpec queue, bus::Consumer::Handler handler, std::function<void()> prepare = {});

  // Replaces the default /ready (store, Redis, consumer, outbox) with the service's own checks.
  void SetReadiness(std::function<boost::asio::awaitable<std::vector<http::ReadyCheck>>()> checks) {
    readiness_ = std::move(checks);
  }

 private:
  friend class Instance;

  http::App& app_;
  config::Env& env_;
  cache::Redis& redis_;
  const security::TokenVerifier& verifier_;
  const security::TokenSigner* signer_;
  identity::Authenticator& authn_;
  bus::OutboxRelay* relay_;
  bus::AmqpOptions amqp_;
  std::vector<std::shared_ptr<void>> owned_;
  std::unique_ptr<bus::Consumer> consumer_;
  std::function<void()> prepare_;
  std::function<boost::asio::awaitable<std::vector<http::ReadyCheck>>()> readiness_;
  std::atomic<bool> consuming_{false};
};

using Wiring = std::function<void(Context&)>;

// The keys tokens are checked (and, in auth, signed) with, and the gateway's attestation key (optional).
struct TokenKeys {
  const security::TokenVerifier& verifier;
  const security::TokenSigner* signer = nullptr;
  const security::MacKey* attestation = nullptr;
};

// One service's running objects, built in the documented order on a store already opened: the HTTP app,
// Redis, the authenticator, the outbox relay (Spec::events), the store's error translator and gauges, what
// the wiring makes, /ready and the shutdown hooks. Main() runs it; an API test starts its app on a free
// port without the relay and the consumer (service::testing::Assembled), so tests run main's own wiring.
class Instance {
 public:
  Instance(const Spec& spec, Store* store, config::Env& env, http::AppOptions app_options,
           const cache::RedisOptions& redis_options, const bus::AmqpOptions& amqp, TokenKeys keys,
           const Wiring& wire);
  ~Instance();  // stops the app, then destroys what the wiring made, newest first
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  http::App& app() { return *app_; }
  // Starts the relay and the consumer (once the store is prepared) and serves until SIGTERM.
  int Run();

 private:
  Store* store_;
  std::unique_ptr<http::App> app_;
  std::unique_ptr<cache::Redis> redis_;
  std::unique_ptr<identity::Authenticator> authn_;
  std::unique_ptr<bus::OutboxRelay> relay_;
  std::unique_ptr<Context> context_;
};

// A whole service: its Spec, its store (service::MySql or service::MongoDb; none for the gateway) and its
// wiring, which builds its stores, clients, routes and handlers on the Context. Each service makes one in
// src/service.cpp; main() runs it (`return service::Main(review::Service(), argc, argv);`) and the API tests
// start the same one on a free port (service::testing::Assembled).
struct Definition {
  Spec spec;
  std::unique_ptr<Store> store;
  Wiring wire;
};

// Parses the command line, runs the chosen command and returns the process's exit code: 0, 1 on a fatal
// error (logged), 2 on bad settings (printed, every problem at once).
int Main(const Spec& spec, Store* store, int argc, char** argv, const Wiring& wire);

int Main(Definition service, int argc, char** argv);

}  // namespace mp::service

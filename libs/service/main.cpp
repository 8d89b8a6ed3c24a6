#include "libs/service/main.hpp"

#include <iostream>
#include <optional>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "libs/bus/topology.hpp"
#include "libs/cache/redis.hpp"
#include "libs/core/log.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/mac.hpp"
#include "libs/service/wiring.hpp"

namespace mp::service {

namespace asio = boost::asio;

Context::Context(http::App& app, config::Env& env, cache::Redis& redis,
                 const security::TokenVerifier& verifier, const security::TokenSigner* signer,
                 identity::Authenticator& authn, bus::OutboxRelay* relay, bus::AmqpOptions amqp)
    : app_(app),
      env_(env),
      redis_(redis),
      verifier_(verifier),
      signer_(signer),
      authn_(authn),
      relay_(relay),
      amqp_(std::move(amqp)) {}

const security::TokenSigner& Context::signer() {
  if (signer_ == nullptr) throw std::logic_error("this service does not sign tokens (Spec::signs_tokens)");
  return *signer_;
}

Context::~Context() {
  consumer_.reset();
  while (!owned_.empty()) owned_.pop_back();  // newest first: later objects use earlier ones
}

bus::OutboxRelay& Context::relay() {
  if (relay_ == nullptr) throw std::logic_error("this service has no outbox relay (Spec::events)");
  return *relay_;
}

std::function<void()> Context::NotifyRelay() {
  bus::OutboxRelay* relay = &this->relay();
  return [relay] { relay->Notify(); };
}

Upstream Context::Call(const std::string& name, std::string_view default_url, int timeout_ms) {
  auto settings = ReadUpstream(env_, name, default_url, timeout_ms);
  auto& upstream = Make<http::Upstream>(std::move(settings.upstream));
  auto& client = Make<http::HttpClient>(app_.io().get_executor(), settings.client);
  app_.metrics().AddGauge(name + "_client_idle_connections",
                          "Idle keep-alive connections to the " + name + " service.",
                          [&client] { return double(client.idle_connections()); });
  return {client, upstream};
}

void Context::Consume(bus::QueueSpec queue, bus::Consumer::Handler handler, std::function<void()> prepare) {
  if (consumer_) throw std::logic_error("a service has one event consumer");
  consumer_ = std::make_unique<bus::Consumer>(amqp_, std::move(queue), std::move(handler));
  prepare_ = std::move(prepare);
}

namespace {

struct TokenSettings {
  std::string public_keys;
  std::string private_key;  // empty unless the service signs tokens
  security::TokenScope scope;
  std::string attestation_key;
};

TokenSettings ReadTokenSettings(config::Env& env, bool signs_tokens) {
  TokenSettings settings;
  settings.public_keys = env.RequiredString("MP_JWT_PUBLIC_KEYS");
  if (signs_tokens) settings.private_key = env.RequiredString("MP_JWT_PRIVATE_KEY");
  settings.scope.issuer = env.String("MP_JWT_ISSUER", settings.scope.issuer);
  settings.scope.audience = env.String("MP_JWT_AUDIENCE", settings.scope.audience);
  settings.attestation_key = env.String("MP_ATTESTATION_KEY", "");
  if (!settings.attestation_key.empty() && settings.attestation_key.size() < 32) {
    env.Problem("MP_ATTESTATION_KEY must be at least 32 characters (or unset)");
  }
  return settings;
}

struct Tokens {
  std::unique_ptr<security::TokenVerifier> verifier;
  std::unique_ptr<security::TokenSigner> signer;
  std::unique_ptr<security::MacKey> attestation;
};

// Keys are checked at start-up: a bad one is a configuration error (exit 2), never a late 401 storm.
Tokens MakeTokens(const TokenSettings& settings) {
  Tokens tokens;
  try {
    tokens.verifier =
        std::make_unique<security::TokenVerifier>(security::SplitKeys(settings.public_keys), settings.scope);
  } catch (const std::invalid_argument& error) {
    throw config::ConfigError(std::string("MP_JWT_PUBLIC_KEYS: ") + error.what());
  }
  if (!settings.private_key.empty()) {
    try {
      tokens.signer = std::make_unique<security::TokenSigner>(settings.private_key, settings.scope);
    } catch (const std::invalid_argument& error) {
      throw config::ConfigError(std::string("MP_JWT_PRIVATE_KEY: ") + error.what());
    }
    if (!tokens.verifier->Knows(tokens.signer->public_key())) {
      throw config::ConfigError("MP_JWT_PRIVATE_KEY's public key (" + tokens.signer->public_key() +
                                ") is not in MP_JWT_PUBLIC_KEYS: nobody would accept its tokens");
    }
  }
  if (!settings.attestation_key.empty()) {
    tokens.attestation = std::make_unique<security::MacKey>(settings.attestation_key);
  }
  return tokens;
}

}  // namespace

Instance::Instance(const Spec& spec, Store* store, config::Env& env, http::AppOptions app_options,
                   const cache::RedisOptions& redis_options, const bus::AmqpOptions& amqp, TokenKeys keys,
                   const Wiring& wire)
    : store_(store),
      app_(std::make_unique<http::App>(std::move(app_options))),
      redis_(std::make_unique<cache::Redis>(app_->io(), redis_options)),
      authn_(std::make_unique<identity::Authenticator>(keys.verifier, redis_.get(), keys.attestation)) {
  auto& app = *app_;
  if (spec.events && store != nullptr) {
    relay_ = std::make_unique<bus::OutboxRelay>(store->Outbox(), amqp, store->RelayOptions());
  }
  context_ =
      std::make_unique<Context>(app, env, *redis_, keys.verifier, keys.signer, *authn_, relay_.get(), amqp);

  AddRedisGauge(app.metrics(), *redis_);
  if (store != nullptr) store->Wire(app);
  if (relay_) AddOutboxGauges(app.metrics(), *relay_);
  wire(*context_);
  env.Validate();  // the service's own settings, read while wiring: nothing has started yet

  bus::Consumer* consumer = context_->consumer_.get();
  if (consumer != nullptr) AddConsumerGauges(app.metrics(), *consumer);
  if (context_->readiness_) {
    app.SetReadiness(std::move(context_->readiness_));
  } else {
    app.SetReadiness([this, consumer]() -> asio::awaitable<std::vector<http::ReadyCheck>> {
      std::vector<http::ReadyCheck> checks;
      if (store_ != nullptr) checks.push_back(co_await store_->Check(*app_));
      checks.push_back(co_await RedisCheck(*redis_));
      if (consumer != nullptr) checks.push_back(ConsumerCheck(*consumer, context_->consuming_.load()));
      if (relay_) checks.push_back(OutboxCheck(*relay_));
      co_return checks;
    });
  }
  app.OnShutdown([this, consumer] {
    if (consumer != nullptr) consumer->Stop();
    if (relay_) relay_->Stop();
  });
}

Instance::~Instance() {
  app_->Stop();
  context_.reset();
}

int Instance::Run() {
  bus::Consumer* consumer = context_->consumer_.get();
  if (relay_) relay_->Start();
  if (consumer != nullptr) {
    if (context_->prepare_) {
      asio::co_spawn(app_->io(),
                     StartConsumerWhenPrepared(*app_, context_->prepare_, *consumer, context_->consuming_,
                                               consumer->queue()),
                     asio::detached);
    } else {
      consumer->Start();
      context_->consuming_ = true;
    }
  }
  return app_->Run();
}

namespace {

void OpenAndPrepare(Store& store) {
  store.Open();
  store.Prepare();
}

// Serving: the store opened, the topology declared, then one Instance run until SIGTERM.
int Serve(const Spec& spec, Store* store, config::Env& env, http::AppOptions app_options,
          const cache::RedisOptions& redis_options, const bus::AmqpOptions& amqp, const Tokens& tokens,
          const Wiring& wire) {
  if (store != nullptr) OpenAndPrepare(*store);
  if (spec.events) {
    try {
      bus::DeclareTopology(amqp);
    } catch (const std::exception& ex) {
      // The relay and the consumer declare what they need again once the broker is back.
      log::Warn("rabbitmq not reachable at start; events wait in the outbox", {{"error", ex.what()}});
    }
  }
  Instance instance(spec, store, env, std::move(app_options), redis_options, amqp,
                    {*tokens.verifier, tokens.signer.get(), tokens.attestation.get()}, wire);
  return instance.Run();
}

}  // namespace

int Main(const Spec& spec, Store* store, int argc, char** argv, const Wiring& wire) {
  std::vector<cli::Command> commands = {{"serve", "Run the service (default)"}};
  if (store != nullptr) commands.push_back(store->MaintenanceCommand());
  for (const auto& extra : spec.commands) commands.push_back(extra.command);
  auto cli = cli::Parse(spec.about, commands, argc, argv);
  if (cli.exit_code) return *cli.exit_code;

  try {
    config::Env env;
    auto app_options = http::AppOptions::FromEnv(env, spec.name, spec.port);
    auto redis_options = cache::FromEnv(env);
    auto amqp = bus::FromEnv(env);
    if (store != nullptr) store->ReadSettings(env);
    env.Validate();

    if (store != nullptr && cli.command == store->MaintenanceCommand().name) {
      OpenAndPrepare(*store);
      store->Maintain();
      return 0;
    }
    for (const auto& extra : spec.commands) {
      if (cli.command != extra.command.name) continue;
      if (store != nullptr) OpenAndPrepare(*store);
      return extra.run();
    }
    // Only serving needs the token keys: `migrate` and the like run without them (a migration Job never
    // sees auth's private key).
    const auto token_settings = ReadTokenSettings(env, spec.signs_tokens);
    env.Validate();
    const Tokens tokens = MakeTokens(token_settings);
    return Serve(spec, store, env, std::move(app_options), redis_options, amqp, tokens, wire);
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-" << spec.name << ": " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}

int Main(Definition service, int argc, char** argv) {
  return Main(service.spec, service.store.get(), argc, argv, service.wire);
}

}  // namespace mp::service

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
#include "libs/security/local_secret.hpp"
#include "libs/service/wiring.hpp"

namespace mp::service {

namespace asio = boost::asio;

Context::Context(http::App& app, config::Env& env, cache::Redis& redis, security::JwtCodec& jwt,
                 identity::Authenticator& authn, bus::OutboxRelay* relay, bus::AmqpOptions amqp)
    : app_(app), env_(env), redis_(redis), jwt_(jwt), authn_(authn), relay_(relay), amqp_(std::move(amqp)) {}

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

// Serving: builds the infrastructure in order, lets the service wire itself, starts, and stops in the
// reverse order.
class Runner {
 public:
  static int Serve(const Spec& spec, Store* store, config::Env& env, http::AppOptions app_options,
                   const cache::RedisOptions& redis_options, const bus::AmqpOptions& amqp,
                   const std::string& jwt_secret, const Wiring& wire) {
    if (store != nullptr) store->Open();
    if (spec.events) {
      try {
        bus::DeclareTopology(amqp);
      } catch (const std::exception& ex) {
        // The relay and the consumer declare what they need again once the broker is back.
        log::Warn("rabbitmq not reachable at start; events wait in the outbox", {{"error", ex.what()}});
      }
    }

    http::App app(std::move(app_options));
    cache::Redis redis(app.io(), redis_options);
    security::JwtCodec jwt(jwt_secret);
    identity::Authenticator authn(jwt, &redis);
    std::unique_ptr<bus::OutboxRelay> relay;
    if (spec.events && store != nullptr) {
      relay = std::make_unique<bus::OutboxRelay>(store->Outbox(), amqp, store->RelayOptions());
    }
    Context context(app, env, redis, jwt, authn, relay.get(), amqp);

    AddRedisGauge(app.metrics(), redis);
    if (store != nullptr) store->Wire(app);
    if (relay) AddOutboxGauges(app.metrics(), *relay);
    wire(context);
    env.Validate();  // the service's own settings, read while wiring: nothing has started yet

    bus::Consumer* consumer = context.consumer_.get();
    if (consumer != nullptr) AddConsumerGauges(app.metrics(), *consumer);
    if (context.readiness_) {
      app.SetReadiness(std::move(context.readiness_));
    } else {
      app.SetReadiness([&]() -> asio::awaitable<std::vector<http::ReadyCheck>> {
        std::vector<http::ReadyCheck> checks;
        if (store != nullptr) checks.push_back(co_await store->Check(app));
        checks.push_back(co_await RedisCheck(redis));
        if (consumer != nullptr) checks.push_back(ConsumerCheck(*consumer, context.consuming_.load()));
        if (relay) checks.push_back(OutboxCheck(*relay));
        co_return checks;
      });
    }
    app.OnShutdown([&] {
      if (consumer != nullptr) consumer->Stop();
      if (relay) relay->Stop();
    });

    if (relay) relay->Start();
    if (consumer != nullptr) {
      if (context.prepare_) {
        asio::co_spawn(app.io(),
                       StartConsumerWhenPrepared(app, context.prepare_, *consumer, context.consuming_,
                                                 consumer->queue()),
                       asio::detached);
      } else {
        consumer->Start();
        context.consuming_ = true;
      }
    }
    return app.Run();
  }
};

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
    std::string jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
    if (store != nullptr) store->ReadSettings(env);
    env.Validate();

    if (store != nullptr && cli.command == store->MaintenanceCommand().name) {
      store->Open();
      store->Maintain();
      return 0;
    }
    for (const auto& extra : spec.commands) {
      if (cli.command != extra.command.name) continue;
      if (store != nullptr) store->Open();
      return extra.run();
    }
    return Runner::Serve(spec, store, env, std::move(app_options), redis_options, amqp, jwt_secret, wire);
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-" << spec.name << ": " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}

}  // namespace mp::service

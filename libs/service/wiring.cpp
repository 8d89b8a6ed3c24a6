#include "libs/service/wiring.hpp"

#include <chrono>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "libs/bus/consumer.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/cache/redis.hpp"
#include "libs/core/config.hpp"
#include "libs/core/log.hpp"

namespace mp::service {

namespace asio = boost::asio;

std::string UpstreamPrefix(const std::string& name) {
  std::string prefix = "MP_";
  for (char c : name) prefix += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return prefix;
}

UpstreamSettings ReadUpstream(config::Env& env, const std::string& name, std::string_view default_url,
                              int timeout_ms) {
  const std::string prefix = UpstreamPrefix(name);
  UpstreamSettings s;
  const std::string url = env.String(prefix + "_URL", default_url);
  try {
    s.upstream = http::Upstream::Parse(name, url);
  } catch (const std::invalid_argument& error) {
    env.Problem(prefix + "_URL='" + url + "': " + error.what());
  }
  s.client.request_timeout =
      std::chrono::milliseconds(env.Int(prefix + "_TIMEOUT_MS", timeout_ms, 100, 60'000));
  s.client.connect_timeout =
      std::chrono::milliseconds(env.Int(prefix + "_CONNECT_TIMEOUT_MS", 1000, 50, 60'000));
  return s;
}

void AddOutboxGauges(http::Metrics& metrics, const bus::OutboxRelay& relay) {
  metrics.AddGauge("outbox_backlog", "Events not yet confirmed by RabbitMQ.",
                   [&relay] { return double(relay.backlog()); });
  metrics.AddGauge("outbox_oldest_age_seconds", "Age of the oldest unpublished event.",
                   [&relay] { return relay.oldest_age_seconds(); });
  metrics.AddGauge("outbox_published_total", "Events confirmed by RabbitMQ.",
                   [&relay] { return double(relay.published_total()); });
  for (bus::DropReason reason : bus::kDropReasons) {
    metrics.AddGauge("outbox_dropped_total{reason=\"" + std::string(bus::Name(reason)) + "\"}",
                     "Events given up: no_subscriber (no queue is bound for them), broker_refused (nacked "
                     "every time).",
                     [&relay, reason] { return double(relay.dropped_total(reason)); });
  }
  metrics.AddGauge("outbox_refused_total", "Publishes RabbitMQ refused (nack); each is tried again later.",
                   [&relay] { return double(relay.refused_total()); });
}

void AddConsumerGauges(http::Metrics& metrics, const bus::Consumer& consumer) {
  metrics.AddGauge("consumer_connected", "1 while the event consumer is connected to RabbitMQ.",
                   [&consumer] { return consumer.connected() ? 1.0 : 0.0; });
  metrics.AddGauge("consumer_handled_total", "Events handled and acknowledged.",
                   [&consumer] { return double(consumer.handled_total()); });
  metrics.AddGauge("consumer_failed_total", "Event handler failures (each attempt).",
                   [&consumer] { return double(consumer.failed_total()); });
  metrics.AddGauge("consumer_dead_lettered_total", "Events sent to the dead-letter queue.",
                   [&consumer] { return double(consumer.dead_lettered_total()); });
  metrics.AddGauge("consumer_waits_total{queue=\"" + consumer.queue() + "\"}",
                   "Events that arrived before the state they need and were sent to wait (NotYet).",
                   [&consumer] { return double(consumer.waits_total()); });
  metrics.AddGauge("consumer_not_applicable_total{queue=\"" + consumer.queue() + "\"}",
                   "Events dead-lettered because they were still not applicable after the longest wait.",
                   [&consumer] { return double(consumer.not_applicable_total()); });
  metrics.AddGauge("consumer_lag_seconds{queue=\"" + consumer.queue() + "\"}",
                   "How late the last acknowledged event was handled (ack time - occurred_at).",
                   [&consumer] { return consumer.lag_seconds(); });
}

void AddRedisGauge(http::Metrics& metrics, const cache::Redis& redis) {
  metrics.AddGauge("redis_connections", "Redis connections open.",
                   [&redis] { return double(redis.open_connections()); });
  metrics.AddGauge("redis_pool_size", "Redis connections this replica may open (MP_REDIS_MAX_CONNECTIONS).",
                   [&redis] { return double(redis.options().max_connections); });
}

http::ReadyCheck OutboxCheck(const bus::OutboxRelay& relay) {
  return {"outbox", true, std::to_string(relay.backlog()) + " pending", false};
}

asio::awaitable<http::ReadyCheck> RedisCheck(cache::Redis& redis) {
  bool ok = false;
  try {
    ok = co_await redis.Ping();
  } catch (const std::exception&) {
    ok = false;
  }
  co_return http::ReadyCheck{"redis", ok, ok ? "ok" : "unreachable", false};
}

http::ReadyCheck ConsumerCheck(const bus::Consumer& consumer, bool started) {
  std::string state = !started               ? "not started (waiting for the indexes)"
                      : consumer.connected() ? "connected"
                                             : "reconnecting to rabbitmq";
  return {"consumer", started && consumer.connected(), std::move(state), false};
}

asio::awaitable<void> StartConsumerWhenPrepared(http::App& app, std::function<void()> prepare,
                                                bus::Consumer& consumer, std::atomic<bool>& consuming,
                                                std::string queue) {
  asio::steady_timer timer(app.io());
  for (bool logged = false;;) {
    try {
      co_await app.blocking().Run([&] { prepare(); });
      break;
    } catch (const std::exception& ex) {
      if (!logged)
        log::Warn("cannot prepare the store yet; events wait in the queue",
                  {{"queue", queue}, {"error", ex.what()}});
      logged = true;
    }
    timer.expires_after(std::chrono::seconds(2));
    co_await timer.async_wait(asio::use_awaitable);
  }
  consumer.Start();
  consuming = true;
  log::Info("consuming events", {{"queue", queue}});
}

namespace {

asio::awaitable<void> Repeat(http::App& app, std::string what, std::chrono::seconds interval,
                             std::function<asio::awaitable<void>()> task) {
  asio::steady_timer timer(app.io());
  for (bool failing = false;;) {
    try {
      co_await task();
      if (failing) log::Info(what + " works again");
      failing = false;
    } catch (const std::exception& ex) {
      if (!failing) log::Warn(what + " failed; will retry", {{"error", ex.what()}});
      failing = true;
    }
    timer.expires_after(interval);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace

void RunEvery(http::App& app, std::string what, std::chrono::seconds interval,
              std::function<asio::awaitable<void>()> task) {
  asio::co_spawn(app.io(), Repeat(app, std::move(what), interval, std::move(task)), asio::detached);
}

}  // namespace mp::service

#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "libs/http/app.hpp"
#include "libs/http/client.hpp"

namespace mp::config {
class Env;
}
namespace mp::bus {
class Consumer;
class OutboxRelay;
}  // namespace mp::bus
namespace mp::cache {
class Redis;
}

// What every service's main wires the same way: the other services it calls, the gauges of its outbox
// relay and event consumer, the readiness lines of Redis and the outbox, and a consumer started only once
// its store is prepared. One place, so a new service is wired like the others and a metric keeps its name
// everywhere.
namespace mp::service {

// "MP_ORDER" for the service "order": the prefix of the settings of calls to it (_URL, _TIMEOUT_MS, ...).
std::string UpstreamPrefix(const std::string& name);

// Another service this one calls, from MP_<NAME>_URL (default `default_url`), MP_<NAME>_TIMEOUT_MS
// (default `timeout_ms`) and MP_<NAME>_CONNECT_TIMEOUT_MS (default 1000). Problems go to env.Problem.
struct UpstreamSettings {
  http::Upstream upstream;
  http::ClientOptions client;
};
UpstreamSettings ReadUpstream(config::Env& env, const std::string& name, std::string_view default_url,
                              int timeout_ms);

// outbox_backlog, outbox_oldest_age_seconds, outbox_published_total, outbox_dropped_total{reason=...},
// outbox_refused_total.
void AddOutboxGauges(http::Metrics& metrics, const bus::OutboxRelay& relay);
// consumer_connected, consumer_handled_total, consumer_failed_total, consumer_dead_lettered_total,
// consumer_lag_seconds, consumer_waits_total and consumer_not_applicable_total (the last three {queue=...}).
void AddConsumerGauges(http::Metrics& metrics, const bus::Consumer& consumer);
// redis_connections.
void AddRedisGauge(http::Metrics& metrics, const cache::Redis& redis);

// Runs `task` on the app's I/O threads now and then every `interval`, for the life of the app. A task that
// throws is tried again at the next interval; the failure is logged once per run of failures
// ("<what> failed; will retry"), and the first success after it too ("<what> works again").
void RunEvery(http::App& app, std::string what, std::chrono::seconds interval,
              std::function<boost::asio::awaitable<void>()> task);

// Readiness lines (not critical: the service answers without them).
http::ReadyCheck OutboxCheck(const bus::OutboxRelay& relay);               // "outbox": "N pending"
boost::asio::awaitable<http::ReadyCheck> RedisCheck(cache::Redis& redis);  // "redis": ok | unreachable
// "consumer": connected | reconnecting to rabbitmq | not started (waiting for the indexes).
http::ReadyCheck ConsumerCheck(const bus::Consumer& consumer, bool started = true);

// Runs `prepare` (e.g. creating the unique indexes a consumer's idempotency relies on) on the blocking pool
// until it succeeds — the store may still be starting: every 2 s, one warning — then starts the consumer
// and sets `consuming`. Spawn it on app.io(); events wait in their queue meanwhile.
boost::asio::awaitable<void> StartConsumerWhenPrepared(http::App& app, std::function<void()> prepare,
                                                       bus::Consumer& consumer, std::atomic<bool>& consuming,
                                                       std::string queue);

}  // namespace mp::service

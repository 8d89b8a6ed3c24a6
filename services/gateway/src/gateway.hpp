#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include "libs/cache/local_rate_limiter.hpp"
#include "libs/cache/rate_limiter.hpp"
#include "libs/cache/redis.hpp"
#include "libs/cache/tracked_reads.hpp"
#include "libs/core/config.hpp"
#include "libs/http/app.hpp"
#include "libs/http/client.hpp"
#include "libs/identity/identity.hpp"
#include "services/gateway/src/routes.hpp"
#include "services/gateway/src/web_app.hpp"

// The public edge: verifies tokens and roles locally, rate-limits through Redis (shared by every replica;
// a local limiter while Redis is down), forwards to the owning service over pooled keep-alive connections,
// answers CORS, and turns an unreachable backend into a clear 503.
namespace mp::gateway {

// Peers whose X-Forwarded-For is believed: single addresses or CIDR ranges, IPv4 or IPv6 ("127.0.0.1",
// "10.0.0.0/8", "fd00::/8"), e.g. the pod range of an ingress controller.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  TrustedProxies(std::initializer_list<std::string_view> entries);
  void Add(std::string_view entry);  // throws std::invalid_argument for anything else
  bool Contains(std::string_view address) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

struct GatewayOptions {
  std::map<std::string, http::Upstream> upstreams;  // "auth" -> 127.0.0.1:8000
  int rate_limit_per_minute = 60;
  int strict_rate_limit_per_minute = 20;
  std::vector<std::string> cors_origins;  // exact origins; "*" allows any
  TrustedProxies trusted_proxies;         // peers whose X-Forwarded-For is believed
  http::ClientOptions client;
  // Share of a limit this replica may admit between two syncs with Redis (cache::RateLimiter); 0: every
  // hit is a Redis round trip.
  double rate_limit_local_share = 0.1;
  // Keeps the revocation lookups in process, invalidated by Redis (cache::TrackedReads).
  bool revocation_cache = true;

  // MP_RATE_LIMIT_PER_MINUTE, MP_AUTH_RATE_LIMIT_PER_MINUTE, MP_RATE_LIMIT_LOCAL_PERCENT,
  // MP_REVOCATION_CACHE, MP_CORS_ORIGINS, MP_TRUSTED_PROXIES, MP_UPSTREAM_TIMEOUT_MS,
  // MP_UPSTREAM_CONNECT_TIMEOUT_MS and MP_<BACKEND>_URL; problems go to env.
  static GatewayOptions FromEnv(config::Env& env);
};

class Gateway {
 public:
  Gateway(http::App& app, GatewayOptions options, const identity::Authenticator& authn, cache::Redis& redis);

  // Adds the public routes (PublicRoutes()) whose upstream is configured, the CORS hooks and the gateway's
  // gauges.
  void Register();
  // Serves the web front end at / (before routing; see web_app.hpp). Call before the app runs.
  void ServeWebApp(const WebApp& web_app) { web_app_ = &web_app; }
  boost::asio::awaitable<std::vector<http::ReadyCheck>> Readiness();

  // The revocation cache's invalidation connection and the flushes of locally admitted hits; both run
  // on the app's io_context until it stops.
  void StartBackground();

  bool redis_degraded() const { return redis_degraded_.load(); }
  const cache::TrackedReads& revocations() const { return revocations_; }
  const cache::RateLimiter& limiter() const { return limiter_; }
  const http::HttpClient& upstreams() const { return client_; }

 private:
  boost::asio::awaitable<http::Response> Forward(http::Context& context, const PublicRoute& route);
  static constexpr std::chrono::seconds kWindow{60};
  static constexpr std::chrono::milliseconds kFlushEvery{100};
  boost::asio::awaitable<void> FlushLocalHits();

  boost::asio::awaitable<void> RateLimit(http::Context& context, Limit limit);
  // Token, role and (unless kNone) rate limit with at most one Redis round trip: the revocation lookup
  // (unless cached) and the hit (unless admitted locally) in one pipeline.
  boost::asio::awaitable<void> AuthorizeAndLimit(http::Context& context, Access access, Limit limit);
  static void CheckRole(const http::Principal& principal, Access access);
  std::string LimitKey(const http::Context& context, Limit limit) const;
  int PerMinute(Limit limit) const;
  void RedisAnswered();
  cache::Decision LocalHit(const std::string& key, Limit limit, const std::exception& error);
  static void ApplyDecision(http::Context& context, const cache::Decision& decision);
  std::optional<http::Response> Preflight(http::Context& context) const;
  void AddCors(http::Context& context, http::Response& response) const;
  bool OriginAllowed(std::string_view origin) const;

  http::App& app_;
  GatewayOptions options_;
  const identity::Authenticator& authn_;
  cache::Redis& redis_;
  cache::RateLimiter limiter_;
  cache::LocalRateLimiter local_limiter_;
  cache::TrackedReads revocations_;
  const WebApp* web_app_ = nullptr;
  http::HttpClient client_;
  std::atomic<bool> redis_degraded_{false};
  std::set<std::string> routed_upstreams_;  // upstreams some public route goes to
};

// The client's address: the peer, or — when the peer is a trusted proxy — the rightmost X-Forwarded-For
// entry that is not itself a trusted proxy.
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const TrustedProxies& trusted);

}  // namespace mp::gateway

#include "services/gateway/src/gateway.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>

#include "libs/core/error.hpp"
#include "libs/core/log.hpp"
#include "libs/core/time.hpp"
#include "libs/http/envelope.hpp"

namespace mp::gateway {

namespace asio = boost::asio;
using Field = boost::beast::http::field;

namespace {

template <class Name>
std::string_view Header(const http::Request& request, Name name) {
  auto value = request[name];
  return {value.data(), value.size()};
}

constexpr const char* kForwardedFor = "X-Forwarded-For";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr std::string_view kExposedHeaders =
    "X-Request-ID, X-Total-Count, X-RateLimit-Limit, X-RateLimit-Remaining, Retry-After, Idempotent-Replayed";

}  // namespace

TrustedProxies::TrustedProxies(std::initializer_list<std::string_view> entries) {
  for (auto entry : entries) Add(entry);
}

void TrustedProxies::Add(std::string_view entry) {
  const std::string text(entry);
  const auto slash = text.find('/');
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(text.substr(0, slash), ec);
  if (ec) throw std::invalid_argument("not an IP address or CIDR range: " + text);
  int bits = address.is_v4() ? 32 : 128;
  if (slash != std::string::npos) {
    const std::string prefix = text.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 3 || prefix.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(prefix) > bits) {
      throw std::invalid_argument("bad prefix length in " + text);
    }
    bits = std::stoi(prefix);
  }
  if (address.is_v4()) {
    v4_.push_back(asio::ip::make_network_v4(address.to_v4(), static_cast<unsigned short>(bits)).canonical());
  } else {
    v6_.push_back(asio::ip::make_network_v6(address.to_v6(), static_cast<unsigned short>(bits)).canonical());
  }
}

bool TrustedProxies::Contains(std::string_view text) const {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(std::string(text), ec);
  if (ec) return false;
  if (address.is_v4()) {
    for (const auto& network : v4_) {
      if (asio::ip::make_network_v4(address.to_v4(), network.prefix_length()).canonical() == network)
        return true;
    }
    return false;
  }
  for (const auto& network : v6_) {
    if (asio::ip::make_network_v6(address.to_v6(), network.prefix_length()).canonical() == network)
      return true;
  }
  return false;
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const TrustedProxies& trusted) {
  if (forwarded_for.empty() || !trusted.Contains(peer)) return std::string(peer);
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    std::string_view entry = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (!entry.empty() && !trusted.Contains(entry)) return std::string(entry);
  }
  return std::string(peer);
}

Gateway::Gateway(http::App& app, GatewayOptions options, const identity::Authenticator& authn,
                 cache::Redis& redis)
    : app_(app),
      options_(std::move(options)),
      authn_(authn),
      redis_(redis),
      limiter_(redis, options_.rate_limit_local_share),
      revocations_(redis,
                   {std::string(identity::kTokenVersionPrefix), std::string(identity::kRevokedJtiPrefix)}),
      client_(app.io().get_executor(), options_.client) {}

void Gateway::StartBackground() {
  if (options_.revocation_cache) {
    asio::co_spawn(asio::make_strand(app_.io()), revocations_.Run(), asio::detached);
  }
  if (options_.rate_limit_local_share > 0) asio::co_spawn(app_.io(), FlushLocalHits(), asio::detached);
}

asio::awaitable<void> Gateway::FlushLocalHits() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(kFlushEvery);
    co_await timer.async_wait(asio::use_awaitable);
    try {
      if (co_await limiter_.Flush() > 0) RedisAnswered();
    } catch (const std::exception& ex) {
      // Redis is away: the hits wait for the next flush, and the next synchronous hit reports the outage.
      log::Debug("rate limit flush failed", {{"error", ex.what()}});
    }
  }
}

void Gateway::Register() {
  app_.metrics().AddGauge("gateway_rate_limit_degraded", "1 while Redis is down and limits are per replica.",
                          [this] { return redis_degraded() ? 1.0 : 0.0; });
  app_.metrics().AddGauge("gateway_revocation_cache_live",
                          "1 while cached revocation lookups are kept true by Redis.",
                          [this] { return revocations().live() ? 1.0 : 0.0; });
  app_.metrics().AddGauge("gateway_revocation_cache_entries", "Revocation lookups cached in this replica.",
                          [this] { return double(revocations().entries()); });
  app_.metrics().AddGauge("gateway_revocation_cache_hits_total",
                          "Signed-in requests whose revocation lookups were cached.",
                          [this] { return double(revocations().hits()); });
  app_.metrics().AddGauge("gateway_rate_limit_keys",
                          "Rate-limit keys this replica admits locally between syncs.",
                          [this] { return double(limiter().tracked_keys()); });
  app_.metrics().AddGauge(
      "gateway_upstream_instances_ejected",
      "Backend instances taken out after a failed connection, until their /ready answers.",
      [this] { return double(upstreams().ejected_endpoints()); });
  app_.metrics().AddGauge("gateway_upstream_ejections_total", "Backend instances ejected so far.",
                          [this] { return double(upstreams().ejections_total()); });
  app_.metrics().AddGauge("gateway_upstream_failovers_total",
                          "Calls that moved on to another backend instance after one failed.",
                          [this] { return double(upstreams().failovers_total()); });
  for (const auto& route : PublicRoutes()) {
    if (!options_.upstreams.contains(route.upstream)) continue;
    routed_upstreams_.insert(route.upstream);
    std::vector<http::Guard> guards;
    Access access = route.access;
    Limit limit = route.limit;
    std::string limit_name = limit == Limit::kStrict ? "rate_limit:strict" : "rate_limit";
    if (access != Access::kPublic) {
      // One Redis round trip for the revocation lookup and the rate-limit hit.
      guards.push_back({std::string(AccessName(access)) + (limit == Limit::kNone ? "" : "+" + limit_name),
                        [this, access, limit](http::Context& c) -> asio::awaitable<void> {
                          co_await AuthorizeAndLimit(c, access, limit);
                        }});
    } else if (limit != Limit::kNone) {
      guards.push_back({limit_name, [this, limit](http::Context& c) -> asio::awaitable<void> {
                          co_await RateLimit(c, limit);
                        }});
    }
    const PublicRoute* target = &route;
    app_.router().Add(route.method, route.pattern, std::move(guards),
                      [this, target](http::Context& c) { return Forward(c, *target); });
  }
  app_.SetBeforeRouting([this](http::Context& c) -> asio::awaitable<std::optional<http::Response>> {
    if (auto preflight = Preflight(c)) co_return preflight;
    if (web_app_ != nullptr) co_return web_app_->Serve(c, app_.router());
    co_return std::nullopt;
  });
  app_.SetAfterResponse([this](http::Context& c, http::Response& r) { AddCors(c, r); });
}

void Gateway::CheckRole(const http::Principal& principal, Access access) {
  int needed = access == Access::kCustomer   ? identity::kCustomer
               : access == Access::kProvider ? identity::kProvider
               : access == Access::kAdmin    ? identity::kAdmin
                                             : 0;
  if (needed != 0 && principal.role != needed) {
    throw ApiError::Forbidden("This action requires the " + std::string(identity::RoleName(needed)) + " role",
                              "wrong_role");
  }
}

std::string Gateway::LimitKey(const http::Context& context, Limit limit) const {
  std::string client =
      ClientAddress(context.remote_ip(), Header(context.request(), kForwardedFor), options_.trusted_proxies);
  return limit == Limit::kStrict ? "ip:strict:" + client
         : context.principal     ? "user:" + std::to_string(context.principal->user_id)
                                 : "ip:" + client;
}

int Gateway::PerMinute(Limit limit) const {
  return limit == Limit::kStrict ? options_.strict_rate_limit_per_minute : options_.rate_limit_per_minute;
}

asio::awaitable<void> Gateway::RateLimit(http::Context& context, Limit limit) {
  std::string key = LimitKey(context, limit);
  cache::Decision decision;
  try {
    decision = co_await limiter_.Hit(key, PerMinute(limit), kWindow);
    RedisAnswered();
  } catch (const std::exception& ex) {
    decision = LocalHit(key, limit, ex);
  }
  ApplyDecision(context, decision);
}

asio::awaitable<void> Gateway::AuthorizeAndLimit(http::Context& context, Access access, Limit limit) {
  // Verify, not Authenticate: the gateway never takes a client's X-Revocation-Checked for its own lookup.
  context.principal = authn_.Verify(context.request());
  const bool limited = limit != Limit::kNone;
  std::string key = limited ? LimitKey(context, limit) : std::string();
  const auto lookups = authn_.RevocationCommands(*context.principal);
  std::optional<std::vector<cache::Reply>> known;
  if (!lookups.empty() && options_.revocation_cache) known = revocations_.Lookup(lookups);
  std::optional<cache::Decision> decision;
  if (limited) decision = limiter_.Admit(key, PerMinute(limit), kWindow);

  // What is not known here goes to Redis in one pipeline.
  const bool look_up = !lookups.empty() && !known;
  const std::uint64_t epoch = look_up ? revocations_.epoch() : 0;  // a mutex: only when a lookup is sent
  std::vector<std::vector<std::string>> commands;
  if (look_up) commands = lookups;
  std::optional<cache::RateLimiter::PendingHit> hit;
  if (limited && !decision) {
    hit = cache::RateLimiter::PendingHit{key, PerMinute(limit), kWindow};
    commands.push_back(limiter_.HitCommand(*hit));
  }
  std::vector<cache::Reply> replies;
  if (!commands.empty()) {
    try {
      replies = co_await redis_.Pipeline(std::move(commands));
      RedisAnswered();
    } catch (const std::exception& ex) {
      // As in Authenticate: the token stands on its signature and expiry while Redis is away.
      if (look_up) log::Warn("revocation check skipped: redis unavailable", {{"error", ex.what()}});
      if (hit) {
        limiter_.Record(*hit, std::nullopt);
        decision = LocalHit(key, limit, ex);
      }
    }
  }
  if (!replies.empty()) {
    std::optional<cache::Reply> hit_reply;
    if (hit) {
      hit_reply = std::move(replies.back());
      replies.pop_back();
    }
    if (look_up) {
      revocations_.Store(lookups, replies, epoch);
      known = std::move(replies);
    }
    if (hit_reply) {
      try {
        decision = cache::RateLimiter::Decide(*hit_reply, hit->limit, hit->window);
        if (!decision) decision = co_await limiter_.Resend(*hit);  // script not cached
        limiter_.Record(*hit, decision);
      } catch (const std::exception& ex) {
        limiter_.Record(*hit, std::nullopt);
        decision = LocalHit(key, limit, ex);
      }
    }
  }
  if (known) {
    authn_.CheckRevocation(*context.principal, *known);
    context.principal->revocation_checked = true;
  }
  CheckRole(*context.principal, access);
  if (decision) ApplyDecision(context, *decision);
}

void Gateway::RedisAnswered() {
  if (redis_degraded_.exchange(false)) log::Info("redis is back: shared rate limiting restored");
}

cache::Decision Gateway::LocalHit(const std::string& key, Limit limit, const std::exception& error) {
  if (!redis_degraded_.exchange(true)) {
    log::Error("redis unavailable: rate limiting per replica until it is back", {{"error", error.what()}});
  }
  return local_limiter_.Hit(key, PerMinute(limit), kWindow);
}

void Gateway::ApplyDecision(http::Context& context, const cache::Decision& decision) {
  context.response_headers.emplace_back("X-RateLimit-Limit", std::to_string(decision.limit));
  context.response_headers.emplace_back("X-RateLimit-Remaining", std::to_string(decision.remaining));
  if (!decision.allowed) {
    context.response_headers.emplace_back("Retry-After", std::to_string(decision.retry_after_seconds));
    throw ApiError(
        ApiError::Kind::kRateLimited, "rate_limited", "Too many requests",
        "Rate limit exceeded; try again in " + std::to_string(decision.retry_after_seconds) + " s");
  }
}

asio::awaitable<http::Response> Gateway::Forward(http::Context& context, const PublicRoute& route) {
  const auto& upstream = options_.upstreams.at(route.upstream);
  const auto& in = context.request();
  http::Request out{in.method(), in.target(), 11};
  for (Field field : {Field::content_type, Field::authorization, Field::accept, Field::accept_language}) {
    auto value = in[field];
    if (!value.empty()) out.set(field, value);
  }
  auto idempotency = in["Idempotency-Key"];
  if (!idempotency.empty()) out.set("Idempotency-Key", idempotency);
  out.set("X-Request-ID", context.request_id);
  // The service can skip its own revocation lookup (libs/identity, Attested); never passed on from clients.
  if (context.principal && context.principal->revocation_checked) {
    auto attestation = authn_.Attest(*context.principal, time::ToUnixMillis(time::Now()));
    if (!attestation.empty()) out.set(identity::kAttestationHeader, attestation);
  }
  out.set(kForwardedFor,
          ClientAddress(context.remote_ip(), Header(in, kForwardedFor), options_.trusted_proxies));
  out.body() = in.body();

  http::Response answer;
  try {
    answer = co_await client_.Send(upstream, std::move(out));
  } catch (const http::UpstreamError& error) {
    if (route.revokes_tokens) revocations_.Forget();
    app_.metrics().Counter("gateway_upstream_errors_total{upstream=\"" + route.upstream + "\"}",
                           "Calls to a backend that failed to connect or timed out.")++;
    log::Warn("upstream unavailable",
              {{"request_id", context.request_id}, {"upstream", route.upstream}, {"error", error.what()}});
    throw ApiError::Unavailable("The " + route.upstream + " service is unavailable; please retry shortly",
                                "upstream_unavailable");
  }
  // Every replica hears of the revocation from Redis within a moment; this one forgets its cached lookups
  // at once, so the caller's next request cannot overtake that message.
  if (route.revokes_tokens) revocations_.Forget();
  http::Response response{answer.result(), 11};
  for (Field field : {Field::content_type, Field::www_authenticate, Field::retry_after, Field::allow}) {
    auto value = answer[field];
    if (!value.empty()) response.set(field, value);
  }
  for (std::string_view name : {std::string_view("X-Total-Count"), std::string_view("Idempotent-Replayed")}) {
    auto value = answer[boost::beast::string_view(name.data(), name.size())];
    if (!value.empty()) response.set(boost::beast::string_view(name.data(), name.size()), value);
  }
  response.body() = std::move(answer.body());
  response.prepare_payload();
  co_return response;
}

bool Gateway::OriginAllowed(std::string_view origin) const {
  for (const auto& allowed : options_.cors_origins) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

std::optional<http::Response> Gateway::Preflight(http::Context& context) const {
  const auto& request = context.request();
  if (request.method() != http::Verb::options) return std::nullopt;
  context.route = "preflight";
  http::Response response{http::Status::no_content, 11};
  std::string_view origin = Header(request, Field::origin);
  if (!origin.empty() && OriginAllowed(origin)) {
    response.set(Field::access_control_allow_methods, "GET, POST, PUT, DELETE, OPTIONS");
    response.set(Field::access_control_allow_headers,
                 "Authorization, Content-Type, X-Request-ID, Idempotency-Key");
    response.set(Field::access_control_max_age, "600");
  }
  response.prepare_payload();
  return response;
}

void Gateway::AddCors(http::Context& context, http::Response& response) const {
  std::string_view origin = Header(context.request(), Field::origin);
  if (origin.empty() || !OriginAllowed(origin)) return;
  response.set(Field::access_control_allow_origin, boost::beast::string_view(origin.data(), origin.size()));
  response.set(Field::vary, "Origin");
  response.set(Field::access_control_expose_headers,
               boost::beast::string_view(kExposedHeaders.data(), kExposedHeaders.size()));
}

asio::awaitable<std::vector<http::ReadyCheck>> Gateway::Readiness() {
  std::vector<http::ReadyCheck> checks;
  bool redis_ok = co_await redis_.Ping();
  checks.push_back({"redis", redis_ok, redis_ok ? "ok" : "degraded: rate limiting per replica", false});
  if (options_.revocation_cache) {
    const bool live = revocations_.live();
    checks.push_back(
        {"revocation_cache", live, live ? "ok" : "not live: every revocation lookup goes to redis", false});
  }
  for (const auto& name : routed_upstreams_) {
    const auto& upstream = options_.upstreams.at(name);
    bool ok = false;
    try {
      auto answer = co_await client_.Send(upstream, http::Request{http::Verb::get, "/ready", 11});
      ok = answer.result() == http::Status::ok;
    } catch (const std::exception&) {
      ok = false;
    }
    // A backend being down makes its routes answer 503; the gateway itself stays ready.
    checks.push_back({name, ok, ok ? "ok" : "unavailable", false});
  }
  co_return checks;
}

}  // namespace mp::gateway

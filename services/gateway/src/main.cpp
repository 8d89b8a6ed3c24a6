// mp-gateway: the public /api/v1 edge of Service Marketplace.
//   mp-gateway [serve]   run it
//   mp-gateway routes    print the public route table (method, path, service, access)
#include <iostream>
#include <sstream>


#include "libs/cache/redis.hpp"
#include "libs/core/cli.hpp"
#include "libs/core/config.hpp"
#include "libs/core/log.hpp"
#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/local_secret.hpp"
#include "services/gateway/src/docs_site.hpp"
#include "services/gateway/src/gateway.hpp"

namespace {

using namespace mp;

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

int Serve() {
  config::Env env;
  auto app_options = http::AppOptions::FromEnv(env, "gateway", 8080);
  auto redis_options = cache::FromEnv(env);
  std::string secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  gateway::GatewayOptions options;
  options.rate_limit_per_minute = static_cast<int>(env.Int("MP_RATE_LIMIT_PER_MINUTE", 60, 1, 1'000'000));
  options.strict_rate_limit_per_minute = static_cast<int>(env.Int("MP_AUTH_RATE_LIMIT_PER_MINUTE", 20, 1, 1'000'000));
  options.rate_limit_local_share = double(env.Int("MP_RATE_LIMIT_LOCAL_PERCENT", 10, 0, 50)) / 100.0;
  options.revocation_cache = env.Bool("MP_REVOCATION_CACHE", true);
  options.cors_origins = SplitList(env.String("MP_CORS_ORIGINS", "http://localhost:5173,http://127.0.0.1:5173"));
  for (auto& proxy : SplitList(env.String("MP_TRUSTED_PROXIES", ""))) {
    try {
      options.trusted_proxies.Add(proxy);
    } catch (const std::invalid_argument& error) {
      env.Problem(std::string("MP_TRUSTED_PROXIES: ") + error.what());
    }
  }
  options.client.request_timeout = std::chrono::milliseconds(env.Int("MP_UPSTREAM_TIMEOUT_MS", 10'000, 100, 600'000));
  options.client.connect_timeout = std::chrono::milliseconds(env.Int("MP_UPSTREAM_CONNECT_TIMEOUT_MS", 1'000, 50, 60'000));
  for (const auto& backend : gateway::Backends()) {
    std::string name(backend.name);
    std::string variable = "MP_" + name + "_URL";
    for (auto& c : variable) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string url = env.String(variable, backend.local_url);
    try {
      options.upstreams[name] = http::Upstream::Parse(name, url);
    } catch (const std::invalid_argument& error) {
      env.Problem(error.what());
    }
  }
  std::string openapi = env.String("MP_OPENAPI_FILE", "docs/openapi.yaml");
  std::string swagger = env.String("MP_SWAGGER_DIR", "tools/swagger/node_modules/swagger-ui-dist");
  std::string web_dist = env.String("MP_WEB_DIR", "web/dist");
  env.Validate();

  http::App app(app_options);
  cache::Redis redis(app.io(), redis_options);
  security::JwtCodec jwt(secret);
  identity::Authenticator authn(jwt, &redis);
  gateway::Gateway edge(app, options, authn, redis);
  gateway::DocsSite docs(openapi, swagger);
  gateway::WebApp web(web_dist);
  if (web.loaded()) edge.ServeWebApp(web);
  edge.Register();
  edge.StartBackground();
  docs.Register(app.router());
  app.SetReadiness([&] { return edge.Readiness(); });
  app.metrics().AddGauge("gateway_rate_limit_degraded", "1 while Redis is down and limits are per replica.",
                         [&] { return edge.redis_degraded() ? 1.0 : 0.0; });
  app.metrics().AddGauge("gateway_revocation_cache_live", "1 while cached revocation lookups are kept true by Redis.",
                         [&] { return edge.revocations().live() ? 1.0 : 0.0; });
  app.metrics().AddGauge("gateway_revocation_cache_entries", "Revocation lookups cached in this replica.",
                         [&] { return double(edge.revocations().entries()); });
  app.metrics().AddGauge("gateway_revocation_cache_hits_total", "Signed-in requests whose revocation lookups were cached.",
                         [&] { return double(edge.revocations().hits()); });
  app.metrics().AddGauge("gateway_rate_limit_keys", "Rate-limit keys this replica admits locally between syncs.",
                         [&] { return double(edge.limiter().tracked_keys()); });
  app.metrics().AddGauge("gateway_upstream_instances_ejected", "Backend instances taken out after a failed connection, until their /ready answers.",
                         [&] { return double(edge.upstreams().ejected_endpoints()); });
  app.metrics().AddGauge("gateway_upstream_ejections_total", "Backend instances ejected so far.",
                         [&] { return double(edge.upstreams().ejections_total()); });
  app.metrics().AddGauge("gateway_upstream_failovers_total",
                         "Calls that moved on to another backend instance after one failed.",
                         [&] { return double(edge.upstreams().failovers_total()); });
  // As service::AddRedisGauge (libs/service, which would pull the AMQP client into the gateway).
  app.metrics().AddGauge("redis_connections", "Redis connections open.", [&] { return double(redis.open_connections()); });
  app.metrics().AddGauge("redis_pool_size", "Redis connections this replica may open (MP_REDIS_MAX_CONNECTIONS).",
                         [&] { return double(redis.options().max_connections); });
  return app.Run();
}

}  // namespace

int main(int argc, char** argv) {
  auto cli = cli::Parse("mp-gateway: the public /api/v1 edge of Service Marketplace",
                        {{"serve", "Run the gateway (default)"}, {"routes", "Print the public route table"}}, argc, argv);
  if (cli.exit_code) return *cli.exit_code;
  if (cli.command == "routes") {
    for (const auto& route : gateway::PublicRoutes()) {
      std::cout << boost::beast::http::to_string(route.method) << " " << route.pattern << " -> " << route.upstream
                << " (" << gateway::AccessName(route.access) << ")\n";
    }
    return 0;
  }
  try {
    return Serve();
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-gateway: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}

#include <cctype>
#include <chrono>
#include <sstream>
#include <stdexcept>

#include "services/gateway/src/gateway.hpp"

namespace mp::gateway {

namespace {

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

}  // namespace

GatewayOptions GatewayOptions::FromEnv(config::Env& env) {
  GatewayOptions options;
  options.rate_limit_per_minute = static_cast<int>(env.Int("MP_RATE_LIMIT_PER_MINUTE", 60, 1, 1'000'000));
  options.strict_rate_limit_per_minute =
      static_cast<int>(env.Int("MP_AUTH_RATE_LIMIT_PER_MINUTE", 20, 1, 1'000'000));
  options.rate_limit_local_share = double(env.Int("MP_RATE_LIMIT_LOCAL_PERCENT", 10, 0, 50)) / 100.0;
  options.revocation_cache = env.Bool("MP_REVOCATION_CACHE", true);
  options.cors_origins =
      SplitList(env.String("MP_CORS_ORIGINS", "http://localhost:5173,http://127.0.0.1:5173"));
  for (auto& proxy : SplitList(env.String("MP_TRUSTED_PROXIES", ""))) {
    try {
      options.trusted_proxies.Add(proxy);
    } catch (const std::invalid_argument& error) {
      env.Problem(std::string("MP_TRUSTED_PROXIES: ") + error.what());
    }
  }
  options.client.request_timeout =
      std::chrono::milliseconds(env.Int("MP_UPSTREAM_TIMEOUT_MS", 10'000, 100, 600'000));
  options.client.connect_timeout =
      std::chrono::milliseconds(env.Int("MP_UPSTREAM_CONNECT_TIMEOUT_MS", 1'000, 50, 60'000));
  for (const auto& backend : Backends()) {
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
  return options;
}

}  // namespace mp::gateway

// docs/openapi.yaml and the gateway's route table must describe the same API: every route the gateway
// serves is documented, and nothing is documented that it does not serve.
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "services/gateway/src/routes.hpp"

namespace mp::gateway {
namespace {

// "GET /api/v1/admin/users/{user_id}" for every operation under `paths:` (2-space path keys, 4-space verbs).
std::set<std::string> SpecOperations() {
  std::ifstream in(MP_OPENAPI_FILE);
  EXPECT_TRUE(in) << "cannot read " << MP_OPENAPI_FILE;
  std::set<std::string> operations;
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (in_paths && !line.empty() && line[0] != ' ' && line[0] != '#') in_paths = false;
    if (!in_paths || line.empty() || line.back() != ':') continue;
    if (line.starts_with("  /")) {
      path = line.substr(2, line.size() - 3);
    } else if (line.starts_with("    ") && line[4] != ' ' && !path.empty()) {
      std::string verb = line.substr(4, line.size() - 5);
      if (verb != "get" && verb != "post" && verb != "put" && verb != "delete" && verb != "patch") continue;
      for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      operations.insert(verb.append(" ").append(path));
    }
  }
  return operations;
}

// The router's "{user_id:int}" is OpenAPI's "{user_id}".
std::set<std::string> RouterOperations() {
  std::set<std::string> operations;
  for (const auto& route : PublicRoutes()) {
    std::string pattern = route.pattern;
    for (auto pos = pattern.find(":int}"); pos != std::string::npos; pos = pattern.find(":int}")) {
      pattern.erase(pos, 4);
    }
    operations.insert(std::string(boost::beast::http::to_string(route.method)) + " " + pattern);
  }
  return operations;
}

TEST(OpenApi, EveryGatewayRouteIsDocumented) {
  auto spec = SpecOperations();
  for (const auto& op : RouterOperations())
    EXPECT_TRUE(spec.contains(op)) << op << " is missing from docs/openapi.yaml";
}

TEST(OpenApi, EveryDocumentedRouteIsServed) {
  auto served = RouterOperations();
  for (const auto& op : SpecOperations()) {
    if (!op.starts_with("GET /api/") && !op.starts_with("POST /api/") && !op.starts_with("PUT /api/") &&
        !op.starts_with("DELETE /api/")) {
      continue;  // /health, /ready, /metrics, /docs are the gateway's own
    }
    EXPECT_TRUE(served.contains(op)) << op << " is documented but the gateway does not route it";
  }
}

}  // namespace
}  // namespace mp::gateway

#include "services/gateway/src/docs_site.hpp"

#include <fstream>
#include <sstream>

#include "libs/core/error.hpp"
#include "libs/core/log.hpp"
#include "libs/http/envelope.hpp"

namespace mp::gateway {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

constexpr std::string_view kSwaggerPage = R"html(<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Service Marketplace API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/openapi.yaml", dom_id: "#swagger-ui", deepLinking: true});
  </script>
</body>
</html>
)html";

}  // namespace

DocsSite::DocsSite(const std::filesystem::path& openapi_file, const std::filesystem::path& swagger_dir) {
  openapi_ = ReadFile(openapi_file);
  if (openapi_.empty())
    log::Warn("OpenAPI file not found; /openapi.yaml will answer 404", {{"path", openapi_file.string()}});
  for (auto [name, type] :
       {std::pair{"swagger-ui.css", "text/css"}, std::pair{"swagger-ui-bundle.js", "text/javascript"},
        std::pair{"favicon-32x32.png", "image/png"}}) {
    std::string body = ReadFile(swagger_dir / name);
    if (body.empty()) {
      log::Warn("Swagger UI file not found; run ./marketplace deps",
                {{"path", (swagger_dir / name).string()}});
      continue;
    }
    swagger_[name] = {std::move(body), type};
  }
}

void DocsSite::Register(http::Router& router) const {
  using http::Verb;
  router.Add(Verb::get, "/openapi.yaml", [this](http::Context&) -> boost::asio::awaitable<http::Response> {
    if (openapi_.empty()) throw ApiError::NotFound("docs/openapi.yaml was not found by the gateway");
    co_return http::Text(http::Status::ok, openapi_, "application/yaml");
  });
  router.Add(Verb::get, "/docs", [](http::Context&) -> boost::asio::awaitable<http::Response> {
    co_return http::Text(http::Status::ok, std::string(kSwaggerPage), "text/html; charset=utf-8");
  });
  router.Add(Verb::get, "/docs/{file}",
             [this](http::Context& context) -> boost::asio::awaitable<http::Response> {
               auto it = swagger_.find(context.Param("file"));
               if (it == swagger_.end()) throw ApiError::NotFound("No such documentation file");
               auto response = http::Text(http::Status::ok, it->second.body, it->second.content_type);
               response.set(boost::beast::http::field::cache_control, "public, max-age=3600");
               co_return response;
             });
  router.Add(Verb::get, "/", [](http::Context&) -> boost::asio::awaitable<http::Response> {
    co_return http::Json(
        http::Status::ok,
        {{"service", "gateway"}, {"version", "1.0.0"}, {"api", "/api/v1"}, {"docs", "/docs"}});
  });
}

}  // namespace mp::gateway

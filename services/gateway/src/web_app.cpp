#include "services/gateway/src/web_app.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include <boost/beast/http/field.hpp>

#include "libs/core/log.hpp"
#include "libs/http/envelope.hpp"

namespace mp::gateway {
namespace {

std::string_view ContentType(const std::filesystem::path& path) {
  static const std::map<std::string, std::string_view, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".jpg", "image/jpeg"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  auto it = kTypes.find(path.extension().string());
  return it == kTypes.end() ? std::string_view("application/octet-stream") : it->second;
}

// The app's own pages never leave this origin; the policy makes an injected script or a stray third-party
// URL fail loudly instead of working.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

}  // namespace

WebApp::WebApp(const std::filesystem::path& dist) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dist / "index.html", ec)) {
    log::Warn("web app not built; / serves the API summary (./marketplace up builds web/)",
              {{"path", dist.string()}});
    return;
  }
  for (auto it = std::filesystem::recursive_directory_iterator(dist, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    std::string url = "/" + std::filesystem::relative(it->path(), dist).generic_string();
    std::string cache = url == "/index.html"          ? "no-cache"
                        : url.starts_with("/assets/") ? "public, max-age=31536000, immutable"
                                                      : "public, max-age=3600";
    files_[url] = {body.str(), std::string(ContentType(it->path())), std::move(cache)};
  }
  log::Info("web app loaded", {{"path", dist.string()}, {"files", files_.size()}});
}

http::Response WebApp::Send(const File& file) const {
  auto response = http::Text(http::Status::ok, file.body, file.content_type);
  response.set(boost::beast::http::field::cache_control, file.cache_control);
  response.set("X-Content-Type-Options", "nosniff");
  if (file.content_type.starts_with("text/html")) {
    response.set("Content-Security-Policy", kContentSecurityPolicy);
    response.set("Referrer-Policy", "same-origin");
  }
  return response;
}

std::optional<http::Response> WebApp::Serve(const http::Context& context, const http::Router& router) const {
  if (files_.empty() || context.request().method() != http::Verb::get) return std::nullopt;
  const std::string_view path = context.path();
  // The API's and the services' internal paths get the API's own 404 (JSON), never the app's page.
  if (path.starts_with("/api/") || path.starts_with("/internal/") || path == "/internal") return std::nullopt;
  if (path == "/") return Send(files_.find("/index.html")->second);
  if (auto it = files_.find(path); it != files_.end()) return Send(it->second);
  // A path of the app (history mode): index.html, unless the gateway has a route for it (/docs, /health...).
  if (path.starts_with("/assets/") ||
      router.Find(http::Verb::get, path).kind != http::Router::Match::Kind::kNotFound) {
    return std::nullopt;
  }
  return Send(files_.find("/index.html")->second);
}

}  // namespace mp::gateway

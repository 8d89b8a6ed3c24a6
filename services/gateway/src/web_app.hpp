#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "libs/http/context.hpp"
#include "libs/http/router.hpp"

// The web front end (web/, a Vue single-page app built by Vite into web/dist), served at / from memory:
// files are read once at start. Hashed assets (/assets/*) are cached for a year, index.html never (so a
// new build is picked up at once), other files for an hour. Any other GET that no route of the gateway
// takes and that is not under /api/ gets index.html, so the app's history-mode URLs (/customer/orders/7)
// survive a reload. Without a build the gateway runs as before (GET / answers its JSON summary).
namespace mp::gateway {

class WebApp {
 public:
  explicit WebApp(const std::filesystem::path& dist);

  bool loaded() const { return !files_.empty(); }
  std::size_t files() const { return files_.size(); }
  // The response for this request, or nullopt to let the router handle it.
  std::optional<http::Response> Serve(const http::Context& context, const http::Router& router) const;

 private:
  struct File {
    std::string body;
    std::string content_type;
    std::string cache_control;
  };
  http::Response Send(const File& file) const;

  std::map<std::string, File, std::less<>> files_;  // "/index.html", "/assets/index-1a2b.js", ...
};

}  // namespace mp::gateway

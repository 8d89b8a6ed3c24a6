#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "libs/http/router.hpp"

// The API documentation the gateway serves: /openapi.yaml (docs/openapi.yaml) and Swagger UI at /docs
// (files of the swagger-ui-dist npm package, read into memory at start).
namespace mp::gateway {

class DocsSite {
 public:
  // Missing files are logged and their routes answer 404 with a hint, so a gateway without docs still runs.
  DocsSite(const std::filesystem::path& openapi_file, const std::filesystem::path& swagger_dir);
  void Register(http::Router& router) const;

 private:
  struct File {
    std::string body;
    std::string content_type;
  };
  std::string openapi_;
  std::map<std::string, File, std::less<>> swagger_;
};

}  // namespace mp::gateway

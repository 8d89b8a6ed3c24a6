#include "services/gateway/src/web_app.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "libs/http/envelope.hpp"

namespace mp::gateway {
namespace {

namespace fs = std::filesystem;

class WebAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dist_ = fs::temp_directory_path() / ("mp-web-app-test-" + std::to_string(::getpid()));
    fs::create_directories(dist_ / "assets");
    Write("index.html", "<!doctype html><title>app</title>");
    Write("assets/index-1a2b3c.js", "console.log(1)");
    Write("favicon.ico", "ico");
    router_.Add(http::Verb::get, "/docs", [](http::Context&) -> boost::asio::awaitable<http::Response> {
      co_return http::Text(http::Status::ok, "docs", "text/html");
    });
  }
  void TearDown() override { fs::remove_all(dist_); }

  void Write(const std::string& name, const std::string& body) { std::ofstream(dist_ / name) << body; }

  std::optional<http::Response> Get(const WebApp& web, const std::string& target,
                                    http::Verb verb = http::Verb::get) {
    http::Request request{verb, target, 11};
    http::Context context(request, "127.0.0.1");
    return web.Serve(context, router_);
  }

  fs::path dist_;
  http::Router router_;
};

TEST_F(WebAppTest, ServesFilesWithTheirTypesAndCaching) {
  WebApp web(dist_);
  ASSERT_TRUE(web.loaded());
  EXPECT_EQ(web.files(), 3u);

  auto index = Get(web, "/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body(), "<!doctype html><title>app</title>");
  EXPECT_EQ((*index)[boost::beast::http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ((*index)[boost::beast::http::field::cache_control], "no-cache");
  EXPECT_FALSE((*index)["Content-Security-Policy"].empty());

  auto script = Get(web, "/assets/index-1a2b3c.js?v=1");
  ASSERT_TRUE(script);
  EXPECT_EQ((*script)[boost::beast::http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ((*script)[boost::beast::http::field::cache_control], "public, max-age=31536000, immutable");
  EXPECT_EQ((*Get(web, "/favicon.ico"))[boost::beast::http::field::cache_control], "public, max-age=3600");
}

TEST_F(WebAppTest, AppPathsGetIndexButApiGatewayRoutesAndMissingAssetsDoNot) {
  WebApp web(dist_);
  auto deep = Get(web, "/customer/orders/7");
  ASSERT_TRUE(deep) << "history-mode URL";
  EXPECT_EQ(deep->body(), "<!doctype html><title>app</title>");
  EXPECT_FALSE(Get(web, "/api/v1/nothing")) << "the API's own 404";
  EXPECT_FALSE(Get(web, "/internal/v1/orders/1")) << "internal paths are not the app's";
  EXPECT_FALSE(Get(web, "/internal")) << "internal paths are not the app's";
  EXPECT_FALSE(Get(web, "/docs")) << "a gateway route";
  EXPECT_FALSE(Get(web, "/assets/missing-123.js")) << "a stale asset is a 404, not HTML";
  EXPECT_FALSE(Get(web, "/", http::Verb::post));
  EXPECT_FALSE(Get(web, "/../../etc/passwd").value().body().find("root:") != std::string::npos);
}

TEST_F(WebAppTest, WithoutABuildNothingIsServed) {
  WebApp web(dist_ / "missing");
  EXPECT_FALSE(web.loaded());
  EXPECT_FALSE(Get(web, "/"));
}

}  // namespace
}  // namespace mp::gateway

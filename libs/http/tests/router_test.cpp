#include "libs/http/router.hpp"

#include <gtest/gtest.h>

#include "libs/http/envelope.hpp"

namespace mp::http {
namespace {

Handler Named(const std::string& name) {
  return [name](Context&) -> boost::asio::awaitable<Response> { co_return Ok(name); };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router.Add(Verb::get, "/api/v1/admin/orders/pending-review", Named("pending"));
    router.Add(Verb::get, "/api/v1/admin/orders/{order_id:int}", Named("detail"));
    router.Add(Verb::put, "/api/v1/admin/orders/{order_id:int}", Named("update"));
    router.Add(Verb::get, "/files/{name}", Named("file"));
  }
  Router router;
};

TEST_F(RouterTest, LiteralRouteDeclaredFirstWins) {
  auto match = router.Find(Verb::get, "/api/v1/admin/orders/pending-review");
  ASSERT_EQ(match.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(match.route->pattern, "/api/v1/admin/orders/pending-review");
}

TEST_F(RouterTest, IntParameterIsCaptured) {
  auto match = router.Find(Verb::put, "/api/v1/admin/orders/42");
  ASSERT_EQ(match.kind, Router::Match::Kind::kFound);
  ASSERT_EQ(match.params.size(), 1u);
  EXPECT_EQ(match.params[0].first, "order_id");
  EXPECT_EQ(match.params[0].second, "42");
}

TEST_F(RouterTest, NonNumericIdIsABadParameterNotAMissingRoute) {
  for (const char* path :
       {"/api/v1/admin/orders/abc", "/api/v1/admin/orders/0", "/api/v1/admin/orders/-1",
        "/api/v1/admin/orders/99999999999999999999", "/api/v1/admin/orders/9007199254740992",
        "/api/v1/admin/orders/1000000000000000000", "/api/v1/admin/orders/007"}) {
    auto match = router.Find(Verb::get, path);
    EXPECT_EQ(match.kind, Router::Match::Kind::kBadParam) << path;
    EXPECT_EQ(match.bad_param, "order_id");
  }
}

TEST_F(RouterTest, IdsRunFromOneToTheLargestExactJsonInteger) {
  auto match = router.Find(Verb::get, "/api/v1/admin/orders/9007199254740991");
  ASSERT_EQ(match.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(match.params[0].second, "9007199254740991");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto match = router.Find(Verb::delete_, "/api/v1/admin/orders/7");
  EXPECT_EQ(match.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET, PUT");
}

TEST_F(RouterTest, UnknownPathIs404AndTrailingSlashIsIgnored) {
  EXPECT_EQ(router.Find(Verb::get, "/api/v1/nothing").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.Find(Verb::get, "/api/v1/admin/orders/7/").kind, Router::Match::Kind::kFound);
  EXPECT_EQ(router.Find(Verb::get, "/files/readme.md").kind, Router::Match::Kind::kFound);
}

TEST_F(RouterTest, TableListsEveryRoute) {
  EXPECT_EQ(router.Table(),
            "GET /api/v1/admin/orders/pending-review\nGET /api/v1/admin/orders/{order_id:int}\n"
            "PUT /api/v1/admin/orders/{order_id:int}\nGET /files/{name}\n");
}

}  // namespace
}  // namespace mp::http

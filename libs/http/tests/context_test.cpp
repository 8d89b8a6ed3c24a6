#include "libs/http/context.hpp"

#include <gtest/gtest.h>

#include "libs/core/error.hpp"
#include "libs/http/envelope.hpp"

namespace mp::http {
namespace {

TEST(Context, QueryParametersAreDecoded) {
  Request request{Verb::get, "/x?keyword=a%20b+c&skills=x&skills=y&empty=&bad=%zz", 11};
  Context context(request, "127.0.0.1");
  EXPECT_EQ(context.path(), "/x");
  EXPECT_EQ(context.Query("keyword"), "a b c");
  EXPECT_EQ(context.QueryAll("skills"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(context.Query("empty"), "");
  EXPECT_EQ(context.Query("bad"), "%zz");
  EXPECT_FALSE(context.Query("missing"));
}

TEST(Context, BodyMustBeAJsonObject) {
  auto kind_of = [](std::string body, const std::string& content_type) {
    Request request{Verb::post, "/x", 11};
    if (!content_type.empty()) request.set(boost::beast::http::field::content_type, content_type);
    request.body() = std::move(body);
    Context context(request, "");
    try {
      context.Body();
      return std::string("ok");
    } catch (const ApiError& e) {
      return std::to_string(static_cast<int>(StatusOf(e.kind())));
    }
  };
  EXPECT_EQ(kind_of("{\"a\":1}", "application/json"), "ok");
  EXPECT_EQ(kind_of("{\"a\":1}", "application/json; charset=utf-8"), "ok");
  EXPECT_EQ(kind_of("{\"a\":1}", ""), "ok");
  EXPECT_EQ(kind_of("{\"a\":", "application/json"), "400");
  EXPECT_EQ(kind_of("[1,2]", "application/json"), "400");
  EXPECT_EQ(kind_of("", "application/json"), "400");
  EXPECT_EQ(kind_of("a=1", "application/x-www-form-urlencoded"), "415");
  // Media types are case-insensitive, with parameters; JSON is UTF-8.
  for (const char* json :
       {"APPLICATION/JSON", "Application/Json;Charset=UTF-8", " application/json ; charset=\"utf-8\"",
        "application/problem+json", "application/json; version=2"}) {
    EXPECT_EQ(kind_of("{\"a\":1}", json), "ok") << json;
  }
  for (const char* other : {"text/json", "application/jsonx", "application/json; charset=latin1", "json"}) {
    EXPECT_EQ(kind_of("{\"a\":1}", other), "415") << other;
  }
  // Nothing but white space may follow the JSON value; a NUL byte ended the parse early.
  EXPECT_EQ(kind_of(std::string("{\"a\":1}\0garbage", 15), "application/json"), "400");
  EXPECT_EQ(kind_of(std::string("{\"a\":1}\0", 8), "application/json"), "400");
  EXPECT_EQ(kind_of("{\"a\":1} x", "application/json"), "400");
  EXPECT_EQ(kind_of("{\"a\":1} \r\n\t", "application/json"), "ok");
  EXPECT_EQ(kind_of("{\"a\":\"x\\u0000y\"}", "application/json"),
            "ok");  // an escaped NUL in a string is text
}

TEST(Envelope, ErrorCarriesCodeAndDetails) {
  auto response = ErrorResponse(ApiError::Validation({{"price", "must be greater than 0"}}));
  EXPECT_EQ(response.result(), Status::unprocessable_entity);
  auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["success"], false);
  EXPECT_TRUE(body["data"].is_null());
  EXPECT_EQ(body["code"], "validation_failed");
  EXPECT_EQ(body["details"][0]["field"], "price");
  EXPECT_EQ(body["error"], "price: must be greater than 0");
}

TEST(Envelope, UnauthorizedSaysBearer) {
  auto response = ErrorResponse(ApiError::Unauthorized("Token expired"));
  EXPECT_EQ(response[boost::beast::http::field::www_authenticate], "Bearer");
}

}  // namespace
}  // namespace mp::http

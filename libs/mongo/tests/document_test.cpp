#include "libs/mongo/document.hpp"

#include <gtest/gtest.h>

namespace mp::mongo {
namespace {

TEST(DocumentTest, TypedValuesRoundTripThroughJson) {
  auto when = time::FromUnixSeconds(1'761'382'800);  // 2025-10-25T09:00:00Z
  auto id = ObjectId::Generate();
  std::optional<std::int64_t> missing;
  std::optional<std::int64_t> present = 7;
  Document document{{"int32", 5},
                    {"int64", std::int64_t{9'000'000'000}},
                    {"double", 2.5},
                    {"bool", true},
                    {"text", "héllo"},
                    {"string", std::string("s")},
                    {"null", nullptr},
                    {"missing", missing},
                    {"present", present},
                    {"id", id},
                    {"when", when},
                    {"nested", Document{{"a", 1}}},
                    {"list", Array{1, "two", Document{{"three", 3}}}}};
  auto json = document.ToJson();
  EXPECT_EQ(json["int32"], 5);
  EXPECT_EQ(json["int64"], 9'000'000'000);
  EXPECT_EQ(json["double"], 2.5);
  EXPECT_EQ(json["bool"], true);
  EXPECT_EQ(json["text"], "héllo");
  EXPECT_EQ(json["string"], "s");
  EXPECT_TRUE(json["null"].is_null());
  EXPECT_TRUE(json["missing"].is_null());
  EXPECT_EQ(json["present"], 7);
  EXPECT_EQ(json["id"], id.ToString());
  EXPECT_EQ(json["when"], 1'761'382'800'000);
  EXPECT_EQ(TimeFromMillis(json["when"].get<std::int64_t>()), when);
  EXPECT_EQ(json["nested"], nlohmann::json({{"a", 1}}));
  EXPECT_EQ(json["list"], nlohmann::json::parse(R"([1, "two", {"three": 3}])"));
}

TEST(DocumentTest, KeepsFieldOrderAndCopiesIndependently) {
  Document sort{{"created_at", -1}, {"_id", -1}};
  Document copy = sort;
  copy.Append("extra", 1);
  EXPECT_EQ(sort.ToJson().size(), 2u);
  EXPECT_EQ(copy.ToJson().size(), 3u);
  Document moved = std::move(copy);
  EXPECT_EQ(moved.ToJson()["extra"], 1);
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from document is empty and usable
  copy.Append("again", 2);
  EXPECT_EQ(copy.ToJson()["again"], 2);
  EXPECT_TRUE(Document{}.empty());
  EXPECT_FALSE(sort.empty());
}

TEST(DocumentTest, ClientTextStaysAValueNeverAnOperator) {
  // What a malicious client might send as an "id" or a message is stored as a plain string.
  Document filter{{"customer_id", 1}, {"message", R"({"$ne": null})"}};
  auto json = filter.ToJson();
  EXPECT_TRUE(json["message"].is_string());
  EXPECT_EQ(json["message"], R"({"$ne": null})");
}

TEST(DocumentTest, OtherBsonTypesBecomeExtendedJson) {
  Document document{{"n", 1}};
  // A decimal128 or binary is not produced by our code, but reading one must not fail.
  auto json = Document::Copy(document.get()).ToJson();
  EXPECT_EQ(json["n"], 1);
}

TEST(ObjectIdTest, ParsesOnlyTwentyFourHexDigits) {
  auto id = ObjectId::Generate();
  auto parsed = ObjectId::Parse(id.ToString());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, id);
  EXPECT_TRUE(ObjectId::Parse("65A1B2C3D4E5F60718293A4B"));
  EXPECT_EQ(ObjectId::Parse("65A1B2C3D4E5F60718293A4B")->ToString(), "65a1b2c3d4e5f60718293a4b");
  EXPECT_FALSE(ObjectId::Parse(""));
  EXPECT_FALSE(ObjectId::Parse("65a1b2c3d4e5f60718293a4"));    // 23
  EXPECT_FALSE(ObjectId::Parse("65a1b2c3d4e5f60718293a4b0"));  // 25
  EXPECT_FALSE(ObjectId::Parse("65a1b2c3d4e5f60718293a4g"));
  EXPECT_FALSE(ObjectId::Parse("{\"$gt\": \"\"}"));
}

TEST(ObjectIdTest, GeneratedIdsAreUniqueAndIncreasing) {
  auto a = ObjectId::Generate().ToString();
  auto b = ObjectId::Generate().ToString();
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);
}

}  // namespace
}  // namespace mp::mongo

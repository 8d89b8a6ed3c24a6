#include "libs/cache/resp.hpp"

#include <gtest/gtest.h>

namespace mp::cache {
namespace {

TEST(Resp, EncodesACommandAsAnArrayOfBulkStrings) {
  EXPECT_EQ(EncodeCommand({"SET", "k", "v"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  EXPECT_EQ(EncodeCommand({"PING"}), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(EncodeCommand({"GET", ""}), "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");
}

TEST(Resp, EncodingIsBinarySafe) {
  const std::string value("a\r\n$3\0b", 7);
  EXPECT_EQ(EncodeCommand({"SET", "k", value}),
            std::string("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$7\r\na\r\n$3\0b\r\n", 33));
}

TEST(Resp, AppendCommandBuildsAPipeline) {
  std::string out;
  AppendCommand(out, {"INCR", "a"});
  AppendCommand(out, {"GET", "a"});
  EXPECT_EQ(out, "*2\r\n$4\r\nINCR\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n");
}

TEST(Resp, ParsesEveryReplyType) {
  ReplyParser parser;
  parser.Feed(
      "+OK\r\n-ERR bad\r\n:-42\r\n$5\r\nhe\r\nl\r\n$-1\r\n*-1\r\n"
      "*3\r\n:1\r\n*1\r\n$1\r\nx\r\n$-1\r\n");
  auto status = parser.Next();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->type, Reply::Type::kStatus);
  EXPECT_EQ(status->str, "OK");
  auto error = parser.Next();
  EXPECT_EQ(error->type, Reply::Type::kError);
  EXPECT_EQ(error->str, "ERR bad");
  auto integer = parser.Next();
  EXPECT_EQ(integer->type, Reply::Type::kInteger);
  EXPECT_EQ(integer->integer, -42);
  auto bulk = parser.Next();
  EXPECT_EQ(bulk->type, Reply::Type::kString);
  EXPECT_EQ(bulk->str, "he\r\nl");
  EXPECT_TRUE(parser.Next()->nil());
  EXPECT_TRUE(parser.Next()->nil());  // nil array
  auto array = parser.Next();
  ASSERT_EQ(array->type, Reply::Type::kArray);
  ASSERT_EQ(array->elements.size(), 3u);
  EXPECT_EQ(array->elements[0].integer, 1);
  ASSERT_EQ(array->elements[1].elements.size(), 1u);
  EXPECT_EQ(array->elements[1].elements[0].str, "x");
  EXPECT_TRUE(array->elements[2].nil());
  EXPECT_FALSE(parser.Next());
}

TEST(Resp, ParsesRepliesFedOneByteAtATime) {
  const std::string wire = "*2\r\n$3\r\nfoo\r\n:7\r\n+PONG\r\n";
  ReplyParser parser;
  std::vector<Reply> replies;
  for (const char c : wire) {
    parser.Feed(std::string_view(&c, 1));
    while (auto reply = parser.Next()) replies.push_back(std::move(*reply));
  }
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].elements[0].str, "foo");
  EXPECT_EQ(replies[0].elements[1].integer, 7);
  EXPECT_EQ(replies[1].str, "PONG");
}

TEST(Resp, ParsesBinaryBulkStrings) {
  ReplyParser parser;
  parser.Feed(std::string("$3\r\na\0b\r\n", 9));
  EXPECT_EQ(parser.Next()->str, std::string("a\0b", 3));
}

TEST(Resp, ProtocolErrorThrows) {
  ReplyParser parser;
  parser.Feed("?what\r\n");
  EXPECT_THROW(parser.Next(), RedisError);
}

}  // namespace
}  // namespace mp::cache

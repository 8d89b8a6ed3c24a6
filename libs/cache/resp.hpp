#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;  // hiredis, kept out of this header

// RESP (the Redis protocol): commands are encoded here, replies are parsed by hiredis's reader, which we
// use only as a parser — the transport is ours (libs/cache/redis.hpp).
namespace mp::cache {

// Redis unreachable, timed out, protocol broken, or an error reply (server_reply() is then true and
// what() is Redis's message, e.g. "WRONGTYPE Operation against a key holding the wrong kind of value").
class RedisError : public std::runtime_error {
 public:
  explicit RedisError(const std::string& message, bool server_reply = false)
      : std::runtime_error(message), server_reply_(server_reply) {}
  bool server_reply() const { return server_reply_; }

 private:
  bool server_reply_;
};

// An owning copy of a hiredis reply.
struct Reply {
  enum class Type { kString, kStatus, kInteger, kNil, kError, kArray };
  Type type = Type::kNil;
  std::string str;              // kString, kStatus, kError
  std::int64_t integer = 0;     // kInteger
  std::vector<Reply> elements;  // kArray

  bool nil() const { return type == Type::kNil; }
};

// "*N\r\n$len\r\narg\r\n..." — binary safe: arguments may contain any bytes.
std::string EncodeCommand(const std::vector<std::string>& args);
void AppendCommand(std::string& out, const std::vector<std::string>& args);

// Incremental reply parser: feed bytes as they arrive, take complete replies out in order.
class ReplyParser {
 public:
  ReplyParser();
  void Feed(std::string_view bytes);  // throws RedisError after a protocol error
  std::optional<Reply> Next();        // nullopt: more bytes needed; throws RedisError on a protocol error

 private:
  struct FreeReader {
    void operator()(redisReader* reader) const;
  };
  std::unique_ptr<redisReader, FreeReader> reader_;
};

}  // namespace mp::cache

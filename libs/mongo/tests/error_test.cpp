#include "libs/mongo/error.hpp"

#include <cstdlib>

#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include "libs/mongo/options.hpp"

namespace mp::mongo {
namespace {

TEST(ErrorTest, DuplicateKeyOnlyFromTheServer) {
  EXPECT_TRUE(Error(MONGOC_ERROR_SERVER, 11000, "E11000").duplicate_key());
  EXPECT_TRUE(Error(MONGOC_ERROR_WRITE_CONCERN, 11000, "E11000").duplicate_key());
  EXPECT_FALSE(Error(MONGOC_ERROR_SERVER, 2, "bad value").duplicate_key());
  EXPECT_FALSE(Error(MONGOC_ERROR_STREAM, 11000, "not a server code").duplicate_key());
  EXPECT_FALSE(Error(MONGOC_ERROR_SERVER, 11000, "E11000").unavailable());
}

TEST(ErrorTest, UnreachableServerIsUnavailable) {
  EXPECT_TRUE(
      Error(MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE, "no server").unavailable());
  EXPECT_TRUE(Error(MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_CONNECT, "refused").unavailable());
  EXPECT_TRUE(Error(MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET, "timeout").unavailable());
  EXPECT_TRUE(Error(MONGOC_ERROR_SERVER, 91, "ShutdownInProgress").unavailable());
  EXPECT_TRUE(Error(MONGOC_ERROR_SERVER, 10107, "NotWritablePrimary").unavailable());
  EXPECT_FALSE(Error(MONGOC_ERROR_SERVER, 2, "BadValue").unavailable());
  EXPECT_FALSE(Error(MONGOC_ERROR_COMMAND, MONGOC_ERROR_COMMAND_INVALID_ARG, "invalid").unavailable());
}

TEST(ErrorTest, WriteConflictsFromMongoDbAndTheLocalStore) {
  EXPECT_TRUE(Error(MONGOC_ERROR_SERVER, 112, "WriteConflict").write_conflict());
  // FerretDB passes PostgreSQL's refusal of an outdated write on as an InternalError.
  EXPECT_TRUE(
      Error(MONGOC_ERROR_SERVER, 1,
            "update in profiles: [...] ERROR: mp_write_conflict: the document changed after this update "
            "read it (SQLSTATE 40001)")
          .write_conflict());
  EXPECT_FALSE(Error(MONGOC_ERROR_SERVER, 1, "some other internal error").write_conflict());
  EXPECT_FALSE(Error(MONGOC_ERROR_STREAM, 112, "not a server code").write_conflict());
  // One that outlasted the update's own attempts: try again later.
  EXPECT_TRUE(Error(MONGOC_ERROR_SERVER, 112, "WriteConflict").unavailable());
}

TEST(ErrorTest, TranslatesOnlyUnavailableToA503) {
  auto api = ToApiError(Error(MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE, "down"));
  ASSERT_TRUE(api);
  EXPECT_EQ(api->kind(), ApiError::Kind::kUnavailable);
  EXPECT_EQ(api->code(), "store_unavailable");
  EXPECT_FALSE(ToApiError(Error(MONGOC_ERROR_SERVER, 11000, "E11000")));
  EXPECT_FALSE(ToApiError(std::runtime_error("other")));
}

TEST(OptionsTest, ReadsTheEnvironmentWithDefaults) {
  ::unsetenv("MP_MONGO_URI");
  ::unsetenv("MP_MONGO_DATABASE");
  config::Env env;
  auto options = FromEnv(env, "notification_db", "notification");
  env.Validate();
  EXPECT_EQ(options.uri, "mongodb://127.0.0.1:27017/");
  EXPECT_EQ(options.database, "notification_db");
  EXPECT_EQ(options.server_selection_timeout, std::chrono::milliseconds(2000));

  ::setenv("MP_MONGO_URI", "http://nope", 1);
  config::Env bad;
  FromEnv(bad, "notification_db");
  EXPECT_THROW(bad.Validate(), config::ConfigError);
  ::unsetenv("MP_MONGO_URI");
}

}  // namespace
}  // namespace mp::mongo

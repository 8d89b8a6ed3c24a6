#include "libs/core/config.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

namespace mp::config {
namespace {

TEST(Env, ReportsEveryProblemAtOnce) {
  setenv("MP_TEST_PORT", "99999", 1);
  setenv("MP_TEST_FLAG", "maybe", 1);
  unsetenv("MP_TEST_REQUIRED");
  Env env;
  EXPECT_EQ(env.Int("MP_TEST_PORT", 80, 1, 65535), 80);
  env.Bool("MP_TEST_FLAG", false);
  env.RequiredString("MP_TEST_REQUIRED");
  try {
    env.Validate();
    FAIL();
  } catch (const ConfigError& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("MP_TEST_PORT"), std::string::npos);
    EXPECT_NE(text.find("MP_TEST_FLAG"), std::string::npos);
    EXPECT_NE(text.find("MP_TEST_REQUIRED"), std::string::npos);
  }
}

TEST(Env, TlsModes) {
  Env env;
  unsetenv("MP_TEST_TLS");
  EXPECT_EQ(env.Tls("MP_TEST_TLS"), TlsMode::kDisabled);
  setenv("MP_TEST_TLS", "required", 1);
  EXPECT_EQ(env.Tls("MP_TEST_TLS"), TlsMode::kRequired);
  setenv("MP_TEST_TLS", "verify-identity", 1);
  EXPECT_EQ(env.Tls("MP_TEST_TLS"), TlsMode::kVerifyIdentity);
  EXPECT_NO_THROW(env.Validate());
  setenv("MP_TEST_TLS", "yes", 1);
  EXPECT_EQ(env.Tls("MP_TEST_TLS"), TlsMode::kDisabled);
  try {
    env.Validate();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("MP_TEST_TLS must be one of disabled, required, verify-identity"),
              std::string::npos);
  }
  unsetenv("MP_TEST_TLS");
}

TEST(Env, ProductionRefusesTheDefaultSecret) {
  setenv("MP_ENV", "production", 1);
  unsetenv("MP_TEST_SECRET");
  Env env;
  env.Secret("MP_TEST_SECRET", "local-dev-secret");
  EXPECT_THROW(env.Validate(), ConfigError);
  unsetenv("MP_ENV");
  Env local;
  EXPECT_EQ(local.Secret("MP_TEST_SECRET", "local-dev-secret"), "local-dev-secret");
  EXPECT_NO_THROW(local.Validate());
}

}  // namespace
}  // namespace mp::config

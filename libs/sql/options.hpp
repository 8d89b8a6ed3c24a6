#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "libs/core/config.hpp"

namespace mp::sql {

using Tls = config::TlsMode;

struct Options {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  std::size_t pool_size = 8;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  std::chrono::milliseconds acquire_timeout{2000};
  Tls tls = Tls::kDisabled;
  std::string tls_ca;  // a PEM file of CA certificates
};

// MP_MYSQL_HOST, MP_MYSQL_PORT, MP_MYSQL_USER, MP_MYSQL_PASSWORD, MP_MYSQL_DATABASE, MP_MYSQL_POOL_SIZE,
// MP_MYSQL_TLS (disabled | required | verify-identity), MP_MYSQL_TLS_CA.
// Problems are collected in `env`; the caller calls env.Validate().
Options FromEnv(config::Env& env, std::string_view default_database = "marketplace");

}  // namespace mp::sql

#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "libs/core/config.hpp"

namespace mp::bus {

struct AmqpOptions {
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string user;
  std::string password;
  std::string vhost = "/";
  // Connect, login, each RPC, and waiting for publisher confirms.
  std::chrono::milliseconds timeout{5000};
  // TLS (AMQPS), config::TlsMode; tls_ca: a PEM file of CA certificates (empty: the system's).
  using Tls = config::TlsMode;
  Tls tls = Tls::kDisabled;
  std::string tls_ca;
};

// MP_AMQP_HOST, MP_AMQP_PORT, MP_AMQP_USER, MP_AMQP_PASSWORD, MP_AMQP_VHOST, MP_AMQP_TLS (disabled |
// required | verify-identity), MP_AMQP_TLS_CA. Problems are collected in
// `env`; the caller calls env.Validate().
AmqpOptions FromEnv(config::Env& env);

// The broker refused or could not be reached.
class AmqpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mp::bus

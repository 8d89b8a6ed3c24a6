#include "libs/bus/options.hpp"

namespace mp::bus {

AmqpOptions FromEnv(config::Env& env) {
  AmqpOptions options;
  options.host = env.String("MP_AMQP_HOST", options.host);
  options.port = static_cast<int>(env.Int("MP_AMQP_PORT", options.port, 1, 65535));
  options.user = env.String("MP_AMQP_USER", "marketplace");
  options.password = env.Secret("MP_AMQP_PASSWORD", "marketplace", 12);
  options.vhost = env.String("MP_AMQP_VHOST", options.vhost);
  options.tls = env.Tls("MP_AMQP_TLS");
  options.tls_ca = env.String("MP_AMQP_TLS_CA", "");
  return options;
}

}  // namespace mp::bus

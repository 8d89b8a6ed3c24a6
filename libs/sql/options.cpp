#include "libs/sql/options.hpp"

namespace mp::sql {

Options FromEnv(config::Env& env, std::string_view default_database) {
  Options options;
  options.host = env.String("MP_MYSQL_HOST", options.host);
  options.port = static_cast<int>(env.Int("MP_MYSQL_PORT", options.port, 1, 65535));
  options.user = env.String("MP_MYSQL_USER", "marketplace");
  options.password = env.Secret("MP_MYSQL_PASSWORD", "marketplace", 12);
  options.database = env.String("MP_MYSQL_DATABASE", default_database);
  options.pool_size = static_cast<std::size_t>(env.Int("MP_MYSQL_POOL_SIZE", 8, 1, 512));
  options.tls = env.Tls("MP_MYSQL_TLS");
  options.tls_ca = env.String("MP_MYSQL_TLS_CA", "");
  return options;
}

}  // namespace mp::sql

#include "libs/mongo/options.hpp"

namespace mp::mongo {

Options FromEnv(config::Env& env, std::string_view default_database, std::string_view app_name) {
  Options options;
  options.uri = env.String("MP_MONGO_URI", options.uri);
  options.database = env.String("MP_MONGO_DATABASE", default_database);
  options.app_name = std::string(app_name);
  options.max_pool_size = static_cast<std::size_t>(env.Int("MP_MONGO_POOL_SIZE", 32, 1, 1000));
  options.server_selection_timeout =
      std::chrono::milliseconds(env.Int("MP_MONGO_SERVER_SELECTION_TIMEOUT_MS", 2000, 100, 60'000));
  options.connect_timeout =
      std::chrono::milliseconds(env.Int("MP_MONGO_CONNECT_TIMEOUT_MS", 2000, 100, 60'000));
  options.socket_timeout =
      std::chrono::milliseconds(env.Int("MP_MONGO_SOCKET_TIMEOUT_MS", 5000, 100, 600'000));
  if (options.uri.rfind("mongodb://", 0) != 0 && options.uri.rfind("mongodb+srv://", 0) != 0) {
    env.Problem("MP_MONGO_URI must start with mongodb:// or mongodb+srv://");
  }
  if (options.database.empty()) env.Problem("MP_MONGO_DATABASE must not be empty");
  return options;
}

}  // namespace mp::mongo

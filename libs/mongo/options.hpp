#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "libs/core/config.hpp"

namespace mp::mongo {

struct Options {
  std::string uri = "mongodb://127.0.0.1:27017/";
  std::string database;  // the service's own database, e.g. "notification_db"
  std::string app_name;  // shown in the server's logs and currentOp
  std::size_t max_pool_size = 32;
  // Small on purpose: a store that is down gives a quick 503 (or a requeued event), not a hung request.
  // An option written in the URI itself wins over these.
  std::chrono::milliseconds server_selection_timeout{2000};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds socket_timeout{5000};
};

// MP_MONGO_URI, MP_MONGO_DATABASE (default `default_database`), MP_MONGO_POOL_SIZE,
// MP_MONGO_SERVER_SELECTION_TIMEOUT_MS, MP_MONGO_CONNECT_TIMEOUT_MS, MP_MONGO_SOCKET_TIMEOUT_MS. Problems
// are collected in `env`; the caller calls env.Validate().
Options FromEnv(config::Env& env, std::string_view default_database, std::string_view app_name = {});

}  // namespace mp::mongo

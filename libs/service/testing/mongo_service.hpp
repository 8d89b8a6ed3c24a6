#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>

#include "libs/mongo/database.hpp"
#include "libs/mongo/error.hpp"
#include "libs/mongo/options.hpp"
#include "libs/mongo/tests/test_database.hpp"
#include "libs/service/testing/in_process_service.hpp"

namespace mp::service::testing {

// An InProcessService on a MongoDB database of its own (dropped at the end), whose store failures answer as
// mongo::ToApiError maps them.
class MongoService : public InProcessService {
 public:
  mongo::Database& database() { return database_.get(); }

 protected:
  MongoService(std::string name, mongo::Options mongo, std::size_t blocking_threads,
               std::chrono::milliseconds upstream_timeout)
      : InProcessService(std::move(name), blocking_threads, upstream_timeout), database_(std::move(mongo)) {}

  template <class Api>
  void Serve(Api& api) {
    InProcessService::Serve(api, mongo::ToApiError);
  }

  mongo::test::ScopedDatabase database_;
};

}  // namespace mp::service::testing

// The schema includes the library's outbox migrations (libs/bus/migrations, ADR 0010).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/sql_outbox.hpp"
#include "services/auth/src/store/migrations.hpp"

namespace mp::auth::store {
namespace {

TEST(Schema, MigrationsIncludeEverySharedOutboxMigration) {
  EXPECT_EQ(bus::MissingOutboxMigrations(Migrations()), std::vector<std::string>{});
}

}  // namespace
}  // namespace mp::auth::store

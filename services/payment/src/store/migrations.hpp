#pragma once

#include <vector>

#include "libs/sql/migrate.hpp"

namespace mp::payment::store {

// services/payment/migrations/V*.sql, embedded at build time (mp_sql_migrations in CMakeLists.txt).
const std::vector<sql::Migration>& Migrations();

}  // namespace mp::payment::store

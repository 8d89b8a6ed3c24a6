#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libs/sql/pool.hpp"

namespace mp::sql {

// One schema step, normally embedded at build time from migrations/V<NNN>__<name>.sql by
// mp_sql_migrations() (see libs/sql/CMakeLists.txt).
struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Hex SHA-256 of the migration's SQL text, as stored in schema_migrations.checksum.
std::string MigrationChecksum(std::string_view sql);

// Applies, in version order, the migrations not yet recorded in schema_migrations, holding the MySQL
// named lock 'schema_migrations' so replicas starting together apply each step once. Throws Error when
// an applied migration's SQL has changed since (checksum mismatch), when two migrations share a version,
// or when a step fails. Versions recorded in the table but unknown to this binary (a newer replica
// migrated first) are logged, not refused.
void Migrate(Pool& pool, const std::vector<Migration>& migrations);

}  // namespace mp::sql

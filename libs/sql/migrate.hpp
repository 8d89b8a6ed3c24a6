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

// The earlier checksums an edited migration declares it replaces, one comment line each:
// "-- replaces checksum <hex>". An edit may declare them only when it leaves the schema a database migrated
// with the earlier text has unchanged (e.g. a table moved to a later migration that creates it IF NOT
// EXISTS).
std::vector<std::string> ReplacedChecksums(std::string_view sql);

// Applies, in version order, the migrations not yet recorded in schema_migrations, holding the MySQL
// named lock 'schema_migrations' so replicas starting together apply each step once. An applied migration
// whose SQL has changed since is accepted only when the new text lists the recorded checksum among those it
// replaces (the record then takes the new checksum). Throws Error on any other checksum mismatch, when two
// migrations share a version, or when a step fails. Versions recorded in the table but unknown to this
// binary (a newer replica migrated first) are logged, not refused.
void Migrate(Pool& pool, const std::vector<Migration>& migrations);

}  // namespace mp::sql

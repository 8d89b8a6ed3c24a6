#include "libs/sql/migrate.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "libs/core/log.hpp"
#include "libs/sql/error.hpp"

namespace mp::sql {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT NOT NULL PRIMARY KEY,"
    " name VARCHAR(255) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
constexpr std::string_view kGetLock = "SELECT GET_LOCK('schema_migrations', 30)";
constexpr std::string_view kReleaseLock = "SELECT RELEASE_LOCK('schema_migrations')";
constexpr std::string_view kSelectApplied = "SELECT version, name, checksum FROM schema_migrations";
constexpr std::string_view kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)";
constexpr std::string_view kUpdateChecksum = "UPDATE schema_migrations SET checksum = ? WHERE version = ?";
constexpr std::string_view kReplacesMarker = "-- replaces checksum ";

// Waiting for the lock and running DDL on a big table can take far longer than a request is allowed.
constexpr std::chrono::minutes kMigrationReadTimeout{10};

}  // namespace

std::vector<std::string> ReplacedChecksums(std::string_view sql) {
  std::vector<std::string> checksums;
  for (std::size_t at = sql.find(kReplacesMarker); at != std::string_view::npos;
       at = sql.find(kReplacesMarker, at + 1)) {
    if (at != 0 && sql[at - 1] != '\n') continue;
    std::string_view rest = sql.substr(at + kReplacesMarker.size());
    checksums.emplace_back(rest.substr(0, std::min(rest.find_first_of("\r\n"), rest.size())));
  }
  return checksums;
}

std::string MigrationChecksum(std::string_view sql) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(sql.data(), sql.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw Error(0, "SHA-256 failed");
  }
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

void Migrate(Pool& pool, const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  ordered.reserve(migrations.size());
  for (const auto& migration : migrations) ordered.push_back(&migration);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->version < b->version; });
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->version == ordered[i - 1]->version) {
      throw Error(0, fmt::format("two migrations have version {}: {} and {}", ordered[i]->version,
                                 ordered[i - 1]->name, ordered[i]->name));
    }
  }

  Options options = pool.options();
  options.read_timeout = std::max<std::chrono::milliseconds>(options.read_timeout, kMigrationReadTimeout);
  options.write_timeout = std::max<std::chrono::milliseconds>(options.write_timeout, kMigrationReadTimeout);
  Connection connection(options);

  auto locked = connection.Query(kGetLock);
  if (locked.empty() || locked[0].OptInt(0) != 1) {
    throw Error(0, "could not take the schema_migrations lock within 30 s (another replica is migrating?)");
  }
  try {
    connection.Execute(kCreateTable);
    std::map<int, std::pair<std::string, std::string>> applied;  // version -> (name, checksum)
    for (const Row& row : connection.Query(kSelectApplied)) {
      applied[static_cast<int>(row.Int(0))] = {row.String(1), row.String(2)};
    }
    for (const auto& [version, entry] : applied) {
      auto known =
          std::find_if(ordered.begin(), ordered.end(), [&](auto* m) { return m->version == version; });
      if (known == ordered.end()) {
        log::Warn("schema has a migration this binary does not know (a newer version ran?)",
                  {{"version", version}, {"name", entry.first}});
      }
    }
    for (const Migration* migration : ordered) {
      std::string checksum = MigrationChecksum(migration->sql);
      if (auto it = applied.find(migration->version); it != applied.end()) {
        const std::string& recorded = it->second.second;
        if (recorded != checksum) {
          auto replaced = ReplacedChecksums(migration->sql);
          if (std::find(replaced.begin(), replaced.end(), recorded) == replaced.end()) {
            throw Error(0,
                        fmt::format("migration V{:03}__{} was changed after it was applied (checksum {} in "
                                    "schema_migrations, {} now): add a new migration instead of editing it",
                                    migration->version, migration->name, recorded, checksum));
          }
          log::Info("migration was edited as it declares (schema unchanged); recording its new checksum",
                    {{"version", migration->version}, {"name", migration->name}, {"replaced", recorded}});
          connection.Execute(kUpdateChecksum, {checksum, std::int64_t{migration->version}});
        }
        continue;
      }
      log::Info("applying migration", {{"version", migration->version}, {"name", migration->name}});
      // MySQL commits DDL implicitly, so a step is not atomic: the record is written only once it all ran.
      connection.ExecuteScript(migration->sql);
      connection.Execute(kInsertApplied,
                         {std::int64_t{migration->version}, migration->name, checksum, time::Now()});
    }
  } catch (...) {
    try {
      connection.Query(kReleaseLock);
    } catch (const Error&) {
      // The lock dies with the session anyway.
    }
    throw;
  }
  connection.Query(kReleaseLock);
}

}  // namespace mp::sql

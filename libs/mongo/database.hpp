#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/mongo/document.hpp"
#include "libs/mongo/error.hpp"
#include "libs/mongo/options.hpp"

// libmongoc's own names, declared so that its header stays out of ours.
struct _mongoc_client_pool_t;  // NOLINT(bugprone-reserved-identifier)
struct _mongoc_client_t;       // NOLINT(bugprone-reserved-identifier)

// A small, blocking wrapper over libmongoc: one thread-safe client pool per process, a client popped and
// pushed back per operation, and the handful of operations services need. Every call may block up to the
// configured timeouts, so services run them on their blocking pool (app.blocking().Run(...)). Every
// failure throws mongo::Error.
namespace mp::mongo {

class Database;

struct FindOptions {
  Document sort;  // e.g. {{"created_at", -1}, {"_id", -1}}
  std::int64_t skip = 0;
  std::int64_t limit = 0;  // 0: no limit
  Document projection;     // empty: whole documents
};

struct UpdateResult {
  std::int64_t matched = 0;
  std::int64_t modified = 0;
};

struct IndexSpec {
  std::string name;
  Document keys;  // e.g. {{"customer_id", 1}, {"created_at", -1}}
  bool unique = false;
  bool sparse = false;  // only documents that have the key are indexed
};

// A collection of a Database; cheap to copy, valid while the Database lives.
class Collection {
 public:
  Collection(Database& database, std::string name) : database_(&database), name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  // Throws Error (duplicate_key() when a unique index already holds the document's key).
  void InsertOne(const Document& document);
  std::vector<nlohmann::json> Find(const Document& filter, const FindOptions& options = {});
  std::optional<nlohmann::json> FindOne(const Document& filter, const FindOptions& options = {});
  // countDocuments: exact, filtered.
  std::int64_t Count(const Document& filter);
  // A write conflict (Error::write_conflict) is tried again, up to a few hundred milliseconds. On a store
  // that applies an update as read, modify, write (FerretDB v1), an update is exact under concurrency only
  // for documents whose every update increments their `version` field (the local store refuses a write
  // based on an outdated read of such a document; docs/adr/0014-exact-updates-on-ferretdb.md).
  UpdateResult UpdateOne(const Document& filter, const Document& update);
  UpdateResult UpdateMany(const Document& filter, const Document& update);
  // Returns the number of documents deleted.
  std::int64_t DeleteMany(const Document& filter);
  // The createIndexes command; creating an index that exists with the same name and keys is a no-op.
  void CreateIndexes(const std::vector<IndexSpec>& indexes);

 private:
  Database* database_;
  std::string name_;
};

class Database {
 public:
  // Parses the URI (throws Error for an invalid one) and sets up the pool; connects lazily, so a service
  // can start while MongoDB is still coming up. Also installs the libmongoc log handler (mp::log).
  explicit Database(Options options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Collection collection(std::string name) { return Collection(*this, std::move(name)); }
  const std::string& name() const { return options_.database; }
  const Options& options() const { return options_; }

  // Runs a command on this database and returns the server's reply.
  nlohmann::json Command(const Document& command);
  // For /ready: the server answers `ping` within the server selection timeout.
  bool Ping();
  // Drops the whole database (tests).
  void Drop();

  std::size_t clients_in_use() const { return in_use_.load(); }  // a gauge for /metrics

  // A client taken from the pool for one operation; given back when it goes out of scope.
  class Lease {
   public:
    explicit Lease(Database& database);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    _mongoc_client_t* get() const { return client_; }

   private:
    Database& database_;
    _mongoc_client_t* client_;
  };

 private:
  Options options_;
  _mongoc_client_pool_t* pool_ = nullptr;
  std::atomic<std::size_t> in_use_{0};
};

// mongoc_init() once per process and libmongoc's log lines routed to mp::log (the default handler prints
// to stderr). Database's constructor calls it; idempotent.
void Initialize();

}  // namespace mp::mongo

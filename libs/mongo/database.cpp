#include "libs/mongo/database.hpp"

// clang (the linter's parser, not GCC) warns on every pointer to libbson's bson_t, which its headers declare
// 128-byte aligned; GCC lays the type out with that alignment.
#ifdef __clang__
#pragma clang diagnostic ignored "-Walign-mismatch"
#endif

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>

#include <mongoc/mongoc.h>

#include "libs/core/log.hpp"

namespace mp::mongo {
namespace {

struct UriDeleter {
  void operator()(mongoc_uri_t* uri) const { mongoc_uri_destroy(uri); }
};
struct CollectionDeleter {
  void operator()(mongoc_collection_t* collection) const { mongoc_collection_destroy(collection); }
};
struct DatabaseDeleter {
  void operator()(mongoc_database_t* database) const { mongoc_database_destroy(database); }
};
struct CursorDeleter {
  void operator()(mongoc_cursor_t* cursor) const { mongoc_cursor_destroy(cursor); }
};
using CollectionPtr = std::unique_ptr<mongoc_collection_t, CollectionDeleter>;
using DatabasePtr = std::unique_ptr<mongoc_database_t, DatabaseDeleter>;

// A reply libmongoc always initialises (even on failure), destroyed on scope exit.
struct Reply {
  bson_t bson{};
  Reply() { bson_init(&bson); }
  ~Reply() { bson_destroy(&bson); }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;

  std::int64_t Int(const char* key) const {
    bson_iter_t iter;
    if (bson_iter_init_find(&iter, &bson, key) && BSON_ITER_HOLDS_NUMBER(&iter)) {
      return bson_iter_as_int64(&iter);
    }
    return 0;
  }
};

void LogHandler(mongoc_log_level_t level, const char* domain, const char* message, void* /*user_data*/) {
  log::Level ours = log::Level::kDebug;
  switch (level) {
    case MONGOC_LOG_LEVEL_ERROR:
    case MONGOC_LOG_LEVEL_CRITICAL: ours = log::Level::kError; break;
    case MONGOC_LOG_LEVEL_WARNING: ours = log::Level::kWarn; break;
    case MONGOC_LOG_LEVEL_MESSAGE:
    case MONGOC_LOG_LEVEL_INFO: ours = log::Level::kInfo; break;
    default: ours = log::Level::kDebug; break;
  }
  // FerretDB does not implement endSessions, which libmongoc sends when a pool closes: not worth a warning.
  if (ours == log::Level::kWarn && message != nullptr &&
      std::string_view(message).find("endSessions") != std::string_view::npos) {
    ours = log::Level::kDebug;
  }
  if (!log::Enabled(ours)) return;
  log::Write(ours, std::string("mongoc: ") + (message != nullptr ? message : ""),
             {{"mongoc_domain", domain != nullptr ? domain : ""}});
}

CollectionPtr OpenCollection(mongoc_client_t* client, const std::string& database, const std::string& name) {
  return CollectionPtr(mongoc_client_get_collection(client, database.c_str(), name.c_str()));
}

// One write to the collection `name` on a client of the pool: `write(collection, reply, error)`, a
// libmongoc call that fills `reply` (and `error` when it returns false: thrown as Error "<what><name>").
template <class Write>
void WriteTo(Database& database, const std::string& name, const char* what, Reply& reply, Write write) {
  Database::Lease lease(database);
  auto collection = OpenCollection(lease.get(), database.name(), name);
  bson_error_t error;
  if (!write(collection.get(), &reply.bson, &error)) throw Error::From(error, what + name);
}

// mongoc_collection_update_one or _many.
using UpdateCall = bool (*)(mongoc_collection_t*, const bson_t*, const bson_t*, const bson_t*, bson_t*,
                            bson_error_t*);

// How often an update that met write conflicts is tried before the conflict is thrown (as unavailable()),
// and the longest pause between two tries: a few hundred milliseconds in all, enough for hundreds of
// concurrent writers of one document.
constexpr int kConflictAttempts = 64;
constexpr int kMaxConflictPauseMs = 16;

UpdateResult Update(Database& database, const std::string& name, UpdateCall call, const Document& filter,
                    const Document& update) {
  thread_local std::minstd_rand random(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    try {
      Reply reply;
      WriteTo(database, name, "update in ", reply, [&](mongoc_collection_t* c, bson_t* r, bson_error_t* e) {
        return call(c, filter.get(), update.get(), nullptr, r, e);
      });
      return {reply.Int("matchedCount"), reply.Int("modifiedCount")};
    } catch (const Error& error) {
      // The conflicting try changed nothing; the next one reads the document again. A random pause keeps
      // the writers of one document from meeting again in step.
      if (!error.write_conflict() || attempt == kConflictAttempts) throw;
      std::uniform_int_distribution<int> pause_ms(0,
                                                  std::min(1 << std::min(attempt, 8), kMaxConflictPauseMs));
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    }
  }
}

Document FindOpts(const FindOptions& options) {
  Document opts;
  if (!options.sort.empty()) opts.Append("sort", options.sort);
  if (options.skip > 0) opts.Append("skip", static_cast<std::int64_t>(options.skip));
  if (options.limit > 0) opts.Append("limit", static_cast<std::int64_t>(options.limit));
  if (!options.projection.empty()) opts.Append("projection", options.projection);
  return opts;
}

}  // namespace

void Initialize() {
  static std::once_flag once;
  std::call_once(once, [] {
    mongoc_init();
    mongoc_log_set_handler(LogHandler, nullptr);
    mongoc_log_trace_disable();
  });
}

// ---------------------------------------------------------------------------------------------- Database

Database::Database(Options options) : options_(std::move(options)) {
  Initialize();
  bson_error_t error;
  std::unique_ptr<mongoc_uri_t, UriDeleter> uri(mongoc_uri_new_with_error(options_.uri.c_str(), &error));
  if (!uri) throw Error::From(error, "invalid MongoDB URI");
  auto set_default = [&](const char* key, std::int64_t value) {
    if (!mongoc_uri_has_option(uri.get(), key)) {
      mongoc_uri_set_option_as_int32(uri.get(), key, static_cast<std::int32_t>(value));
    }
  };
  set_default(MONGOC_URI_SERVERSELECTIONTIMEOUTMS, options_.server_selection_timeout.count());
  set_default(MONGOC_URI_CONNECTTIMEOUTMS, options_.connect_timeout.count());
  set_default(MONGOC_URI_SOCKETTIMEOUTMS, options_.socket_timeout.count());
  set_default(MONGOC_URI_MAXPOOLSIZE, static_cast<std::int64_t>(options_.max_pool_size));
  if (!options_.app_name.empty() && !mongoc_uri_has_option(uri.get(), MONGOC_URI_APPNAME)) {
    mongoc_uri_set_appname(uri.get(), options_.app_name.c_str());
  }
  pool_ = mongoc_client_pool_new_with_error(uri.get(), &error);
  if (pool_ == nullptr) throw Error::From(error, "cannot create the MongoDB client pool");
  // Version 2: errors the server returned carry the domain MONGOC_ERROR_SERVER (see Error::from_server).
  mongoc_client_pool_set_error_api(pool_, MONGOC_ERROR_API_VERSION_2);
}

Database::~Database() {
  if (pool_ != nullptr) mongoc_client_pool_destroy(pool_);
}

Database::Lease::Lease(Database& database)
    : database_(database), client_(mongoc_client_pool_pop(database.pool_)) {
  if (client_ == nullptr) {
    throw Error(MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_NOT_READY,
                "no MongoDB client could be taken from the pool");
  }
  ++database_.in_use_;
}

Database::Lease::~Lease() {
  mongoc_client_pool_push(database_.pool_, client_);
  --database_.in_use_;
}

nlohmann::json Database::Command(const Document& command) {
  Lease lease(*this);
  DatabasePtr database(mongoc_client_get_database(lease.get(), options_.database.c_str()));
  Reply reply;
  bson_error_t error;
  if (!mongoc_database_command_simple(database.get(), command.get(), nullptr, &reply.bson, &error)) {
    throw Error::From(error, "command on " + options_.database);
  }
  return ToJson(&reply.bson);
}

bool Database::Ping() {
  try {
    Lease lease(*this);
    Document ping{{"ping", 1}};
    Reply reply;
    bson_error_t error;
    return mongoc_client_command_simple(lease.get(), "admin", ping.get(), nullptr, &reply.bson, &error);
  } catch (const std::exception&) {
    return false;
  }
}

void Database::Drop() {
  Lease lease(*this);
  DatabasePtr database(mongoc_client_get_database(lease.get(), options_.database.c_str()));
  bson_error_t error;
  if (!mongoc_database_drop_with_opts(database.get(), nullptr, &error)) {
    throw Error::From(error, "dropping database " + options_.database);
  }
}

// -------------------------------------------------------------------------------------------- Collection

void Collection::InsertOne(const Document& document) {
  Reply reply;
  WriteTo(*database_, name_, "insert into ", reply, [&](mongoc_collection_t* c, bson_t* r, bson_error_t* e) {
    return mongoc_collection_insert_one(c, document.get(), nullptr, r, e);
  });
}

std::vector<nlohmann::json> Collection::Find(const Document& filter, const FindOptions& options) {
  Database::Lease lease(*database_);
  auto collection = OpenCollection(lease.get(), database_->name(), name_);
  Document opts = FindOpts(options);
  std::unique_ptr<mongoc_cursor_t, CursorDeleter> cursor(
      mongoc_collection_find_with_opts(collection.get(), filter.get(), opts.get(), nullptr));
  std::vector<nlohmann::json> documents;
  const bson_t* document = nullptr;
  while (mongoc_cursor_next(cursor.get(), &document)) documents.push_back(ToJson(document));
  bson_error_t error;
  if (mongoc_cursor_error(cursor.get(), &error)) throw Error::From(error, "find in " + name_);
  return documents;
}

std::optional<nlohmann::json> Collection::FindOne(const Document& filter, const FindOptions& options) {
  FindOptions one = options;
  one.limit = 1;
  auto documents = Find(filter, one);
  if (documents.empty()) return std::nullopt;
  return std::move(documents.front());
}

std::int64_t Collection::Count(const Document& filter) {
  Database::Lease lease(*database_);
  auto collection = OpenCollection(lease.get(), database_->name(), name_);
  bson_error_t error;
  std::int64_t count =
      mongoc_collection_count_documents(collection.get(), filter.get(), nullptr, nullptr, nullptr, &error);
  if (count < 0) throw Error::From(error, "count in " + name_);
  return count;
}

UpdateResult Collection::UpdateOne(const Document& filter, const Document& update) {
  return Update(*database_, name_, mongoc_collection_update_one, filter, update);
}

UpdateResult Collection::UpdateMany(const Document& filter, const Document& update) {
  return Update(*database_, name_, mongoc_collection_update_many, filter, update);
}

std::int64_t Collection::DeleteMany(const Document& filter) {
  Reply reply;
  WriteTo(*database_, name_, "delete in ", reply, [&](mongoc_collection_t* c, bson_t* r, bson_error_t* e) {
    return mongoc_collection_delete_many(c, filter.get(), nullptr, r, e);
  });
  return reply.Int("deletedCount");
}

void Collection::CreateIndexes(const std::vector<IndexSpec>& indexes) {
  // One command per index: FerretDB v1.24 drops the connection (a panic in its handler) when one
  // createIndexes command names two or more indexes that already exist, i.e. on every restart. MongoDB
  // accepts both forms; the difference is a round trip per index at start-up.
  Database::Lease lease(*database_);
  DatabasePtr database(mongoc_client_get_database(lease.get(), database_->name().c_str()));
  for (const auto& index : indexes) {
    Document spec{{"key", index.keys}, {"name", index.name}};
    if (index.unique) spec.Append("unique", true);
    if (index.sparse) spec.Append("sparse", true);
    Document command{{"createIndexes", name_}, {"indexes", Array{std::move(spec)}}};
    Reply reply;
    bson_error_t error;
    if (!mongoc_database_write_command_with_opts(database.get(), command.get(), nullptr, &reply.bson,
                                                 &error)) {
      throw Error::From(error, "createIndexes " + index.name + " on " + name_);
    }
  }
}

}  // namespace mp::mongo

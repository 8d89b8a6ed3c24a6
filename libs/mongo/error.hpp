#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "libs/core/error.hpp"

struct _bson_error_t;  // NOLINT(bugprone-reserved-identifier): libbson's bson_error_t

namespace mp::mongo {

// A failed MongoDB call, with libmongoc's error domain and code (server error codes keep their number,
// e.g. 11000 for a duplicate key). Services map unavailable() to 503 / bus::RetryLater and
// duplicate_key() to "already there".
class Error : public std::runtime_error {
 public:
  Error(std::uint32_t domain, std::uint32_t code, const std::string& message)
      : std::runtime_error(message), domain_(domain), code_(code) {}
  // From a bson_error_t filled by libmongoc; `what` says which operation failed.
  static Error From(const _bson_error_t& error, const std::string& what);

  std::uint32_t domain() const { return domain_; }
  std::uint32_t code() const { return code_; }

  // The server refused a write because a unique index already holds the key (11000, and the legacy
  // 11001 / 12582).
  bool duplicate_key() const;
  // The update met a concurrent write to the same document and changed nothing: MongoDB's WriteConflict
  // (112), or the local store's version check (FerretDB v1 reads, modifies and writes a document in separate
  // steps; scripts/lib/ferretdb_postgres.sql refuses a write based on an outdated read, which FerretDB
  // passes on as an InternalError naming mp_write_conflict). Collection::UpdateOne/UpdateMany try again.
  bool write_conflict() const;
  // The server could not be reached or went away: server selection failed or timed out, a socket or
  // connection error, or one of the server's own "not available now" codes (shutting down, stepped down,
  // not primary, network timeout, time limit exceeded, ...); also a write conflict that outlasted the
  // update's own attempts. Trying again later may succeed.
  bool unavailable() const;

 private:
  bool from_server() const;

  std::uint32_t domain_;
  std::uint32_t code_;
};

// For http::App::AddErrorTranslator: MongoDB unreachable -> 503 "store_unavailable"; anything else stays
// a 500.
std::optional<ApiError> ToApiError(const std::exception& ex);

}  // namespace mp::mongo

#include "libs/mongo/error.hpp"

#include <string_view>

#include <mongoc/mongoc.h>

namespace mp::mongo {

Error Error::From(const bson_error_t& error, const std::string& what) {
  return Error(error.domain, error.code, what + ": " + error.message);
}

bool Error::from_server() const {
  // With error API version 2 (set on every pool), errors the server returned carry MONGOC_ERROR_SERVER
  // or MONGOC_ERROR_WRITE_CONCERN; the other domains are the client library's own numbering.
  return domain_ == MONGOC_ERROR_SERVER || domain_ == MONGOC_ERROR_WRITE_CONCERN ||
         domain_ == MONGOC_ERROR_QUERY || domain_ == MONGOC_ERROR_COMMAND ||
         domain_ == MONGOC_ERROR_COLLECTION;
}

bool Error::duplicate_key() const {
  return from_server() && (code_ == 11000 || code_ == 11001 || code_ == 12582);
}

bool Error::write_conflict() const {
  if (!from_server()) return false;
  if (code_ == 112) return true;  // WriteConflict
  return code_ == 1 && std::string_view(what()).find("mp_write_conflict") != std::string_view::npos;
}

bool Error::unavailable() const {
  if (write_conflict()) return true;
  switch (domain_) {
    case MONGOC_ERROR_SERVER_SELECTION:
    case MONGOC_ERROR_STREAM: return true;
    case MONGOC_ERROR_CLIENT:
      // Wrong credentials are a deployment problem: the store is unusable until it is fixed.
      return code_ == MONGOC_ERROR_CLIENT_NOT_READY || code_ == MONGOC_ERROR_CLIENT_AUTHENTICATE ||
             code_ == MONGOC_ERROR_CLIENT_NO_ACCEPTABLE_PEER;
    case MONGOC_ERROR_PROTOCOL: return code_ == MONGOC_ERROR_PROTOCOL_INVALID_REPLY;
    default: break;
  }
  if (!from_server()) return false;
  switch (code_) {
    case 6:      // HostUnreachable
    case 7:      // HostNotFound
    case 50:     // MaxTimeMSExpired
    case 64:     // WriteConcernFailed (timeout)
    case 89:     // NetworkTimeout
    case 91:     // ShutdownInProgress
    case 189:    // PrimarySteppedDown
    case 262:    // ExceededTimeLimit
    case 9001:   // SocketException
    case 10107:  // NotWritablePrimary
    case 11600:  // InterruptedAtShutdown
    case 11602:  // InterruptedDueToReplStateChange
    case 13435:  // NotPrimaryNoSecondaryOk
    case 13436:  // NotPrimaryOrSecondary
      return true;
    default: return false;
  }
}

std::optional<ApiError> ToApiError(const std::exception& ex) {
  const auto* error = dynamic_cast<const Error*>(&ex);
  if (error == nullptr || !error->unavailable()) return std::nullopt;
  return ApiError::Unavailable("The database is unavailable; try again shortly", "store_unavailable");
}

}  // namespace mp::mongo

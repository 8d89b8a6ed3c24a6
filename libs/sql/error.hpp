#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "libs/core/error.hpp"

namespace mp::sql {

// A failed database call. code() is the server or client error number (0 when the library itself
// refused, e.g. a NULL read as an integer). Services map unavailable() to 503 and duplicate_key() to 409.
class Error : public std::runtime_error {
 public:
  Error(unsigned code, const std::string& message) : std::runtime_error(message), code_(code) {}

  // No connection could be had (pool exhausted or server unreachable) although the server said nothing.
  static Error Unavailable(const std::string& message) {
    Error error(0, message);
    error.unavailable_ = true;
    return error;
  }

  unsigned code() const { return code_; }
  bool duplicate_key() const { return code_ == 1062; }  // ER_DUP_ENTRY
  // The server cannot be reached or the connection died: 2002/2003 refused or unreachable, 2006 gone away,
  // 2013 lost during the query, 2005 unknown host, 1040 too many connections, 1053 shutting down,
  // 1927 (MariaDB) and 4031 (MySQL 8) the server closed the session (killed, idle timeout).
  bool unavailable() const {
    return unavailable_ || code_ == 2002 || code_ == 2003 || code_ == 2005 || code_ == 2006 ||
           code_ == 2013 || code_ == 1040 || code_ == 1053 || code_ == 1927 || code_ == 4031;
  }
  // The transaction was rolled back by the server and may simply be run again: 1205 lock wait timeout,
  // 1213 deadlock.
  bool retryable() const { return code_ == 1205 || code_ == 1213; }

 private:
  unsigned code_;
  bool unavailable_ = false;
};

// For http::App::AddErrorTranslator: the database is down or the transaction lost a deadlock -> 503 with a
// clear message (the client may retry); anything else stays a 500.
inline std::optional<ApiError> ToApiError(const std::exception& ex) {
  const auto* error = dynamic_cast<const Error*>(&ex);
  if (error == nullptr) return std::nullopt;
  if (error->unavailable())
    return ApiError::Unavailable("The database is unavailable; try again shortly", "store_unavailable");
  if (error->retryable()) return ApiError::Unavailable("The database was busy; try again", "store_busy");
  return std::nullopt;
}

}  // namespace mp::sql

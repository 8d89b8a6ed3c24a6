#pragma once

#include <ostream>
#include <string>

#include "libs/core/error.hpp"

namespace mp::testing {

// What a client sees of an ApiError: its kind (the HTTP status), code and text. Compares and prints whole,
// so a test states a refusal's answer in one expectation.
struct SeenError {
  ApiError::Kind kind;
  std::string code;
  std::string error;
  friend bool operator==(const SeenError&, const SeenError&) = default;
  friend std::ostream& operator<<(std::ostream& out, const SeenError& seen) {
    return out << "{kind " << static_cast<int>(seen.kind) << ", " << seen.code << ", \"" << seen.error
               << "\"}";
  }
};

inline SeenError Seen(const ApiError& error) { return {error.kind(), error.code(), error.error()}; }

}  // namespace mp::testing

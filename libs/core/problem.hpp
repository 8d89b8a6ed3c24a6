#pragma once

#include <string>

namespace mp {

// One thing wrong with one field of what a client sent: a domain check's finding, which the API layer
// renders into the 422 envelope's `details`.
struct FieldProblem {
  std::string field;
  std::string problem;
};

}  // namespace mp

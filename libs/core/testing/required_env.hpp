#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

// For integration tests: reads the environment variables that describe a real server and, when any is
// missing, fails with one message naming all of them (so a test never passes silently without its server).
namespace mp::testing {

class RequiredEnv {
 public:
  std::string Get(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
      missing_ += missing_.empty() ? name : std::string(", ") + name;
      return {};
    }
    return value;
  }

  // Throws if any Get() found nothing; `what` names the server ("a RabbitMQ test broker").
  void Check(const std::string& what) const {
    if (!missing_.empty()) {
      throw std::runtime_error("integration tests need " + what + "; set " + missing_ +
                               " (./marketplace test does this)");
    }
  }

 private:
  std::string missing_;
};

}  // namespace mp::testing

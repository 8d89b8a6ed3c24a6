#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The command line of every service binary: `mp-<name> [command] [--option value ...]`. CLI11 does the
// parsing, but only inside cli.cpp: it is header-only and costs about a minute of compile time under the
// sanitizers in every translation unit that includes it.
namespace mp::cli {

struct Option {
  std::string name;  // "--email"
  std::string help;
  std::string* target;  // required; receives the value
};

struct Command {
  std::string name;  // "migrate"
  std::string help;
  std::vector<Option> options = {};
};

struct Parsed {
  std::string command;           // the command given, or "" (the binary's default)
  std::optional<int> exit_code;  // set after --help or a usage error (already printed): return it
};

// At most one of `commands`; their options are required when the command is given.
Parsed Parse(std::string_view description, const std::vector<Command>& commands, int argc, char** argv);

}  // namespace mp::cli

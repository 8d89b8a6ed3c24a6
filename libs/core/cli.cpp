#include "libs/core/cli.hpp"

#include <CLI/CLI.hpp>

namespace mp::cli {

Parsed Parse(std::string_view description, const std::vector<Command>& commands, int argc, char** argv) {
  CLI::App app{std::string(description)};
  app.require_subcommand(0, 1);
  std::vector<std::pair<std::string, CLI::App*>> added;
  for (const auto& command : commands) {
    auto* sub = app.add_subcommand(command.name, command.help);
    for (const auto& option : command.options)
      sub->add_option(option.name, *option.target, option.help)->required();
    added.emplace_back(command.name, sub);
  }
  Parsed parsed;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    parsed.exit_code = app.exit(error);
    return parsed;
  }
  for (const auto& [name, sub] : added) {
    if (sub->parsed()) parsed.command = name;
  }
  return parsed;
}

}  // namespace mp::cli

#include <iostream>

#include "cli/commands.hpp"
#include "workloads/models.hpp"

namespace monet::cli {

void add_list_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("list", "Name the built-in workloads");
  cmd->callback([] {
    std::cout << "Built-in workloads (use with `monet-sim describe NAME`):\n";
    for (const auto& m : workloads::builtin_models())
      std::cout << "  " << m.name << std::string(m.name.size() < 16 ? 16 - m.name.size() : 1, ' ')
                << m.description << "\n";
  });
}

}  // namespace monet::cli

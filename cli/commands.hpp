// Each command lives in its own file and adds itself to the app; its callback does the
// work and may throw monet::core::Error, which main() turns into exit code 2.
#pragma once

#include <CLI/CLI.hpp>

namespace monet::cli {

// Thrown by a command that finished its work but must end with another exit status (a
// search stopped by SIGINT: 130); main() returns `code`.
struct ExitStatus {
  int code = 0;
};

void add_list_command(CLI::App& app);
void add_describe_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_search_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_checkpoint_front_command(CLI::App& app);
void add_cost_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);
void add_select_command(CLI::App& app);

}  // namespace monet::cli

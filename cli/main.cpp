// monet-sim: parse options, call the library, write files. Exit codes: 0 success,
// 2 bad input or usage (with one message naming file, line, field, value and rule),
// 1 internal error.
#include <exception>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/utf8.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "monet-sim: training and inference of neural networks on heterogeneous "
      "dataflow accelerators"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "monet-sim 0.1.0");
  monet::cli::add_list_command(app);
  monet::cli::add_describe_command(app);
  monet::cli::add_run_command(app);
  monet::cli::add_search_command(app);
  monet::cli::add_validate_command(app);
  monet::cli::add_checkpoint_front_command(app);
  monet::cli::add_cost_command(app);
  monet::cli::add_convert_command(app);
  monet::cli::add_compare_command(app);
  monet::cli::add_report_command(app);
  monet::cli::add_calibrate_command(app);
  monet::cli::add_select_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const monet::cli::ExitStatus& e) {
    return e.code;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const monet::core::Error& e) {
    std::cerr << "error: " << monet::core::escape_invalid_utf8(e.what()) << "\n";
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    // The environment refused a path (too long, not permitted, disk full): the user's to fix.
    std::string paths = e.path1().string();
    if (!e.path2().empty()) paths += "' -> '" + e.path2().string();
    std::cerr << "error: '" << monet::core::escape_invalid_utf8(paths)
              << "': " << e.code().message() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << monet::core::escape_invalid_utf8(e.what()) << "\n";
    return 1;
  }
  return 0;
}

// `report DIR [-o FILE.html]`: one self-contained HTML page for a run, search, comparison,
// generation or few-shot episode folder (report/README.md).
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "report/report.hpp"

namespace monet::cli {

namespace {
struct ReportArgs {
  std::string input;
  std::string out;
};
}  // namespace

void add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report",
      "Write one self-contained HTML report (opens offline) of a run folder (`run -o DIR`), a "
      "search folder (`search -o DIR`), a comparison folder (compare.json), a generation "
      "folder (`run -o DIR` of a mode: generate experiment) or a few-shot episode folder "
      "(mode: few-shot), the last two with their parts' reports");
  cmd->add_option("dir", args->input,
                  "Folder holding summary.json (run), pareto.json (search) or compare.json "
                  "(comparison), or that file itself")
      ->required();
  cmd->add_option("-o,--out", args->out, "HTML file to write (default: DIR/report.html)");
  cmd->callback([args] {
    const report::Written w = report::write_report(args->input, args->out);
    for (const auto& note : w.notes) std::cerr << "note: " << note << "\n";
    std::cout << "monet-sim report: " << report::kind_name(w.input.kind) << " report of "
              << w.input.dir << "\n  wrote            " << w.file << "\n";
  });
}

}  // namespace monet::cli

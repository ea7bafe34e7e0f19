#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "codesign/search.hpp"
#include "core/output_set.hpp"
#include "core/units.hpp"
#include "fusion/experiment.hpp"

namespace monet::cli {

namespace {
struct SearchArgs {
  std::string experiment;
  std::string out_dir;
  bool resume = false;
  int threads = 0;
};

void search(const SearchArgs& a) {
  fusion::Experiment e = fusion::load_experiment(a.experiment);
  codesign::SearchSpec spec = codesign::parse_search(e);
  if (a.threads > 0) spec.nsga.threads = static_cast<size_t>(a.threads);
  std::string dir = !a.out_dir.empty()      ? a.out_dir
                    : !e.output_dir.empty() ? e.output_dir
                                            : "out/" + e.name + "-search";
  // The folder holds the checkpoint while the search runs; at the end the outputs replace
  // it as a whole.
  core::claim_output_folder(dir, "search");
  std::string checkpoint = dir + "/" + codesign::kCheckpointFile;
  if (!a.resume && std::filesystem::exists(checkpoint)) std::filesystem::remove(checkpoint);
  const bool tty = ::isatty(2);
  ga::ProgressCallback progress = [tty](const ga::Progress& p) {
    if (tty) std::cerr << "\r\033[K" << ga::format_progress(p) << std::flush;
    return true;
  };
  codesign::SearchOutcome out = codesign::run_search(e, spec, checkpoint, a.resume, progress);
  if (tty) std::cerr << "\n";
  codesign::write_search_outputs(e, spec, out, dir);
  std::cout << "monet-sim search: " << e.name << "\n"
            << "  evaluations      " << out.result.evaluations;
  if (out.result.session_evaluations != out.result.evaluations)
    std::cout << " (" << out.result.session_evaluations << " in this session)";
  // Throughput counts only this session's evaluations: a resumed checkpoint's took time
  // this session did not measure.
  std::cout << " in " << core::format_seconds(out.result.seconds) << " ("
            << (out.result.seconds > 0
                    ? static_cast<long>(static_cast<double>(out.result.session_evaluations) /
                                        out.result.seconds)
                    : 0)
            << " eval/s, " << spec.nsga.threads << " threads), " << out.result.generations
            << " generations, stopped by " << out.result.stop_reason << "\n"
            << "  front            " << out.front.size() << " members, hypervolume "
            << out.hypervolume << "\n";
  if (out.exact_hypervolume)
    std::cout << "  exact front      " << out.exact_front_size << " points, hypervolume "
              << *out.exact_hypervolume << "; GA reaches "
              << 100.0 * out.hypervolume / *out.exact_hypervolume << " %\n";
  size_t shown = 0;
  for (const auto& m : out.front) {
    if (shown++ == 10) {
      std::cout << "  ... (" << out.front.size() - 10 << " more in pareto.csv)\n";
      break;
    }
    std::cout << "  ";
    for (size_t k = 0; k < m.evaluation.objectives.size(); ++k)
      std::cout << (k ? "  " : "") << out.objective_names[k] << "=" << m.evaluation.objectives[k];
    if (!m.evaluation.feasible()) std::cout << "  (infeasible by " << m.evaluation.violation << ")";
    std::cout << "\n      " << m.plan << "\n";
  }
  std::cout << "  wrote            " << dir
            << "/{pareto.json, pareto.csv, history.csv, search.json, front/}\n";
}
}  // namespace

void add_search_command(CLI::App& app) {
  auto args = std::make_shared<SearchArgs>();
  auto* cmd = app.add_subcommand(
      "search",
      "Multi-objective search (NSGA-II) over allocation, fusion, checkpointing, hardware");
  cmd->add_option("experiment", args->experiment, "Experiment YAML with a search: section")
      ->required();
  cmd->add_option("-o,--out", args->out_dir,
                  "Output folder (default: outputs.dir or out/NAME-search)");
  cmd->add_flag("--resume", args->resume, "Continue from OUT/search.checkpoint.json");
  cmd->add_option("--threads", args->threads, "Evaluation threads (overrides search.threads)")
      ->check(CLI::PositiveNumber);
  cmd->callback([args] { search(*args); });
}

}  // namespace monet::cli

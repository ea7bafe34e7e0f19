// `search EXP`: the experiment's search section (codesign/search.hpp), its outputs, and a clean
// stop on SIGINT/SIGTERM (the front so far and the checkpoint are written; exit 130/143).
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "cli/commands.hpp"
#include "cli/experiment_options.hpp"
#include "cli/interrupt.hpp"
#include "codesign/search.hpp"
#include "core/output_set.hpp"
#include "core/units.hpp"
#include "fusion/experiment.hpp"
#include "fusion/fallback.hpp"

namespace monet::cli {

namespace {
struct SearchArgs {
  std::string experiment;
  std::string out_dir;
  bool resume = false;
  int threads = 0;
  std::optional<int64_t> generations, evaluations, population, seed;
  std::optional<double> seconds;
  size_t front_files = codesign::kDefaultFrontFiles;
  ExperimentOptions options;
};

std::string quoted(const std::string& s) {
  if (s.find_first_of(" \t'\"$`\\!*?[]{}()<>|&;#~") == std::string::npos && !s.empty()) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

template <class T>
std::string number(T v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

// The search options as overrides of the experiment's `search:` section, so they are checked
// like the file's. A budget given here replaces the file's whole budget.
std::vector<core::YamlOverride> search_overrides(const SearchArgs& a) {
  std::vector<core::YamlOverride> out;
  const bool budget = a.generations || a.evaluations || a.seconds;
  auto set = [&](const char* key, const std::string& option, const auto& value) {
    const std::string text = number(*value);
    out.push_back({std::string("search.") + key, text, option + " " + text});
  };
  if (budget) {
    for (const char* key : {"generations", "evaluations", "seconds"})
      out.push_back({std::string("search.") + key, std::nullopt, "the command line's budget"});
    if (a.generations) set("generations", "--generations", a.generations);
    if (a.evaluations) set("evaluations", "--evaluations", a.evaluations);
    if (a.seconds) set("seconds", "--seconds", a.seconds);
  }
  if (a.population) set("population", "--population", a.population);
  if (a.seed) set("seed", "--seed", a.seed);
  return out;
}

std::string resume_command(const SearchArgs& a, const std::string& dir) {
  std::string cmd = "monet-sim search " + quoted(a.experiment) + " -o " + quoted(dir);
  for (const auto& s : a.options.set) cmd += " --set " + quoted(s);
  if (!a.options.accelerator.empty()) cmd += " --accelerator " + quoted(a.options.accelerator);
  if (a.generations) cmd += " --generations " + std::to_string(*a.generations);
  if (a.evaluations) cmd += " --evaluations " + std::to_string(*a.evaluations);
  if (a.seconds) cmd += " --seconds " + number(*a.seconds);
  if (a.population) cmd += " --population " + std::to_string(*a.population);
  if (a.seed) cmd += " --seed " + std::to_string(*a.seed);
  return cmd + " --resume";
}

void print_front(const codesign::SearchOutcome& out) {
  const size_t k = out.objective_names.size();
  std::vector<std::string> header = {"#"};
  for (size_t j = 0; j < k; ++j)
    header.push_back(j < out.objective_labels.size() ? out.objective_labels[j]
                                                     : out.objective_names[j]);
  std::vector<std::vector<std::string>> rows;
  const size_t shown = std::min<size_t>(out.front.size(), 10);
  for (size_t i = 0; i < shown; ++i) {
    const auto& m = out.front[i];
    std::vector<std::string> row = {std::to_string(i)};
    for (size_t j = 0; j < k; ++j)
      row.push_back(core::format_quantity(m.evaluation.objectives[j], j < out.objective_units.size()
                                                                          ? out.objective_units[j]
                                                                          : ""));
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells, const std::string& tail) {
    std::cout << "  ";
    for (size_t c = 0; c < cells.size(); ++c)
      std::cout << std::string(width[c] - cells[c].size() + (c ? 2 : 0), ' ') << cells[c];
    std::cout << "  " << tail << "\n";
  };
  line(header, "plan (notation: monet-sim search --help)");
  for (size_t i = 0; i < shown; ++i) {
    const auto& m = out.front[i];
    std::string tail = m.plan;
    if (!m.evaluation.feasible())
      tail += "  (infeasible: over capacity by " + core::format_bytes(m.evaluation.violation) + ")";
    line(rows[i], tail);
    for (const auto& f : m.fallbacks)
      std::cerr << "warning: front member " << i << ": " << fusion::fallback_text(f) << "\n";
  }
  if (out.front.size() > shown)
    std::cout << "  ... " << out.front.size() - shown << " more members in pareto.csv\n";
}

void search(SearchArgs a) {
  a.options.extra = search_overrides(a);
  fusion::Experiment e = fusion::load_experiment(a.experiment, a.options.overrides());
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
  const std::vector<std::string>& applied = e.overrides;
  std::cout << "monet-sim search: " << e.name << "\n";
  if (!applied.empty()) {
    std::cout << "  set              ";
    for (size_t i = 0; i < applied.size(); ++i) std::cout << (i ? ", " : "") << applied[i];
    std::cout << "  (command line"
              << (a.generations || a.evaluations || a.seconds ? "; replaces the file's budget)"
                                                              : ")")
              << "\n";
  }
  std::cout << std::flush;

  const bool tty = ::isatty(2);
  InterruptGuard guard;
  ga::ProgressCallback progress = [tty](const ga::Progress& p) {
    if (tty) std::cerr << "\r\033[K" << ga::format_progress(p) << std::flush;
    return InterruptGuard::signal() == 0;  // stop after this generation once interrupted
  };
  codesign::SearchOutcome out = codesign::run_search(e, spec, checkpoint, a.resume, progress);
  if (tty) std::cerr << "\n";
  const int sig = InterruptGuard::signal();
  if (sig) out.result.stop_reason = std::string("interrupted by ") + signal_name(sig);
  const auto written = codesign::write_search_outputs(e, spec, out, dir, a.front_files);

  size_t feasible = 0;
  for (const auto& m : out.front) feasible += m.evaluation.feasible();
  std::cout << "  evaluations      " << out.result.evaluations;
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
            << "  front            " << out.front.size() << " members (" << feasible
            << " feasible), hypervolume " << out.hypervolume << " (objective units multiplied)\n";
  if (out.exact_hypervolume)
    std::cout << "  exact front      " << out.exact_front_size << " points, hypervolume "
              << *out.exact_hypervolume << "; GA reaches "
              << 100.0 * out.hypervolume / *out.exact_hypervolume << " %\n";
  print_front(out);
  std::cout << "  wrote            " << dir << "/{";
  for (size_t i = 0; i < written.size(); ++i) std::cout << (i ? ", " : "") << written[i];
  std::cout << "}\n";
  if (sig) {
    std::cerr << "monet-sim search: interrupted by " << signal_name(sig) << " after generation "
              << out.result.generations << "; the front so far and the checkpoint are in " << dir
              << ".\nResume with:\n  " << resume_command(a, dir) << "\n";
    throw ExitStatus{exit_status_after(sig)};
  }
}
}  // namespace

void add_search_command(CLI::App& app) {
  auto args = std::make_shared<SearchArgs>();
  auto* cmd = app.add_subcommand(
      "search",
      "Multi-objective search (NSGA-II) over allocation, fusion, checkpointing, hardware. "
      "Ctrl-C (SIGINT) or SIGTERM stops it after the current generation's evaluations, writes "
      "the front so far and the checkpoint, prints how to resume and exits 130 (143); a second "
      "Ctrl-C stops at once.");
  cmd->add_option("experiment", args->experiment, "Experiment YAML with a search: section")
      ->required();
  cmd->add_option("-o,--out", args->out_dir,
                  "Output folder (default: outputs.dir or out/NAME-search)");
  cmd->add_flag("--resume", args->resume, "Continue from OUT/search.checkpoint.json");
  cmd->add_option("--threads", args->threads, "Evaluation threads (overrides search.threads)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--generations", args->generations,
                  "Generations to run (= search.generations; a budget given on the command "
                  "line replaces the file's generations/evaluations/seconds)");
  cmd->add_option("--evaluations", args->evaluations,
                  "Evaluations to run (= search.evaluations; replaces the file's budget)");
  cmd->add_option("--seconds", args->seconds,
                  "Wall time to run (= search.seconds; replaces the file's budget)");
  cmd->add_option("--population", args->population, "Population size (= search.population)");
  cmd->add_option("--seed", args->seed, "Random seed (= search.seed)");
  cmd->add_option("--front-files", args->front_files,
                  "Write replayable front/NNN.yaml files for this many members spread over the "
                  "front (default " +
                      std::to_string(codesign::kDefaultFrontFiles) +
                      "; every member stays in pareto.csv and pareto.json)");
  add_experiment_options(cmd, args->options);
  cmd->footer(codesign::plan_notation());
  cmd->callback([args] { search(*args); });
}

}  // namespace monet::cli

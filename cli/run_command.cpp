#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "core/file_io.hpp"
#include "core/units.hpp"
#include "fusion/experiment.hpp"
#include "fusion/report.hpp"

namespace monet::cli {

namespace {
struct RunArgs {
  std::string experiment;
  std::string out_dir;
  bool no_files = false;
};

void run(const RunArgs& a) {
  fusion::Experiment e = fusion::load_experiment(a.experiment);
  fusion::Prepared p = fusion::prepare(e);
  const auto& sim = *p.sim;
  fusion::FusionPlan plan = sim.plan(e.plan);
  fusion::CnGraph cns = sim.cns(plan);
  fusion::Schedule s = fusion::schedule(sim.graph(), plan, cns, sim.accelerator());

  const auto totals = sim.graph().totals();
  std::cout << "monet-sim run: " << e.name << "\n"
            << "  workload         " << sim.graph().name() << " ("
            << (e.training ? "training step" : "inference") << ", batch " << e.workload.params.batch
            << "), " << sim.graph().ops().size() << " ops, "
            << core::format_count(static_cast<double>(totals.macs)) << " MACs\n"
            << "  accelerator      " << sim.accelerator().name << " ("
            << sim.accelerator().cores.size() << " cores)\n"
            << "  plan             " << e.plan_name << ", " << plan.stacks.size()
            << " stacks, tiles " << e.plan.tiles << "\n"
            << fusion::summary_text(s.summary, sim.accelerator());
  if (a.no_files) return;
  std::string dir = !a.out_dir.empty()      ? a.out_dir
                    : !e.output_dir.empty() ? e.output_dir
                                            : "out/" + e.name;
  nlohmann::json summary = fusion::summary_json(s.summary, sim.accelerator());
  summary["experiment"] = e.name;
  summary["workload"] = sim.graph().name();
  summary["mode"] = e.training ? "training" : "inference";
  summary["plan"] = {
      {"stacks", e.plan_name}, {"stack_count", plan.stacks.size()}, {"tiles", e.plan.tiles}};
  summary["counts"]["ops"] = sim.graph().ops().size();
  summary["counts"]["macs"] = totals.macs;
  if (p.training_memory) {
    const auto& m = *p.training_memory;
    summary["training_memory"] = {{"parameter_bytes", m.parameter_bytes},
                                  {"gradient_bytes", m.gradient_bytes},
                                  {"optimizer_state_bytes", m.optimizer_state_bytes},
                                  {"saved_activation_bytes", m.saved_activation_bytes},
                                  {"sequential_peak_bytes", m.sequential_peak_bytes}};
  }
  core::write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
  core::write_file_atomic(dir + "/schedule.trace.json",
                          fusion::trace_json(s, sim.graph(), sim.accelerator()).dump() + "\n");
  core::write_file_atomic(dir + "/memory.csv", fusion::memory_csv(s.summary));
  core::write_file_atomic(dir + "/ops.csv",
                          fusion::ops_csv(s, sim.graph(), cns, sim.accelerator()));
  std::cout << "  wrote            " << dir
            << "/{summary.json, schedule.trace.json, memory.csv, ops.csv}\n";
}
}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand(
      "run", "Simulate one experiment (workload, training options, accelerator, fusion plan)");
  cmd->add_option("experiment", args->experiment, "Experiment YAML (configs/experiments/)")
      ->required();
  cmd->add_option("-o,--out", args->out_dir, "Output folder (default: outputs.dir or out/NAME)");
  cmd->add_flag("--no-files", args->no_files, "Print the summary only");
  cmd->callback([args] { run(*args); });
}

}  // namespace monet::cli

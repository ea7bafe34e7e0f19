#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/experiment_options.hpp"
#include "core/file_io.hpp"
#include "core/output_set.hpp"
#include "core/units.hpp"
#include "fusion/episode.hpp"
#include "fusion/experiment.hpp"
#include "fusion/generate.hpp"
#include "fusion/plan_delta.hpp"
#include "fusion/report.hpp"
#include "fusion/run_outputs.hpp"

namespace monet::cli {

namespace {
struct RunArgs {
  std::string experiment;
  std::string out_dir;
  bool no_files = false;
  int ops = 0;
  ExperimentOptions options;
};

std::string output_dir(const RunArgs& a, const fusion::Experiment& e) {
  return !a.out_dir.empty() ? a.out_dir : !e.output_dir.empty() ? e.output_dir : "out/" + e.name;
}

void print_applied(const std::vector<std::string>& applied) {
  if (applied.empty()) return;
  std::cout << "  set              ";
  for (size_t i = 0; i < applied.size(); ++i) std::cout << (i ? ", " : "") << applied[i];
  std::cout << "  (command line)\n";
}

void run_few_shot(const RunArgs& a, const fusion::Experiment& e,
                  const std::vector<std::string>& applied) {
  fusion::PreparedEpisode p = fusion::prepare_episode(e);
  fusion::EpisodeRun r = fusion::run_episode(p);
  const auto& spec = p.spec;
  const auto& acc = p.parts.back().sim->accelerator();
  auto count = [](double v) { return core::format_count(v); };
  std::cout << "monet-sim run: " << e.name << "\n";
  print_applied(applied);
  std::cout << "  workload         " << p.parts.back().sim->graph().name()
            << " (few-shot episode: " << spec.ways << " ways, " << spec.shots << " shots, "
            << spec.queries << " queries; features '" << p.feature << "', " << p.feature_dim
            << "-d)\n"
            << "  accelerator      " << acc.name << " (" << acc.cores.size() << " cores)\n";
  for (size_t i = 0; i < p.parts.size(); ++i) {
    const auto& part = p.parts[i];
    const auto& s = r.parts[i].schedule.summary;
    std::cout << "  " << part.name << (part.repeat > 1 ? " x" + std::to_string(part.repeat) : "")
              << ": " << core::format_seconds(s.latency_s) << ", "
              << core::format_energy_pj(s.energy.total_pj()) << ", "
              << count(static_cast<double>(part.sim->graph().totals().macs)) << " MACs, peak DRAM "
              << core::format_bytes(s.peak_dram_bytes) << ", peak on-chip "
              << core::format_bytes(s.peak_onchip_bytes) << "\n";
  }
  std::cout << "  episode          " << core::format_seconds(r.latency_s) << ", "
            << core::format_energy_pj(r.energy_pj) << ", peak DRAM "
            << core::format_bytes(r.peak_dram_bytes) << ", peak footprint "
            << core::format_bytes(r.peak_footprint_bytes) << "\n"
            << fusion::power_text(r.power);
  if (auto w = fusion::power_warning(r.power)) std::cerr << "warning: " << *w << "\n";
  if (r.capacity_violation_bytes > 0)
    std::cerr << "warning: DRAM capacity exceeded by "
              << core::format_bytes(r.capacity_violation_bytes) << "\n";
  if (a.no_files) return;
  std::string dir = output_dir(a, e);
  fusion::write_episode_outputs(dir, e, p, r);
  std::cout << "  wrote            " << dir << "/summary.json and one folder per part\n";
}

void run_generate(const RunArgs& a, const fusion::Experiment& e,
                  const std::vector<std::string>& applied) {
  fusion::GenerationRun r = fusion::run_generation(e);
  const auto& acc = r.parts.front().sim->accelerator();
  std::cout << "monet-sim run: " << e.name << "\n";
  print_applied(applied);
  std::cout << "  workload         " << r.config.name << " (generation)\n"
            << "  accelerator      " << acc.name << " (" << acc.cores.size() << " cores)\n"
            << "  plan             " << e.plan_name << ", tiles " << e.plan.tiles
            << " in the prefill, 1 in decode steps (one token per sequence)\n"
            << fusion::generation_text(r);
  if (auto w = fusion::power_warning(r.power)) std::cerr << "warning: " << *w << "\n";
  if (!r.monotone)
    std::cerr << "warning: decode step time does not grow with the context at the scheduled "
                 "samples; the integration error bound assumes it does\n";
  if (r.capacity_violation_bytes > 0)
    std::cerr << "warning: DRAM capacity exceeded by "
              << core::format_bytes(r.capacity_violation_bytes) << "\n";
  if (a.no_files) return;
  std::string dir = output_dir(a, e);
  fusion::write_generation_outputs(dir, e, r);
  std::cout << "  wrote            " << dir << "/summary.json, prefill/ and decode/\n";
}

void run(const RunArgs& a) {
  fusion::Experiment e = fusion::load_experiment(a.experiment, a.options.overrides());
  const std::vector<std::string>& applied = e.overrides;
  // Refuse a folder the outputs may not replace before simulating, not after.
  if (!a.no_files) core::check_output_folder(output_dir(a, e));
  if (e.few_shot) return run_few_shot(a, e, applied);
  if (e.generate) return run_generate(a, e, applied);
  fusion::Prepared p = fusion::prepare(e);
  const auto& sim = *p.sim;
  fusion::FusionPlan plan = fusion::experiment_plan(e, sim);
  fusion::CnGraph cns = sim.cns(plan);
  fusion::Schedule s = fusion::schedule(sim.graph(), plan, cns, sim.accelerator());

  const auto totals = sim.graph().totals();
  std::cout << "monet-sim run: " << e.name << "\n";
  print_applied(applied);
  std::cout << "  workload         " << sim.graph().name() << " ("
            << (e.training ? "training step" : "inference") << ", batch "
            << workloads::batch_of(sim.graph()) << "), " << sim.graph().ops().size() << " ops, "
            << core::format_count(static_cast<double>(totals.macs)) << " MACs\n"
            << (p.folded.folded.empty()
                    ? std::string()
                    : "  folded           " + std::to_string(p.folded.folded.size()) +
                          " BatchNorms into the conv or linear layer before them "
                          "(workload.fold_batchnorm)\n")
            << "  accelerator      " << sim.accelerator().name << " ("
            << sim.accelerator().cores.size() << " cores)\n"
            << "  plan             " << e.plan_name << ", " << plan.stacks.size()
            << " stacks, tiles " << e.plan.tiles << "\n"
            << fusion::summary_text(s.summary, sim.accelerator());
  // One more evaluation: does this plan beat running the layers one by one?
  const fusion::PlanDelta delta = fusion::versus_layer_by_layer(sim, e.plan, s.summary);
  std::cout << fusion::plan_delta_text(delta);
  for (const auto& w : fusion::summary_warnings(s.summary)) std::cerr << "warning: " << w << "\n";
  if (a.ops > 0) std::cout << fusion::top_ops_text(s, sim.graph(), cns, sim.accelerator(), a.ops);
  if (p.training_memory) {
    const auto& m = *p.training_memory;
    auto b = [](int64_t v) { return core::format_bytes(static_cast<double>(v)); };
    std::cout << "  training memory  parameters " << b(m.parameter_bytes) << ", gradients "
              << b(m.gradient_bytes) << ", optimizer state " << b(m.optimizer_state_bytes)
              << ", saved activations " << b(m.saved_activation_bytes) << "\n";
  }
  if (p.training)
    std::cout << "  precision        " << training::precision_text(p.training->precision) << "\n";
  if (p.training && (p.training->trainable != "all" || !p.training->adapters.empty())) {
    const auto& t = *p.training;
    std::cout << "  trainable        " << t.trainable << ": "
              << core::format_count(static_cast<double>(t.trainable_parameters)) << " of "
              << core::format_count(static_cast<double>(t.parameters)) << " parameters\n";
    for (const auto& ad : t.adapters) std::cout << "  adapter          " << ad << "\n";
  }
  if (p.training && p.training->teacher) {
    const auto& t = *p.training->teacher;
    auto b = [](int64_t v) { return core::format_bytes(static_cast<double>(v)); };
    std::cout << "  teacher          " << t.model << " (frozen, " << t.element_bits
              << "-bit): " << core::format_count(static_cast<double>(t.parameters))
              << " parameters (" << b(t.parameter_bytes) << "), "
              << core::format_count(static_cast<double>(t.macs)) << " MACs, logits "
              << b(t.logits_bytes) << "\n";
  }
  if (a.no_files) return;
  std::string dir = output_dir(a, e);
  fusion::write_run_outputs(dir, sim, plan, cns, s,
                            fusion::experiment_run_info(e, p, applied, delta));
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
  add_experiment_options(cmd, args->options);
  cmd->add_option("--ops", args->ops,
                  "Also print the N ops with the longest busy time (time, energy, DRAM bytes, "
                  "what bounds them)")
      ->check(CLI::PositiveNumber);
  cmd->callback([args] { run(*args); });
}

}  // namespace monet::cli

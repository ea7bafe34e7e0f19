#include "fusion/run_outputs.hpp"

#include "core/json_text.hpp"
#include "core/output_set.hpp"
#include "fusion/report.hpp"

namespace monet::fusion {

RunInfo experiment_run_info(const Experiment& e, const Prepared& p,
                            std::vector<std::string> overrides,
                            std::optional<PlanDelta> versus_layer_by_layer) {
  return {e.name,
          e.training ? "training" : "inference",
          e.plan_name,
          e.plan.tiles,
          p.training_memory,
          p.training,
          std::move(overrides),
          std::move(versus_layer_by_layer),
          p.folded};
}

nlohmann::json run_summary_json(const Simulation& sim, const FusionPlan& plan,
                                const Schedule& schedule, const RunInfo& info) {
  const auto& g = sim.graph();
  nlohmann::json s = summary_json(schedule.summary, sim.accelerator());
  s["experiment"] = info.experiment;
  s["workload"] = g.name();
  s["batch"] = workloads::batch_of(g);
  s["mode"] = info.mode;
  s["plan"] = {
      {"stacks", info.plan_name}, {"stack_count", plan.stacks.size()}, {"tiles", info.tiles}};
  s["counts"]["ops"] = g.ops().size();
  s["counts"]["macs"] = g.totals().macs;
  if (!info.folded.folded.empty()) s["batchnorms_folded"] = info.folded.folded;
  if (!info.overrides.empty()) s["overrides"] = info.overrides;
  if (info.training_memory) {
    const auto& m = *info.training_memory;
    s["training_memory"] = {{"parameter_bytes", m.parameter_bytes},
                            {"gradient_bytes", m.gradient_bytes},
                            {"optimizer_state_bytes", m.optimizer_state_bytes},
                            {"saved_activation_bytes", m.saved_activation_bytes},
                            {"sequential_peak_bytes", m.sequential_peak_bytes}};
  }
  if (info.training) s["training"] = training::training_summary_json(*info.training);
  if (info.versus_layer_by_layer)
    s["versus_layer_by_layer"] = plan_delta_json(*info.versus_layer_by_layer);
  return s;
}

void write_run_files(core::OutputSet& set, const std::string& prefix, const Simulation& sim,
                     const FusionPlan& plan, const CnGraph& cns, const Schedule& schedule,
                     const RunInfo& info) {
  const auto& g = sim.graph();
  const auto& acc = sim.accelerator();
  set.write(prefix + "summary.json",
            core::json_text(run_summary_json(sim, plan, schedule, info), 2, "summary.json") + "\n");
  set.write(prefix + "schedule.trace.json",
            core::json_text(trace_json(schedule, g, cns, acc), -1, "schedule.trace.json") + "\n");
  set.write(prefix + "memory.csv", memory_csv(schedule.summary));
  set.write(prefix + "power.csv", power_csv(schedule, acc));
  set.write(prefix + "ops.csv", ops_csv(schedule, g, cns, acc));
}

void write_run_outputs(const std::string& dir, const Simulation& sim, const FusionPlan& plan,
                       const CnGraph& cns, const Schedule& schedule, const RunInfo& info) {
  core::OutputSet set(dir, "run");
  write_run_files(set, "", sim, plan, cns, schedule, info);
  set.commit();
}

}  // namespace monet::fusion

// The documents of one simulated run, shared by `monet-sim run` and the Python binding so
// both write byte-identical files: summary.json (summary_json plus what was run),
// schedule.trace.json, memory.csv and ops.csv, written as one core::OutputSet: the folder
// holds the previous complete set or the new one, never a mix.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/output_set.hpp"
#include "fusion/cn.hpp"
#include "fusion/experiment.hpp"
#include "fusion/plan_delta.hpp"
#include "fusion/schedule.hpp"
#include "fusion/simulation.hpp"
#include "training/memory.hpp"
#include "training/report.hpp"

namespace monet::fusion {

struct RunInfo {
  std::string experiment;
  std::string mode;       // "training" | "inference"
  std::string plan_name;  // "layer-by-layer", "blocks", ...
  int tiles = 1;
  std::optional<training::MemoryReport> training_memory;
  std::optional<training::TrainingSummary> training;
  std::vector<std::string> overrides;  // command-line values set in the experiment (`--set`)
  std::optional<PlanDelta> versus_layer_by_layer;  // `run`: the plan against layer-by-layer
  workloads::FoldReport folded;  // `workload.fold_batchnorm`: the BatchNorms folded
};

// What a prepared single-graph experiment ran: its name, mode, plan and training reports, the
// command-line values set in it and, for `run`, the plan against layer-by-layer.
RunInfo experiment_run_info(const Experiment& e, const Prepared& p,
                            std::vector<std::string> overrides,
                            std::optional<PlanDelta> versus_layer_by_layer = std::nullopt);

nlohmann::json run_summary_json(const Simulation& sim, const FusionPlan& plan,
                                const Schedule& schedule, const RunInfo& info);
void write_run_outputs(const std::string& dir, const Simulation& sim, const FusionPlan& plan,
                       const CnGraph& cns, const Schedule& schedule, const RunInfo& info);
// The same four files into a set being assembled, under `prefix` ("part/" or "").
void write_run_files(core::OutputSet& set, const std::string& prefix, const Simulation& sim,
                     const FusionPlan& plan, const CnGraph& cns, const Schedule& schedule,
                     const RunInfo& info);

}  // namespace monet::fusion

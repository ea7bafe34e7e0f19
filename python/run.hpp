// One simulated step as Python sees it: the simulation, its plan, CNs and schedule, plus the
// labels summary.json carries. Tables are built from the records on demand.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "fusion/cn.hpp"
#include "fusion/plan.hpp"
#include "fusion/plan_delta.hpp"
#include "fusion/schedule.hpp"
#include "fusion/simulation.hpp"
#include "python/bindings.hpp"
#include "training/memory.hpp"
#include "training/report.hpp"
#include "workloads/fold_batchnorm.hpp"

namespace monet::python {

struct Run {
  std::shared_ptr<const fusion::Simulation> sim;
  fusion::FusionPlan plan;
  fusion::CnGraph cns;
  fusion::Schedule schedule;
  std::string experiment;  // name in summary.json
  std::string mode;        // "training" | "inference"
  std::string plan_name;   // "blocks", ...
  int tiles = 1;
  std::optional<training::MemoryReport> training_memory;
  std::optional<training::TrainingSummary> training;
  bool records = true;
  fusion::PlanDelta versus_layer_by_layer;  // as `monet-sim run` reports it
  workloads::FoldReport folded;             // `workload.fold_batchnorm`
};

// Plans and schedules `spec` on `sim` (GIL released by the caller).
Run run_plan(std::shared_ptr<const fusion::Simulation> sim, const fusion::PlanSpec& spec,
             bool records);

// summary.json exactly as `monet-sim run` writes it (schema monet.summary/1).
nlohmann::json run_summary(const Run& r);
// Writes summary.json, schedule.trace.json, memory.csv and ops.csv like `monet-sim run`.
void write_run(const Run& r, const std::string& dir);

// Column name → numpy array (numbers) or list of str.
py::dict cn_table(const Run& r);
py::dict op_table(const Run& r);
py::dict transfer_table(const Run& r);
py::list memory_timelines(const Run& r);

}  // namespace monet::python

// A workload bound to an accelerator and its (cached) cost model: evaluates fusion plans.
// Evaluation is const and thread-safe, so a search can evaluate plans in parallel.
#pragma once

#include <memory>

#include "accelerators/accelerator.hpp"
#include "fusion/cn.hpp"
#include "fusion/plan.hpp"
#include "fusion/schedule.hpp"
#include "fusion/scheduler.hpp"
#include "mapping/cost.hpp"
#include "workloads/graph.hpp"

namespace monet::fusion {

class Simulation {
 public:
  Simulation(workloads::Graph graph, accelerators::Accelerator acc,
             mapping::CostOptions options = {});
  // Shares an accelerator and its cost cache with other simulations (e.g. the training graphs
  // of different checkpoint plans on one accelerator): costs depend on op shapes only.
  Simulation(workloads::Graph graph, std::shared_ptr<const accelerators::Accelerator> acc,
             std::shared_ptr<const mapping::CostModel> costs);

  const workloads::Graph& graph() const { return *graph_; }
  const accelerators::Accelerator& accelerator() const { return *acc_; }
  const mapping::CostModel& costs() const { return *costs_; }

  FusionPlan plan(const PlanSpec& spec) const { return make_plan(*graph_, *costs_, spec); }
  CnGraph cns(const FusionPlan& plan) const { return build_cns(*graph_, plan, *costs_); }
  Schedule evaluate(const FusionPlan& plan, const ScheduleOptions& options = {}) const;

  std::shared_ptr<const accelerators::Accelerator> shared_acc() const { return acc_; }
  std::shared_ptr<const mapping::CostModel> shared_costs() const { return costs_; }

 private:
  std::unique_ptr<workloads::Graph> graph_;
  std::shared_ptr<const accelerators::Accelerator> acc_;
  std::shared_ptr<const mapping::CostModel> costs_;
};

}  // namespace monet::fusion

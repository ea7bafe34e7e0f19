#include "fusion/simulation.hpp"

namespace monet::fusion {

Simulation::Simulation(workloads::Graph graph, accelerators::Accelerator acc,
                       mapping::CostOptions options)
    : graph_(std::make_unique<workloads::Graph>(std::move(graph))),
      acc_(std::make_shared<const accelerators::Accelerator>(std::move(acc))),
      costs_(std::make_shared<const mapping::CostModel>(*acc_, options)) {}

Simulation::Simulation(workloads::Graph graph, std::shared_ptr<const accelerators::Accelerator> acc,
                       std::shared_ptr<const mapping::CostModel> costs)
    : graph_(std::make_unique<workloads::Graph>(std::move(graph))),
      acc_(std::move(acc)),
      costs_(std::move(costs)) {}

Schedule Simulation::evaluate(const FusionPlan& plan, const ScheduleOptions& options) const {
  CnGraph cn = build_cns(*graph_, plan, *costs_);
  return schedule(*graph_, plan, cn, *acc_, options);
}

}  // namespace monet::fusion

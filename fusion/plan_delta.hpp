// A plan's figures against the layer-by-layer plan of the same experiment: one extra
// evaluation that says whether fusing pays on this workload and accelerator. Every `run`
// prints it (text summary and summary.json `versus_layer_by_layer`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "fusion/schedule.hpp"
#include "fusion/simulation.hpp"

namespace monet::fusion {

struct PlanFigures {
  double latency_s = 0;
  double energy_pj = 0;
  double dram_traffic_bytes = 0;  // DRAM reads + writes
  double peak_footprint_bytes = 0;
  double peak_onchip_bytes = 0;
};
PlanFigures plan_figures(const Summary& s);

struct PlanDelta {
  PlanFigures plan;            // the experiment's plan
  PlanFigures layer_by_layer;  // one op per stack, one tile, the same allocation rules
  bool same_plan = false;      // the experiment's plan is that plan (nothing re-evaluated)
  // True when layer-by-layer is no worse on every figure and better on one.
  bool dominated() const;
};

// The layer-by-layer plan of `spec` (its allocation kept) and the deltas to `schedule`, the
// schedule of `spec` on `sim`.
PlanDelta versus_layer_by_layer(const Simulation& sim, const PlanSpec& spec,
                                const Summary& schedule);
// {same_plan, dominated, layer_by_layer: {figures}, delta: {plan − layer-by-layer}, ratio:
// {plan / layer-by-layer, null where layer-by-layer is 0}}; figures in s, pJ and bytes.
nlohmann::json plan_delta_json(const PlanDelta& d);
// "  vs layer-by-layer latency +139.2 % (40.80 ms), energy ..." lines for the run summary.
std::string plan_delta_text(const PlanDelta& d);

}  // namespace monet::fusion

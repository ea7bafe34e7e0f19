// Power modes: `preset@mode` names a preset run in one of the modes it lists (as nvpmodel
// switches a Jetson between budgets). Applying a mode rewrites the description: clocks (and
// with them every per-cycle bandwidth), the cores left on, shared-memory and DRAM bandwidth,
// the power budget, and — where the mode states a voltage — on-chip dynamic energies by
// (V / V0)² and on-chip static power by V / V0.
#pragma once

#include <string>
#include <utility>

#include "accelerators/accelerator.hpp"

namespace monet::accelerators {

// "jetson-orin-nano@7W" → {"jetson-orin-nano", "7W"}; no '@' → {spec, ""}. The last '@'
// splits, so a path may hold one.
std::pair<std::string, std::string> split_mode(const std::string& spec);

// The accelerator in mode `mode` (named "<name>@<mode>", modes list emptied, budget and
// voltage the mode's; a mode without a budget has none). Throws core::Error listing the modes when
// `mode` is not one of them.
Accelerator apply_power_mode(const Accelerator& acc, const std::string& mode);

}  // namespace monet::accelerators

#include "accelerators/power.hpp"

#include <numeric>

namespace monet::accelerators {

double StaticPower::cores_w() const {
  return std::accumulate(core_w.begin(), core_w.end(), 0.0);
}

double leakage_w(const MemoryLevel& m) {
  if (m.shared_index >= 0) return 0;
  return m.leakage_w_per_byte * m.size_bytes * static_cast<double>(m.instances);
}

StaticPower static_power(const Accelerator& acc) {
  StaticPower p;
  for (const auto& c : acc.cores) {
    double w = c.static_power_w;
    for (const auto& m : c.memories) w += leakage_w(m);
    p.core_w.push_back(w);
  }
  for (const auto& m : acc.shared_memories)
    p.shared_memory_w += m.leakage_w_per_byte * m.size_bytes * static_cast<double>(m.instances);
  p.dram_w = acc.dram.background_power_w + acc.dram.refresh_power_w;
  p.board_w = acc.board.baseline_power_w;
  p.regulator_efficiency = acc.board.regulator_efficiency;
  return p;
}

}  // namespace monet::accelerators

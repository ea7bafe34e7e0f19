// Static power of an accelerator: what it draws while a run lasts, busy or idle. The one place
// that adds up the YAML's static figures (cores, memory leakage, DRAM, board), so reports,
// summaries and searches agree on it.
#pragma once

#include <vector>

#include "accelerators/accelerator.hpp"

namespace monet::accelerators {

struct StaticPower {
  std::vector<double> core_w;  // per core: static_power + leakage of its private memories
  double shared_memory_w = 0;  // leakage of Accelerator::shared_memories (counted once)
  double dram_w = 0;           // background + refresh
  double board_w = 0;          // board baseline, already at the supply
  double regulator_efficiency = 1;

  double cores_w() const;
  double chip_w() const { return cores_w() + shared_memory_w + dram_w; }  // before regulators
  // At the supply: chip and DRAM through the regulators, plus the board baseline.
  double supply_w() const { return chip_w() / regulator_efficiency + board_w; }
  bool described() const { return chip_w() > 0 || board_w > 0; }
};

// Leakage of one memory level over all its copies (private levels; a core's copy of a shared
// level counts nothing here, its leakage is in StaticPower::shared_memory_w).
double leakage_w(const MemoryLevel& m);

StaticPower static_power(const Accelerator& acc);

}  // namespace monet::accelerators

// A core's memory hierarchy as the mapper sees it: the core's levels innermost first, then
// the off-chip DRAM as the outermost level holding every operand; for each operand the chain
// of levels that hold it. Internal to mapping/.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"

namespace monet::mapping::detail {

inline constexpr int kMaxLevels = 10;  // on-chip levels + DRAM

struct Level {
  std::string name;
  bool is_dram = false;
  double capacity_bits = 0;         // per instance (DRAM: unlimited)
  double read_bits_per_cycle = 0;   // per instance, all ports; 0 = unlimited
  double write_bits_per_cycle = 0;  // per instance, all ports; DRAM: shared with reads
  double read_pj_per_bit = 0;
  double write_pj_per_bit = 0;
  std::array<bool, 3> holds{true, true, true};
  std::vector<bool> serves;    // per array dim: one instance spans the PEs along that dim
  double instances = 1;        // copies side by side (one per unserved array position)
  double min_access_bits = 0;  // a transfer to or from one copy is rounded up to this
};

struct Hierarchy {
  std::vector<Level> levels;              // on-chip innermost first, DRAM last
  accelerators::Execution execution;      // the core's: overlap, stationary load, issue
  std::array<std::vector<int>, 3> chain;  // per operand: levels holding it, DRAM last
  int dram() const { return static_cast<int>(levels.size()) - 1; }
  int onchip() const { return static_cast<int>(levels.size()) - 1; }
};

// `array` is the operational array the mapper unrolls over (for a SIMD core: its lanes).
Hierarchy make_hierarchy(const accelerators::Accelerator& acc, const accelerators::Core& core,
                         const std::vector<accelerators::ArrayDim>& array);

// The lanes of a SIMD core as a one-dimensional array, so loop nests run on it.
std::vector<accelerators::ArrayDim> effective_array(const accelerators::Core& core);

}  // namespace monet::mapping::detail

// Spatial unrolling: each array dimension unrolls one loop dimension from its `unrolls` list.
// Internal to mapping/.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"
#include "workloads/op.hpp"

namespace monet::mapping::detail {

using Extents = std::array<int64_t, workloads::kDimCount>;

struct SpatialMapping {
  std::vector<int> dim_of;                   // per array dim: the loop dim it unrolls, -1 for none
  std::vector<int64_t> factor;               // per array dim: how many PEs along it are used
  Extents total{1, 1, 1, 1, 1, 1, 1, 1};     // per loop dim: product of its unroll factors
  Extents temporal{1, 1, 1, 1, 1, 1, 1, 1};  // per loop dim: ceil(size / total)
  double compute_cycles = 0;                 // product of temporal extents
  double utilization = 0;                    // MACs / (compute_cycles · PEs)

  // Unroll factors per loop dim restricted to the array dims a memory level spans.
  Extents served(const std::vector<bool>& serves) const;
  std::string str(const std::vector<accelerators::ArrayDim>& array) const;
};

// The unrollings with the fewest compute cycles, best first: those within `slack` times the
// fewest (a slightly less regular unrolling may relieve a memory port), at most
// `max_candidates`. An array dim whose options all have size 1 in this nest stays unused; any
// dim may stay unused (ranked by its compute cycles like the rest).
// Unrollings for which `keep` is false (e.g. one step's operands overflow a memory) are
// dropped before the best are chosen.
std::vector<SpatialMapping> spatial_candidates(
    const workloads::LoopNest& nest, const std::vector<accelerators::ArrayDim>& array,
    int max_candidates, double slack,
    const std::function<bool(const SpatialMapping&)>& keep = nullptr);

}  // namespace monet::mapping::detail

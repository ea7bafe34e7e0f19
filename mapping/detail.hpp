// The three pricing paths behind CostModel and what they share. Internal to mapping/.
#pragma once

#include <string>

#include "mapping/cost.hpp"
#include "mapping/temporal.hpp"

namespace monet::mapping::detail {

OpCost infeasible(std::string reason);

// Fills cycles, energy, traffic and DRAM bytes of `cost` from an evaluation.
void fill_cost(OpCost& cost, const Hierarchy& h, const Evaluation& ev, double mac_pj,
               double vector_pj);
// OpCost::bound_by of an evaluation: the largest part of its on-chip cycles.
std::string onchip_bound_by(const Hierarchy& h, const Evaluation& ev);
// Weight dequantisation (OpShape::dequant_ops per W element) on the core's vector unit, beside
// the array unless the core runs in order; adds to the phases, cycles and vector energy.
void add_dequantisation(OpCost& c, const OpShape& s, const accelerators::Core& core);

// Loop nests on a dataflow array, GPU SM or SIMD core: spatial × temporal search.
OpCost array_cost(const OpShape& s, const accelerators::Accelerator& acc,
                  const accelerators::Core& core, const CostOptions& o);
// Loop nests on compute-in-memory crossbars.
OpCost cim_cost(const OpShape& s, const accelerators::Accelerator& acc,
                const accelerators::Core& core, const CostOptions& o);
double cim_peak_macs_per_cycle(const accelerators::Core& core);
// Table-lookup matmul cores (mapping/tlmm.cpp).
OpCost tlmm_cost(const OpShape& s, const accelerators::Accelerator& acc,
                 const accelerators::Core& core);
// Energy and cycles of reprogramming `weights` weights of which `fraction` of the cells are
// actually written (threshold-based updates write only the cells whose update passed).
struct CimWrite {
  double cells_written = 0;
  double energy_pj = 0;
  double cycles = 0;
};
// `copies` copies of the weights, each in its own crossbars.
CimWrite cim_write(const accelerators::Core& core, double weights, double fraction, int copies = 1);
// Element-streaming ops (and, on a CIM core, the cell writes of an optimizer update).
OpCost element_cost(const OpShape& s, const accelerators::Accelerator& acc,
                    const accelerators::Core& core, const CostOptions& o);

}  // namespace monet::mapping::detail

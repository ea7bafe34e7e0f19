// Element-streaming ops (activations, normalisations, softmax, pooling, adds, losses,
// gradient sums, optimizer updates): operations at the core's vector rate, operands streamed
// once through the outermost on-chip level that holds them, and — standalone — read from and
// written to DRAM once. Layout changes (reshape, concat) are views: producers write straight
// into the final layout, so they cost nothing.
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "mapping/detail.hpp"

namespace monet::mapping::detail {

using workloads::OpKind;

namespace {
// Outermost on-chip level holding operand x, or -1.
int outermost(const Hierarchy& h, int x) {
  int top = -1;
  for (int l = 0; l < h.onchip(); ++l)
    if (h.levels[l].holds[x]) top = l;
  return top;
}

std::string count(double v) {
  return std::to_string(static_cast<long long>(std::llround(v)));
}
}  // namespace

OpCost element_cost(const OpShape& s, const accelerators::Accelerator& acc,
                    const accelerators::Core& core, const CostOptions& o) {
  OpCost c;
  if (s.kind == OpKind::kReshape || s.kind == OpKind::kConcat) {
    c.spatial_utilization = 1;
    c.mapping = "layout change: a view, no data moved";
    return c;
  }
  const double ops = static_cast<double>(s.elements) * s.ops_per_element;
  if (ops > 0 && core.vector_ops_per_cycle <= 0)
    return infeasible("core '" + core.name + "' has no vector throughput for " +
                      std::string(workloads::op_kind_name(s.kind)) + " ops");
  Hierarchy h = make_hierarchy(acc, core, {});
  Evaluation ev;
  LevelBits dsr{}, dsw{};
  const double in_bits = static_cast<double>(s.read_elements) * s.operand_bits[0];
  const double out_bits = static_cast<double>(s.write_elements) * s.operand_bits[2];
  const int dram = h.dram();
  ev.read_bits[dram][0] = in_bits;
  ev.write_bits[dram][2] = out_bits;
  int top_in = outermost(h, 0), top_out = outermost(h, 2);
  if (top_in >= 0) {
    ev.write_bits[top_in][0] += in_bits;  // arrives from DRAM
    ev.read_bits[top_in][0] += in_bits;   // to the vector unit
    ev.pe_read_bits[top_in] += in_bits;
    dsw[top_in] += in_bits;
  }
  if (top_out >= 0) {
    ev.write_bits[top_out][2] += out_bits;  // from the vector unit
    ev.read_bits[top_out][2] += out_bits;   // leaves for DRAM
    ev.pe_write_bits[top_out] += out_bits;
    dsr[top_out] += out_bits;
  }
  add_transfer(h, dram, top_in >= 0 ? top_in : dram, top_in >= 0 ? in_bits : 0, ev);
  add_transfer(h, top_out >= 0 ? top_out : dram, dram, top_out >= 0 ? out_bits : 0, ev);
  ev.compute_cycles = ops > 0 ? ops / core.vector_ops_per_cycle : 0;
  // An instruction-driven vector unit (Tensil's SIMD) issues one instruction per vector of
  // its width and per operation, so each vector's operation pays the core's issue cost.
  ev.instructions = ops > 0 ? std::ceil(ops / core.vector_ops_per_cycle - 1e-9) : 0;
  const double vector_pj = ops * core.vector_op_energy_pj;

  CimWrite w;
  if (core.kind == accelerators::CoreKind::kCim && s.kind == OpKind::kOptimizer) {
    // The updated weights live in the crossbars: only cells whose accumulated update passed
    // the threshold are reprogrammed.
    double f = o.written_fraction >= 0 ? o.written_fraction : core.cim.written_fraction;
    w = cim_write(core, static_cast<double>(s.elements), f);
    c.energy.cim_write_pj = w.energy_pj;
    ev.compute_cycles += w.cycles;
  }
  finish_evaluation(h, ev, dsr, dsw, vector_pj + w.energy_pj);
  fill_cost(c, h, ev, 0, vector_pj);
  double lanes = std::max(1.0, core.vector_ops_per_cycle);
  c.spatial_utilization = ops >= lanes ? 1.0 : ops / lanes;
  std::string through = top_in >= 0 ? h.levels[top_in].name : "dram";
  c.mapping = "vector: " + count(ops) + " ops at " + count(core.vector_ops_per_cycle) + "/cycle, " +
              count(static_cast<double>(s.read_elements)) + " elements in, " +
              count(static_cast<double>(s.write_elements)) + " out, through " + through;
  if (w.cells_written > 0 || c.energy.cim_write_pj > 0)
    c.mapping += "; " + count(w.cells_written) + " crossbar cells rewritten";
  return c;
}

}  // namespace monet::mapping::detail

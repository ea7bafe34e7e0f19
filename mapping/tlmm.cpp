// Table-lookup matmul (TeLLMe's TLMM; T-MAC on CPUs). A linear layer O[m][k] = Σ_c W[k][c] ·
// I[m][c] with weights of few levels (ternary: −1, 0, +1) needs no multiplier: each row's
// activations are cut into groups of g; for each group a table holds the partial sum of every
// combination of weight values (levels^g entries, built online with one add each, in order);
// each output then takes, per group, one lookup indexed by the group's g weight codes and one
// accumulate. Costs are lookups, table entries built and the traffic of the operands, not MACs.
//
// Tables of every row of the op cannot always be held at once: rows are taken in passes of as
// many rows as the table memory holds (at least one), and the weights stream once per pass.
// Builds are pipelined with the lookups (the next group's table is built while the current one
// is read), so the compute time is the slower of the two; under `overlap: none` they add.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mapping/detail.hpp"

namespace monet::mapping::detail {

using workloads::Dim;
using workloads::Operand;

OpCost tlmm_cost(const OpShape& s, const accelerators::Accelerator& acc,
                 const accelerators::Core& core) {
  const auto& t = core.tlmm;
  const auto& n = *s.nest;
  if (!s.weight_is_parameter)
    return infeasible("core '" + core.name +
                      "' looks partial sums up by weight codes: it runs products with a weight "
                      "parameter, not products of two activations");
  if (s.pass != workloads::Pass::kForward)
    return infeasible("core '" + core.name + "' runs forward table lookups only, not " +
                      std::string(workloads::pass_name(s.pass)));
  if (s.operand_bits[1] > t.weight_bits)
    return infeasible("core '" + core.name + "' indexes its tables with " +
                      std::to_string(t.weight_bits) + "-bit weight codes (" +
                      std::to_string(t.weight_levels) + " levels), not " +
                      std::to_string(s.operand_bits[1]) + "-bit weights");
  if (s.operand_bits[0] > core.precision_bits)
    return infeasible("core '" + core.name + "' builds its tables from " +
                      std::to_string(core.precision_bits) + "-bit activations, not " +
                      std::to_string(s.operand_bits[0]) + "-bit ones");
  if (n[Dim::kFY] != 1 || n[Dim::kFX] != 1 || n.output != Operand::kO)
    return infeasible("core '" + core.name + "' runs linear layers (no filter window)");

  const double rows = static_cast<double>(n[Dim::kB] * n[Dim::kG] * n[Dim::kOY] * n[Dim::kOX]);
  const double outs = static_cast<double>(n[Dim::kK]);
  const double red = static_cast<double>(n[Dim::kC]);
  const double groups = std::ceil(red / t.group);  // activation groups per row
  const double per_table = static_cast<double>(t.entries_per_table());
  const double rows_per_pass =
      std::max(1.0, std::floor(static_cast<double>(t.table_entries) / (groups * per_table)));
  const double passes = std::ceil(rows / rows_per_pass);
  const double entries = rows * groups * per_table;
  const double lookups = rows * outs * groups;
  const double lookup_cycles = lookups / t.lookups_per_cycle;
  const double build_cycles = entries / t.entries_per_cycle;

  OpCost cost;
  cost.table_lookups = lookups;
  cost.table_entries_built = entries;
  cost.table_passes = passes;
  cost.energy.table_pj = lookups * t.lookup_energy_pj + entries * t.entry_energy_pj;

  // Each operand streams once through its chain of levels; the weights once per pass.
  Hierarchy h = make_hierarchy(acc, core, {});
  Evaluation ev;
  LevelBits dsr{}, dsw{};
  const double elems[3] = {rows * red, outs * red, rows * outs};
  const double moves[3] = {1, passes, 1};
  for (int x = 0; x < 3; ++x) {
    const auto& chain = h.chain[x];
    const double bits = elems[x] * s.stored(x);
    const bool out = x == 2;
    if (out) {
      ev.write_bits[chain[0]][x] += bits;
      ev.pe_write_bits[chain[0]] += bits;
    } else {
      ev.read_bits[chain[0]][x] += bits * moves[x];
      ev.pe_read_bits[chain[0]] += bits * moves[x];
    }
    for (size_t k = 0; k + 1 < chain.size(); ++k) {
      // An operand that fits the level moves across the boundary once.
      const bool fits = bits <= h.levels[chain[k]].capacity_bits;
      const double moved = bits * (fits ? 1 : moves[x]);
      const int inner = chain[k], outer = chain[k + 1];
      if (out) {
        ev.read_bits[inner][x] += moved;
        ev.write_bits[outer][x] += moved;
        if (outer == h.dram()) dsr[inner] += moved;
        add_transfer(h, inner, outer, moved, ev);
      } else {
        ev.write_bits[inner][x] += moved;
        ev.read_bits[outer][x] += moved;
        if (outer == h.dram()) dsw[inner] += moved;
        add_transfer(h, outer, inner, moved, ev);
      }
    }
  }
  ev.compute_cycles = core.execution.overlap == accelerators::Overlap::kNone
                          ? lookup_cycles + build_cycles
                          : std::max(lookup_cycles, build_cycles);
  finish_evaluation(h, ev, dsr, dsw, cost.energy.table_pj);
  fill_cost(cost, h, ev, 0, 0);
  cost.energy.table_pj = lookups * t.lookup_energy_pj + entries * t.entry_energy_pj;
  cost.energy_pj = cost.energy.total();
  cost.onchip_energy_pj = cost.energy_pj - cost.energy.dram_pj;
  cost.spatial_utilization = 1;
  char text[400];
  std::snprintf(text, sizeof text,
                "tlmm: %.0f rows x %.0f outputs, %.0f groups of %d activations per row; %.0f "
                "tables of %.0f entries built (%.0f cycles), %.0f lookups (%.0f cycles), weights "
                "streamed %.0f time(s) (%.0f rows per pass)",
                rows, outs, groups, t.group, rows * groups, per_table, build_cycles, lookups,
                lookup_cycles, passes, rows_per_pass);
  cost.mapping = text;
  return cost;
}

}  // namespace monet::mapping::detail

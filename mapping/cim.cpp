// Compute-in-memory crossbars (NeuroSim / ZigZag-IMC style). Weights are tiled over the
// crossbars: rows are the reduction dims (C·FY·FX), columns the output channels (K), each
// weight spread over weight_bits / cell_bits cells; groups pack block-diagonally. Inputs are
// applied bit-serially (input_bits / dac_bits cycles), and each cycle lasts as long as an ADC
// needs to convert the columns multiplexed onto it. A dX op reads the same crossbars
// transposed: it drives the columns (one bit slice at a time) and senses the rows. A dW op has
// no operand that stays in the array, so a CIM core cannot run it.
//
// Mapping (ISAAC / PUMA style): the weight matrix is partitioned into crossbar tiles that run
// in parallel; when one copy leaves crossbars idle, the weights are replicated over them and
// each copy takes its own input vectors (ISAAC replicates early layers to balance its
// pipeline). Every crossbar has its own ADCs (cols / cols_per_adc), so copies convert in
// parallel. The partial sums of a reduction split over several crossbars are added
// digitally by the core's vector units, pipelined with the next MVM.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "mapping/detail.hpp"

namespace monet::mapping::detail {

using workloads::Dim;
using workloads::Operand;

namespace {
struct Geometry {
  int64_t cells_per_weight = 1;
  int64_t weights_per_row = 1;  // weights side by side on one crossbar row
  int64_t input_cycles = 1;
  double cycle = 1;  // core cycles per input cycle, ADC-limited
};

Geometry geometry(const accelerators::Core& core) {
  const auto& c = core.cim;
  if (c.rows <= 0 || c.cols <= 0 || c.crossbars <= 0 || c.cell_bits <= 0 || c.dac_bits <= 0)
    throw core::Error("CIM core '" + core.name +
                      "': rows, cols, crossbars, cell_bits and dac_bits must be > 0");
  Geometry g;
  g.cells_per_weight = (c.weight_bits + c.cell_bits - 1) / c.cell_bits;
  g.weights_per_row = c.cols / g.cells_per_weight;
  if (g.weights_per_row < 1)
    throw core::Error("CIM core '" + core.name + "': a crossbar row of " + std::to_string(c.cols) +
                      " cells cannot hold one " + std::to_string(c.weight_bits) + "-bit weight");
  g.input_cycles = (c.input_bits + c.dac_bits - 1) / c.dac_bits;
  g.cycle = std::max(1.0, std::ceil(std::max(1, c.cols_per_adc) * c.adc_delay_s * core.clock_hz));
  return g;
}

int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}
}  // namespace

double cim_peak_macs_per_cycle(const accelerators::Core& core) {
  Geometry g = geometry(core);
  return static_cast<double>(core.cim.crossbars * core.cim.rows * g.weights_per_row) /
         (static_cast<double>(g.input_cycles) * g.cycle);
}

CimWrite cim_write(const accelerators::Core& core, double weights, double fraction, int copies) {
  if (fraction < 0 || fraction > 1)
    throw core::Error("CIM written fraction must be in [0, 1], got " + std::to_string(fraction));
  Geometry g = geometry(core);
  const auto& c = core.cim;
  CimWrite w;
  if (copies < 1 || copies > c.crossbars)
    throw core::Error("CIM core '" + core.name + "' cannot hold " + std::to_string(copies) +
                      " copies of the weights in " + std::to_string(c.crossbars) + " crossbars");
  double cells = weights * static_cast<double>(g.cells_per_weight);
  w.cells_written = cells * fraction * copies;
  w.energy_pj = w.cells_written * c.cell_write_energy_pj;
  // Rows are programmed one pulse at a time, crossbars in parallel (each copy in its share of
  // the crossbars); a row needs a pulse when at least one of its cells is written.
  double rows = std::ceil(cells / static_cast<double>(c.cols));
  double rows_per_crossbar = std::ceil(rows / static_cast<double>(c.crossbars / copies));
  double row_touched = 1 - std::pow(1 - fraction, static_cast<double>(c.cols));
  w.cycles = rows_per_crossbar * row_touched * c.write_pulse_s * core.clock_hz;
  return w;
}

OpCost cim_cost(const OpShape& s, const accelerators::Accelerator& acc,
                const accelerators::Core& core, const CostOptions& o) {
  const auto& n = *s.nest;
  if (n.output == Operand::kW)
    return infeasible("core '" + core.name +
                      "' is compute-in-memory: it cannot run a weight-gradient (dW) op, which "
                      "has no stationary operand to keep in the crossbars (dW = sum of dO x I "
                      "over batch and positions, both streaming); map dW to a digital core");
  const auto& c = core.cim;
  const Geometry g = geometry(core);
  const bool transposed = n.output == Operand::kI;
  const int64_t groups = n[Dim::kG], red = n[Dim::kC] * n[Dim::kFY] * n[Dim::kFX],
                outs = n[Dim::kK];
  const double vectors = static_cast<double>(n[Dim::kB] * n[Dim::kOY] * n[Dim::kOX]);

  // Small groups share a crossbar along its diagonal.
  int64_t per_pack = 1;
  if (red <= c.rows && outs <= g.weights_per_row)
    per_pack = std::min({c.rows / red, g.weights_per_row / outs, groups});
  const int64_t packs = ceil_div(groups, per_pack);
  const int64_t rt_max = ceil_div(per_pack * red, c.rows);
  const int64_t ct_max = ceil_div(per_pack * outs, g.weights_per_row);

  // Walk the tiles (pack, column tile, row tile), `crossbars` per pass, counting per input
  // vector what is driven, sensed, read from the input buffer and written as (partial) output.
  std::vector<int64_t> row_seen(packs * rt_max, -1), col_seen(packs * ct_max, -1);
  double drives = 0, conversions = 0, cells = 0, in_reads = 0, out_writes = 0;
  double contributions = 0;  // per input vector: partial results sensed, over all tiles
  double program_rows = 0;   // sum over passes of the rows programmed in the fullest crossbar
  int64_t tile = 0, pass = -1, pass_rows = 0;
  for (int64_t p = 0; p < packs; ++p) {
    int64_t in_pack = std::min(per_pack, groups - p * per_pack);
    int64_t rows_p = in_pack * red, weights_p = in_pack * outs;
    int64_t rt = ceil_div(rows_p, c.rows), ct = ceil_div(weights_p, g.weights_per_row);
    for (int64_t j = 0; j < ct; ++j)
      for (int64_t i = 0; i < rt; ++i, ++tile) {
        if (tile / c.crossbars != pass) {
          program_rows += static_cast<double>(pass_rows);
          pass = tile / c.crossbars;
          pass_rows = 0;
        }
        int64_t rows = std::min(c.rows, rows_p - i * c.rows);
        int64_t wts = std::min(g.weights_per_row, weights_p - j * g.weights_per_row);
        pass_rows = std::max(pass_rows, rows);
        cells += static_cast<double>(rows * wts * g.cells_per_weight);
        bool new_row = row_seen[p * rt_max + i] != pass;
        bool new_col = col_seen[p * ct_max + j] != pass;
        row_seen[p * rt_max + i] = col_seen[p * ct_max + j] = pass;
        if (!transposed) {
          drives += static_cast<double>(rows);
          conversions += static_cast<double>(wts * g.cells_per_weight);
          if (new_row) in_reads += static_cast<double>(rows);
          if (new_col) out_writes += static_cast<double>(wts);
          contributions += static_cast<double>(wts);
        } else {
          drives += static_cast<double>(wts * g.cells_per_weight);
          conversions += static_cast<double>(rows * g.cells_per_weight);
          if (new_col) in_reads += static_cast<double>(wts);
          if (new_row) out_writes += static_cast<double>(rows);
          contributions += static_cast<double>(rows);
        }
      }
  }
  program_rows += static_cast<double>(pass_rows);
  const double passes = static_cast<double>(pass + 1);
  const double ic = static_cast<double>(g.input_cycles);
  const double cycle = transposed ? g.cycle * static_cast<double>(g.cells_per_weight) : g.cycle;
  // Replication: when one copy of the weights fits in one pass, spare crossbars hold more
  // copies (never more than there are input vectors to share out).
  int64_t copies = 1;
  if (pass == 0)
    copies = std::max<int64_t>(
        1, std::min<int64_t>(c.crossbars / tile, static_cast<int64_t>(std::ceil(vectors))));
  const double steps = std::ceil(vectors / static_cast<double>(copies));
  // Partial-sum adds per input vector: every partial result beyond the first of an output
  // (inside a pass the crossbars' results meet in the adders; across passes the sum read
  // back from the output buffer is added to).
  const double outputs_per_vector = static_cast<double>(transposed ? groups * red : groups * outs);
  const double adds = std::max(0.0, contributions - outputs_per_vector);
  const double add_rate = std::max(1e-9, core.vector_ops_per_cycle);
  const double mvm_cycles = passes * steps * ic * cycle;
  const double add_cycles = vectors * adds / add_rate;
  // The adds of one step's vectors drain after the last MVM.
  const double add_drain = static_cast<double>(copies) * adds / passes / add_rate;

  OpCost cost;
  cost.energy.cim_dac_pj = vectors * ic * drives * c.dac_energy_pj;
  cost.energy.cim_adc_pj = vectors * ic * conversions * c.adc_energy_pj;
  // Array current per active cell per input cycle, the shift-and-add that merges bit-serial
  // and bit-sliced results (one per conversion), and any per-MAC periphery energy.
  double mac_pj =
      vectors * ic * (cells * c.cell_read_energy_pj + conversions * core.vector_op_energy_pj) +
      static_cast<double>(n.macs()) * core.mac_energy_pj;
  const double add_pj = vectors * adds * core.vector_op_energy_pj;
  const bool program = !(o.weights_resident && s.weight_is_parameter && passes == 1);
  double program_cycles = 0;
  if (program) {
    // Copies sit in different crossbars: programmed in parallel, each cell written.
    cost.energy.cim_write_pj = cells * static_cast<double>(copies) * c.cell_write_energy_pj;
    program_cycles = program_rows * c.write_pulse_s * core.clock_hz;
  }

  // Activations: the driven operand is read from its innermost level per pass; outputs are
  // written there, partial sums read back when a later pass adds to them.
  Hierarchy h = make_hierarchy(acc, core, {});
  Evaluation ev;
  LevelBits dsr{}, dsw{};
  const int xi = transposed ? 2 : 0, xo = transposed ? 0 : 2;
  const double full_in =
      static_cast<double>(n.operand_elements(static_cast<Operand>(xi), s.in_h, s.in_w));
  const double full_out =
      static_cast<double>(n.operand_elements(static_cast<Operand>(xo), s.in_h, s.in_w));
  const double bi = s.operand_bits[xi], bo = s.operand_bits[xo];
  const auto& ci = h.chain[xi];
  ev.read_bits[ci[0]][xi] += vectors * in_reads * bi;
  ev.pe_read_bits[ci[0]] += vectors * in_reads * bi;
  for (size_t k = 0; k + 1 < ci.size(); ++k) {
    bool fits = full_in * bi <= h.levels[ci[k]].capacity_bits;
    double moved = full_in * bi * (fits ? 1 : passes);
    ev.write_bits[ci[k]][xi] += moved;
    ev.read_bits[ci[k + 1]][xi] += moved;
    if (ci[k + 1] == h.dram()) dsw[ci[k]] += moved;
    add_transfer(h, ci[k + 1], ci[k], moved, ev);
  }
  const auto& co = h.chain[xo];
  double writes = vectors * out_writes * bo;
  ev.write_bits[co[0]][xo] += writes;
  ev.read_bits[co[0]][xo] += std::max(0.0, writes - full_out * bo);
  ev.pe_write_bits[co[0]] += writes;
  ev.pe_read_bits[co[0]] += std::max(0.0, writes - full_out * bo);
  for (size_t k = 0; k + 1 < co.size(); ++k) {
    ev.read_bits[co[k]][xo] += full_out * bo;
    ev.write_bits[co[k + 1]][xo] += full_out * bo;
    if (co[k + 1] == h.dram()) dsr[co[k]] += full_out * bo;
    add_transfer(h, co[k], co[k + 1], full_out * bo, ev);
  }
  if (program) {
    // Weights come from DRAM, staged through the outermost on-chip level that holds them.
    double wbits = static_cast<double>(groups * red * outs) * s.stored(1);
    ev.read_bits[h.dram()][1] += wbits;
    int stage = h.chain[1].size() > 1 ? h.chain[1][h.chain[1].size() - 2] : -1;
    if (stage >= 0) {
      ev.write_bits[stage][1] += wbits;
      ev.read_bits[stage][1] += wbits;
      dsw[stage] += wbits;
    }
    add_transfer(h, h.dram(), stage >= 0 ? stage : h.dram(), stage >= 0 ? wbits : 0, ev);
  }

  ev.compute_cycles = std::max(mvm_cycles, add_cycles) + add_drain + program_cycles;
  finish_evaluation(
      h, ev, dsr, dsw,
      mac_pj + add_pj + cost.energy.cim_dac_pj + cost.energy.cim_adc_pj + cost.energy.cim_write_pj);
  fill_cost(cost, h, ev, mac_pj, add_pj);
  cost.weight_copies = static_cast<int>(copies);
  cost.crossbars_used = static_cast<int>(copies * std::min<int64_t>(tile, c.crossbars));
  cost.spatial_utilization = cells * static_cast<double>(copies) /
                             (passes * static_cast<double>(c.crossbars * c.rows * c.cols));
  auto num = [](double v) { return std::to_string(static_cast<long long>(std::llround(v))); };
  auto rate = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return std::string(text);
  };
  cost.mapping =
      std::string(transposed ? "cim transposed read (dX)" : "cim") + ": weights " + num(groups) +
      " group(s) of " + num(red) + " rows x " + num(outs) + " outputs, " + num(g.cells_per_weight) +
      " cells/weight, " + num(packs) + " pack(s) of " + num(per_pack) + " group(s), " + num(tile) +
      " crossbar tiles over " + num(passes) + " pass(es) of " + num(c.crossbars) + ", " +
      num(copies) + " cop" + (copies == 1 ? "y" : "ies") + " of the weights; " + num(vectors) +
      " input vectors (" + num(steps) + " per copy) x " + num(ic) + " bit-serial cycles x " +
      num(cycle) + " cycles (ADC-limited, " + num(c.cols / std::max(1, c.cols_per_adc)) +
      " ADCs per crossbar); " + num(adds) + " partial-sum adds per vector at " +
      rate(core.vector_ops_per_cycle) + "/cycle" +
      (program ? "; programming " + num(program_cycles) + " cycles" : "; weights resident");
  return cost;
}

}  // namespace monet::mapping::detail

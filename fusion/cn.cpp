#include "fusion/cn.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace monet::fusion {

using workloads::Dim;
using workloads::Graph;
using workloads::Op;
using workloads::Pass;

namespace {
int64_t ceil_scale(int64_t n, int64_t rows, int64_t total) {
  return total <= 0 ? n : (n * rows + total - 1) / total;
}

// Rows [lo, hi) of tile t out of T over R rows.
std::pair<int64_t, int64_t> tile_rows(int t, int T, int64_t R) {
  return {static_cast<int64_t>(t) * R / T, static_cast<int64_t>(t + 1) * R / T};
}
}  // namespace

mapping::OpShape tile_shape(const Graph& g, const Op& op, int64_t rows) {
  mapping::OpShape s = mapping::shape_of(g, op);
  int64_t total = split_rows(g, op);
  if (rows >= total) return s;
  if (s.nest) {
    auto& n = *s.nest;
    Dim d = n[Dim::kOY] > 1 ? Dim::kOY : Dim::kOX;
    n[d] = rows;
    if (d == Dim::kOY && op.kind == workloads::OpKind::kConv)
      s.in_h = std::min<int64_t>(s.in_h, n.input_extent_y(rows, n[Dim::kFY]));
  } else {
    s.elements = ceil_scale(s.elements, rows, total);
    s.read_elements = ceil_scale(s.read_elements, rows, total);
    s.write_elements = ceil_scale(s.write_elements, rows, total);
  }
  return s;
}

namespace {
// Fraction [lo, hi) of tensor x's rows that tile rows [a, b) of consumer op c need.
std::pair<double, double> needed_fraction(const Graph& g, const Op& c, int x, int64_t a, int64_t b,
                                          int64_t rows_c) {
  double fa = static_cast<double>(a) / rows_c, fb = static_cast<double>(b) / rows_c;
  if (!c.nest) return {fa, fb};
  const auto& n = *c.nest;
  int role = -1;
  for (int r = 0; r < 3; ++r)
    if (c.operand_tensor[r] == x) role = r;
  if (role == static_cast<int>(workloads::Operand::kW)) return {0.0, 1.0};
  // A conv reads input rows through its window in forward, recompute and dW alike.
  if (role == static_cast<int>(workloads::Operand::kI) && c.kind == workloads::OpKind::kConv &&
      n.output != workloads::Operand::kI && n[Dim::kOY] > 1) {
    const auto& shape = g.tensor(x).shape;
    int64_t h = shape.size() == 4 ? shape[2] : 1;
    int64_t lo = a * n.stride_y - n.pad_y;
    int64_t hi = (b - 1) * n.stride_y - n.pad_y + (n[Dim::kFY] - 1) * n.dilation_y + 1;
    lo = std::clamp<int64_t>(lo, 0, h);
    hi = std::clamp<int64_t>(hi, lo, h);
    return {static_cast<double>(lo) / h, static_cast<double>(hi) / h};
  }
  return {fa, fb};
}
void add_pred(CN& cn, int p) {
  if (std::find(cn.preds.begin(), cn.preds.end(), p) == cn.preds.end()) cn.preds.push_back(p);
}

// Weights that live in CIM crossbars must be rewritten after their optimizer update: one CN
// per CIM core that runs a forward op reading the parameter, after the update, reading the
// updated weights (so they travel to the core) and costing the cell writes of the written
// fraction (mapping::CostModel::weight_update).
void add_cim_programming(const Graph& g, const FusionPlan& plan, const mapping::CostModel& costs,
                         const Op& update, CnGraph& out) {
  const auto& acc = costs.accelerator();
  int param = -1, updated = -1;
  for (int t : update.inputs)
    if (g.tensor(t).kind == workloads::TensorKind::kParameter) param = t;
  for (int t : update.outputs)
    if (g.tensor(t).kind == workloads::TensorKind::kParameter) updated = t;
  if (param < 0 || updated < 0) return;
  // Per CIM core: the most copies of the weights any forward consumer keeps there.
  std::vector<std::pair<int, int>> cim_cores;
  for (int consumer : g.tensor(param).consumers) {
    if (g.op(consumer).pass != Pass::kForward) continue;
    int c = plan.core_of_op[consumer];
    if (acc.cores[c].kind != accelerators::CoreKind::kCim) continue;
    int copies = std::max(1, costs.evaluate(g, g.op(consumer), c).weight_copies);
    auto it = std::find_if(cim_cores.begin(), cim_cores.end(),
                           [c](const auto& e) { return e.first == c; });
    if (it == cim_cores.end())
      cim_cores.emplace_back(c, copies);
    else
      it->second = std::max(it->second, copies);
  }
  const int first = out.first_cn_of_op[update.id];
  const int tiles = out.tiles_of_op[update.id];
  for (auto [c, copies] : cim_cores) {
    mapping::OpCost cost = costs.weight_update(c, g.tensor(param).elements(), copies);
    CN cn;
    cn.id = static_cast<int>(out.cns.size());
    cn.op = update.id;
    cn.tile = tiles;  // after the update's own tiles
    cn.tiles = tiles;
    cn.stack = plan.stack_of_op[update.id];
    cn.core = c;
    for (int j = 0; j < tiles; ++j) add_pred(cn, first + j);
    for (int p = 0; p < out.pieces_of_tensor[updated]; ++p) cn.reads.push_back({updated, p});
    cn.duration_s = cost.onchip_cycles / acc.cores[c].clock_hz;
    cn.instructions = cost.instructions;
    cn.bound_by = cost.bound_by;
    cn.energy_pj = cost.onchip_energy_pj;
    cn.compute_energy_pj = cost.energy.mac_pj + cost.energy.vector_pj + cost.energy.table_pj +
                           cost.energy.cim_adc_pj + cost.energy.cim_dac_pj +
                           cost.energy.cim_write_pj + cost.energy.array_load_pj;
    out.cns.push_back(std::move(cn));
  }
}

}  // namespace

CnGraph build_cns(const Graph& g, const FusionPlan& plan, const mapping::CostModel& costs) {
  const auto& acc = costs.accelerator();
  CnGraph out;
  const size_t n_ops = g.ops().size();
  out.first_cn_of_op.assign(n_ops, -1);
  out.tiles_of_op.assign(n_ops, 1);
  std::vector<int64_t> rows_of_op(n_ops, 1);
  for (const Op& op : g.ops()) {
    rows_of_op[op.id] = std::max<int64_t>(1, split_rows(g, op));
    int tiles = plan.stacks.at(plan.stack_of_op[op.id]).tiles;
    out.tiles_of_op[op.id] = static_cast<int>(std::min<int64_t>(tiles, rows_of_op[op.id]));
  }
  // Pieces: one per producer tile; a graph input is cut like its first consumer's tiles so
  // a fused stack streams it in row slices; parameters stay whole.
  out.piece_offset.resize(g.tensors().size());
  out.pieces_of_tensor.resize(g.tensors().size());
  for (const auto& t : g.tensors()) {
    int pieces = 1;
    int64_t rows = 1;
    if (t.producer >= 0) {
      pieces = out.tiles_of_op[t.producer];
      rows = rows_of_op[t.producer];
    } else if (t.kind == workloads::TensorKind::kInput && t.shape.size() >= 3 &&
               !t.consumers.empty()) {
      rows = t.shape.size() == 4 ? t.shape[2] : t.shape[1];
      pieces = static_cast<int>(std::min<int64_t>(out.tiles_of_op[t.consumers[0]], rows));
    }
    out.piece_offset[t.id] = static_cast<int>(out.piece_bytes.size());
    out.pieces_of_tensor[t.id] = pieces;
    // A tensor a vector-layout core writes or reads is stored in its vectors (the widest when
    // cores differ), in DRAM too.
    int per_vector = 0;
    auto widen = [&](int op) {
      if (op >= 0)
        per_vector =
            std::max(per_vector, acc.cores.at(plan.core_of_op[op]).execution.channels_per_vector);
    };
    widen(t.producer);
    for (int c : t.consumers) widen(c);
    const double bytes = static_cast<double>(t.bytes()) * mapping::tensor_padding(t, per_vector);
    for (int p = 0; p < pieces; ++p) {
      auto [lo, hi] = tile_rows(p, pieces, rows);
      out.piece_tensor.push_back(t.id);
      out.piece_bytes.push_back(bytes * static_cast<double>(hi - lo) / static_cast<double>(rows));
    }
  }

  for (const Op& op : g.ops()) {
    const int T = out.tiles_of_op[op.id];
    const int64_t R = rows_of_op[op.id];
    const int core = plan.core_of_op[op.id];
    const double clock = acc.cores.at(core).clock_hz;
    out.first_cn_of_op[op.id] = static_cast<int>(out.cns.size());
    // On GPU SMs the op is one kernel whose thread blocks run in waves over the SMs it may
    // use; its tiles share those waves (each SM takes min(T, SMs) / T of the op's time). An op
    // with one output row may run as a CUDA-core GEMV kernel instead (mapping::gpu_gemv);
    // the faster kernel runs, and its time replaces the one-SM mapping's as the waves' does.
    double wave_cycles_per_tile = 0;
    mapping::GpuGemv gemv;
    const bool gpu_kernel = op.nest && !acc.cores[core].execution.blocks.empty();
    if (gpu_kernel) {
      const auto& choices = op.id < static_cast<int>(plan.core_choices.size())
                                ? plan.core_choices[op.id]
                                : std::vector<int>{};
      const int sms = std::max<int>(1, static_cast<int>(choices.size()));
      const mapping::OpShape whole = mapping::shape_of(g, op);
      mapping::GpuWaves w = mapping::gpu_waves(whole, acc.cores[core], sms);
      wave_cycles_per_tile = w.cycles * std::min(T, sms) / T;
      gemv = mapping::gpu_gemv(whole, acc.cores[core], sms);
      gemv.cycles *= static_cast<double>(std::min(T, sms)) / T;
    }
    for (int t = 0; t < T; ++t) {
      CN cn;
      cn.id = static_cast<int>(out.cns.size());
      cn.op = op.id;
      cn.tile = t;
      cn.tiles = T;
      cn.stack = plan.stack_of_op[op.id];
      cn.core = core;
      std::tie(cn.row_begin, cn.row_end) = tile_rows(t, T, R);
      for (int x : op.inputs) {
        const int P = g.tensor(x).producer;
        const int pieces = out.pieces_of_tensor[x];
        auto [lo, hi] = needed_fraction(g, op, x, cn.row_begin, cn.row_end, R);
        const bool same_stack = P >= 0 && plan.stack_of_op[P] == cn.stack;
        for (int j = 0; j < pieces; ++j) {
          double jl = static_cast<double>(j) / pieces, jh = static_cast<double>(j + 1) / pieces;
          bool overlap = pieces == 1 || (jl < hi - 1e-12 && jh > lo + 1e-12);
          if (!overlap) continue;
          cn.reads.push_back({x, j});
          if (same_stack) add_pred(cn, out.first_cn_of_op[P] + j);
        }
        // Across stacks the producer must have finished entirely (stack boundary).
        if (P >= 0 && !same_stack)
          for (int j = 0; j < out.tiles_of_op[P]; ++j) add_pred(cn, out.first_cn_of_op[P] + j);
      }
      for (int y : op.outputs) cn.writes.push_back({y, t});
      mapping::OpShape shape = tile_shape(g, op, cn.row_end - cn.row_begin);
      mapping::OpCost cost = costs.evaluate(shape, core);
      if (!cost.feasible)
        throw core::Error("op '" + op.name + "' cannot run on core '" + acc.cores[core].name +
                          "': " + cost.reason);
      const double tiled = std::max(cost.onchip_cycles, wave_cycles_per_tile + cost.phases.fixed);
      const double gemv_cycles = gemv.cycles + cost.phases.fixed;
      cn.macs = shape.nest ? static_cast<double>(shape.nest->macs()) : 0.0;
      cn.instructions = cost.instructions;
      cn.energy_pj = cost.onchip_energy_pj;
      cn.compute_energy_pj = cost.energy.mac_pj + cost.energy.vector_pj + cost.energy.table_pj +
                             cost.energy.cim_adc_pj + cost.energy.cim_dac_pj +
                             cost.energy.cim_write_pj + cost.energy.array_load_pj;
      if (gemv.applies && gemv_cycles < tiled) {
        // The same operands cross the same memories; only the MACs move to the CUDA cores.
        const double fma_pj = cn.macs * gemv.mac_energy_pj;
        cn.energy_pj += fma_pj - cost.energy.mac_pj;
        cn.compute_energy_pj += fma_pj - cost.energy.mac_pj;
        cn.duration_s = gemv_cycles / clock;
        cn.kernel = "gemv";
        cn.bound_by = "GPU CUDA-core GEMV kernel";
      } else {
        cn.duration_s = tiled / clock;
        if (gpu_kernel) cn.kernel = "tiled";
        cn.bound_by = wave_cycles_per_tile + cost.phases.fixed > cost.onchip_cycles
                          ? std::string("GPU thread-block waves")
                          : std::move(cost.bound_by);
      }
      double min_bytes = 0, dram_reads = 0;
      if (shape.nest) {
        // One pass of the operands as the core stores them (padded to its vectors).
        const mapping::OpShape held =
            mapping::padded_to_vectors(shape, acc.cores[core].execution.channels_per_vector);
        for (int r = 0; r < 2; ++r) {
          int64_t elems =
              held.nest->operand_elements(static_cast<workloads::Operand>(r), held.in_h, held.in_w);
          min_bytes += static_cast<double>(elems) * held.stored(r) / 8.0;
          dram_reads += cost.dram_read_bytes[r];
        }
      }
      cn.refetch_dram_bytes = std::max(0.0, dram_reads - min_bytes);
      out.cns.push_back(std::move(cn));
    }
    if (op.kind == workloads::OpKind::kOptimizer) add_cim_programming(g, plan, costs, op, out);
  }
  return out;
}

}  // namespace monet::fusion

// CostModel: feasibility and dispatch to the pricing path of the core kind; the dataflow
// array path (spatial unrolling candidates x temporal search).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "mapping/detail.hpp"

namespace monet::mapping {

using accelerators::CoreKind;

OpCost CostModel::evaluate_uncached(const OpShape& s, int core_index) const {
  if (core_index < 0 || core_index >= static_cast<int>(acc_.cores.size()))
    throw core::Error("accelerator '" + acc_.name + "' has no core #" + std::to_string(core_index) +
                      " (it has " + std::to_string(acc_.cores.size()) + ")");
  const accelerators::Core& c = acc_.cores[core_index];
  std::string kind(workloads::op_kind_name(s.kind));
  if (!c.supports(kind)) {
    std::string runs;
    for (auto& k : c.op_kinds) runs += (runs.empty() ? "" : ", ") + k;
    return detail::infeasible("core '" + c.name + "' does not run " + kind +
                              " ops (it runs: " + (runs.empty() ? "nothing" : runs) + ")");
  }
  if (s.nest)
    for (int64_t v : s.nest->size)
      if (v <= 0) throw core::Error("op shape has a non-positive loop size: " + s.nest->str());
  const int per_vector = c.execution.channels_per_vector;
  if (per_vector <= 0) return price(s, c);
  // The core works on whole vectors: the padded shape is what it moves and computes; the
  // utilisation counts the op's real work only.
  const OpShape p = padded_to_vectors(s, per_vector);
  OpCost cost = price(p, c);
  const double real = s.nest ? static_cast<double>(s.macs()) : static_cast<double>(s.elements);
  const double padded = p.nest ? static_cast<double>(p.macs()) : static_cast<double>(p.elements);
  if (padded > real) {
    cost.spatial_utilization *= real / padded;
    cost.mapping += "; channels padded to vectors of " + std::to_string(per_vector);
  }
  return cost;
}

OpCost CostModel::price(const OpShape& s, const accelerators::Core& c) const {
  if (s.nest) {
    if (c.kind == CoreKind::kCim) return detail::cim_cost(s, acc_, c, options_);
    if (c.kind == CoreKind::kTlmm) return detail::tlmm_cost(s, acc_, c);
    return detail::array_cost(s, acc_, c, options_);
  }
  return detail::element_cost(s, acc_, c, options_);
}

OpCost CostModel::weight_update(int core_index, int64_t weights, int copies) const {
  if (core_index < 0 || core_index >= static_cast<int>(acc_.cores.size()))
    throw core::Error("accelerator '" + acc_.name + "' has no core #" + std::to_string(core_index));
  const accelerators::Core& c = acc_.cores[core_index];
  OpCost cost;
  cost.spatial_utilization = 1;
  if (c.kind != CoreKind::kCim) {
    cost.mapping = "weights live in memory: the optimizer op writes them";
    return cost;
  }
  double f = options_.written_fraction >= 0 ? options_.written_fraction : c.cim.written_fraction;
  detail::CimWrite w = detail::cim_write(c, static_cast<double>(weights), f, copies);
  cost.cycles = cost.onchip_cycles = cost.compute_cycles = w.cycles;
  cost.bound_by = "cim cell writes";
  cost.energy.cim_write_pj = w.energy_pj;
  cost.energy_pj = cost.onchip_energy_pj = cost.energy.total();
  char text[200];
  std::snprintf(text, sizeof text,
                "cim weight update: %.0f cells of %d cop%s of %lld weights reprogrammed (written "
                "fraction %g)",
                w.cells_written, copies, copies == 1 ? "y" : "ies", static_cast<long long>(weights),
                f);
  cost.mapping = text;
  return cost;
}

int default_operand_bits(const accelerators::Accelerator& acc) {
  int bits = 0;
  for (auto& c : acc.cores)
    if (c.supports("conv") || c.supports("matmul"))
      bits = bits == 0 ? c.precision_bits : std::min(bits, c.precision_bits);
  return bits > 0 ? bits : 16;
}

double peak_macs_per_cycle(const accelerators::Core& core) {
  if (core.kind == CoreKind::kCim) return detail::cim_peak_macs_per_cycle(core);
  // A lookup stands for `group` multiply-accumulates.
  if (core.kind == CoreKind::kTlmm) return core.tlmm.lookups_per_cycle * core.tlmm.group;
  double pes = 1;
  for (auto& d : detail::effective_array(core)) pes *= static_cast<double>(d.size);
  return pes;
}

namespace detail {

OpCost infeasible(std::string reason) {
  OpCost c;
  c.feasible = false;
  c.reason = std::move(reason);
  return c;
}

void fill_cost(OpCost& c, const Hierarchy& h, const Evaluation& ev, double mac_pj,
               double vector_pj) {
  c.cycles = ev.cycles;
  c.onchip_cycles = ev.onchip_cycles;
  c.compute_cycles = ev.compute_cycles;
  c.energy.mac_pj += mac_pj;
  c.energy.vector_pj += vector_pj;
  c.energy.dram_pj = ev.dram_pj;
  c.energy.memory_pj = 0;
  c.energy.levels.clear();
  c.traffic.clear();
  for (int l = 0; l <= h.dram(); ++l) {
    LevelTraffic t{h.levels[l].name, ev.read_bits[l], ev.write_bits[l]};
    c.traffic.push_back(std::move(t));
    if (l == h.dram()) continue;
    c.energy.levels.emplace_back(h.levels[l].name, ev.level_pj[l]);
    c.energy.memory_pj += ev.level_pj[l];
  }
  for (int x = 0; x < 3; ++x) {
    c.dram_read_bytes[x] = ev.read_bits[h.dram()][x] / 8;
    c.dram_write_bytes[x] = ev.write_bits[h.dram()][x] / 8;
  }
  c.energy.array_load_pj = ev.array_load_pj;
  c.phases = ev.phases;
  c.array_loads = ev.array_loads;
  c.instructions = ev.instructions;
  c.energy_pj = c.energy.total();
  c.onchip_energy_pj = c.energy_pj - c.energy.dram_pj;
  c.bound_by = onchip_bound_by(h, ev);
}

std::string onchip_bound_by(const Hierarchy& h, const Evaluation& ev) {
  if (ev.onchip_cycles <= 0) return "";
  // The largest part of onchip_cycles: the compute phase (the array, or the memory port
  // that stalls it), the serial on-load / off-load, or a fixed cost.
  const auto& ex = h.execution;
  std::string who = ev.onchip_bound < 0 ? "compute" : h.levels[ev.onchip_bound].name + " bandwidth";
  double worst = ev.phases.compute;
  auto consider = [&](double cycles, const char* name) {
    if (cycles > worst * (1 + 1e-9)) worst = cycles, who = name;
  };
  consider(ev.phases.onload, "on-load");
  consider(ev.phases.offload, "off-load");
  consider(ev.array_loads * (ex.stationary_load.cycles + ex.stationary_load.fill_cycles),
           "stationary-operand loads");
  consider(ev.instructions * ex.issue_cycles, "instruction issue");
  return who;
}

void add_dequantisation(OpCost& c, const OpShape& s, const accelerators::Core& core) {
  if (!(s.dequant_ops > 0) || !s.nest) return;
  const double weights =
      static_cast<double>(s.nest->operand_elements(workloads::Operand::kW, s.in_h, s.in_w));
  const double ops = weights * s.dequant_ops;
  const double cycles = ops / std::max(core.vector_ops_per_cycle, 1e-30);
  c.dequant_ops = ops;
  c.energy.vector_pj += ops * core.vector_op_energy_pj;
  c.energy_pj = c.energy.total();
  c.onchip_energy_pj = c.energy_pj - c.energy.dram_pj;
  // The vector unit dequantises beside the array (overlapped unless the core runs in order).
  const double before = c.phases.compute;
  c.phases.compute = core.execution.overlap == accelerators::Overlap::kNone
                         ? before + cycles
                         : std::max(before, cycles);
  const double added = c.phases.compute - before;
  c.onchip_cycles += added;
  c.cycles += added;
  const auto& ph = c.phases;
  if (cycles >= before && ph.compute >= std::max({ph.onload, ph.offload, ph.fixed}))
    c.bound_by = "weight dequantisation";
}

namespace {
constexpr int kSpatialCandidates = 6;
constexpr double kSpatialSlack = 1.5;

// Which level (or the compute) sets the latency, for the mapping text.
std::string bound_by(const Hierarchy& h, const Evaluation& ev) {
  std::string who = "compute";
  double worst = ev.compute_cycles;
  for (int l = 0; l <= h.dram(); ++l)
    if (ev.level_cycles[l] > worst * (1 + 1e-9)) {
      worst = ev.level_cycles[l];
      who = h.levels[l].name + " bandwidth";
    }
  return who;
}
}  // namespace

OpCost array_cost(const OpShape& s, const accelerators::Accelerator& acc,
                  const accelerators::Core& core, const CostOptions& o) {
  const auto& nest = *s.nest;
  auto array = effective_array(core);
  Hierarchy h = make_hierarchy(acc, core, array);
  const int out = static_cast<int>(nest.output);
  // The peak rate at the operands' precision: the array is time-multiplexed (or packs more
  // MACs per PE) when the rate differs from its size.
  const int operand_bits = std::max(s.operand_bits[0], s.operand_bits[1]);
  double step_cycles = 1, mac_e = core.mac_energy_pj > 0 || core.kind != CoreKind::kSimd
                                      ? core.mac_energy_pj
                                      : core.vector_op_energy_pj;
  int rate_bits = 0;
  if (!core.execution.rates.empty()) {
    const accelerators::PrecisionRate* rate = core.rate_for(operand_bits);
    if (!rate)
      return infeasible("core '" + core.name + "' has no compute rate for " +
                        std::to_string(operand_bits) + "-bit operands (its widest rate is " +
                        std::to_string(core.execution.rates.back().bits) + " bit)");
    double pes = 1;
    for (auto& d : array) pes *= static_cast<double>(d.size);
    step_cycles = pes / rate->macs_per_cycle;
    if (rate->mac_energy_pj >= 0) mac_e = rate->mac_energy_pj;
    rate_bits = rate->bits;
  }
  std::array<double, 3> bits{s.stored(0), s.stored(1), s.stored(2)};
  const int psum = core.execution.partial_sum_bits;
  int64_t reduction = 1;
  for (int d = 0; d < workloads::kDimCount; ++d)
    if (nest.is_reduction(static_cast<workloads::Dim>(d))) reduction *= nest.size[d];
  if (psum > 0 && reduction > 1) bits[out] = std::max(bits[out], static_cast<double>(psum));
  double mac_pj = static_cast<double>(nest.macs()) * mac_e;

  // Every level must hold at least the tile of one step (its share of the array); an
  // unrolling that overflows one is dropped before the best ones are kept.
  std::string overflow;
  auto fits = [&](const SpatialMapping& sm) {
    Problem p(nest, s.in_h, s.in_w, bits, h, sm, mac_pj, o.objective);
    Extents ones{1, 1, 1, 1, 1, 1, 1, 1};
    for (int l = 0; l < h.onchip(); ++l) {
      double need = 0;
      for (int x = 0; x < 3; ++x)
        if (h.levels[l].holds[x]) need += p.footprint(x, ones, p.served[l]) * p.bits[x];
      if (need > h.levels[l].capacity_bits) {
        overflow = "memory '" + h.levels[l].name + "' (" +
                   std::to_string(static_cast<long long>(h.levels[l].capacity_bits / 8)) +
                   " B) cannot hold one step's operands (" +
                   std::to_string(static_cast<long long>(std::ceil(need / 8))) + " B)";
        return false;
      }
    }
    return true;
  };
  // Candidates are searched best first; each search is bounded by the best mapping so far,
  // so candidates that cannot win are cut short.
  auto spatial = spatial_candidates(nest, array, kSpatialCandidates, kSpatialSlack, fits);

  SearchResult best;
  const SpatialMapping* best_s = nullptr;
  long searched = 0, nodes = 0;
  // The latency objective keeps one front across the unrollings (LatencyFront).
  LatencyFront front;
  const bool by_front = o.objective == Objective::kLatency;
  for (auto& sm : spatial) {
    // Only the PEs this unrolling uses touch their private levels: a level replicated along
    // an array dim has as many working copies as that dim's used factor.
    Hierarchy active = h;
    for (auto& lv : active.levels) {
      if (lv.is_dram) continue;
      lv.instances = 1;
      for (size_t a = 0; a < array.size(); ++a)
        if (!lv.serves[a]) lv.instances *= static_cast<double>(sm.factor[a]);
    }
    Problem p(nest, s.in_h, s.in_w, bits, active, sm, mac_pj, o.objective);
    p.final_out_bits = s.stored(out);
    p.step_cycles = step_cycles;
    p.direct_bound = o.direct_bound;
    p.coarse_first = o.coarse_first;
    p.prune = o.prune;
    p.all_orders = o.all_orders;
    if (by_front) {
      p.front = &front;
      front.spatial = &sm;
    }
    // Earlier unrollings' best mapping (or front) bounds the search of the next.
    SearchResult r = search_temporal(p, best_s ? &best.eval : nullptr);
    searched += r.mappings_evaluated;
    nodes += r.nodes;
    if (!by_front && r.found && (!best_s || better(r.eval, best.eval, o.objective))) {
      best = std::move(r);
      best_s = &sm;
    }
  }
  if (const LatencyFront::Entry* b = by_front ? front.best() : nullptr) {
    best.eval = b->eval;
    best.mapping = b->mapping;
    best_s = b->spatial;
  }
  if (!best_s)
    return infeasible(overflow.empty()
                          ? "no spatial unrolling of " + nest.str() + " on core '" + core.name + "'"
                          : overflow);
  OpCost c;
  fill_cost(c, h, best.eval, mac_pj, 0);
  c.spatial_utilization = best_s->utilization;
  c.rate_bits = rate_bits;
  add_dequantisation(c, s, core);
  c.mapping = "spatial " + best_s->str(array) + " | temporal " + best.mapping.str(h) +
              " | bound by " + bound_by(h, best.eval) + " | " + std::to_string(searched) +
              " mappings priced, " + std::to_string(nodes) + " search nodes";
  return c;
}

}  // namespace detail
}  // namespace monet::mapping

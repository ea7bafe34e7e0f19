// Access counts of a temporal mapping (ZigZag-style): between a level and the next level out
// that holds the same operand, the inner tile moves once per iteration of the loops outside
// the inner scope, except for the run of loops just outside it that do not index the operand
// (the tile stays put). Outputs also travel back in as partial sums on every revisit.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "mapping/temporal.hpp"

namespace monet::mapping::detail {

using workloads::Dim;
using workloads::kDimCount;
using workloads::LoopNest;
using workloads::Operand;

namespace {

// LoopNest::relevant as a table: distinct_tiles asks it for every dim of every move priced.
const std::array<std::array<bool, kDimCount>, 3> kRelevant = [] {
  std::array<std::array<bool, kDimCount>, 3> t{};
  for (int x = 0; x < 3; ++x)
    for (int d = 0; d < kDimCount; ++d)
      t[x][d] = LoopNest::relevant(static_cast<Operand>(x), static_cast<Dim>(d));
  return t;
}();

bool relevant(int x, int d) {
  return kRelevant[x][d];
}
}  // namespace

Problem::Problem(const workloads::LoopNest& n, int64_t ih, int64_t iw, std::array<double, 3> b,
                 const Hierarchy& hier, const SpatialMapping& sm, double mac_energy_pj, Objective o)
    : nest(&n),
      in_h(ih),
      in_w(iw),
      bits(b),
      h(&hier),
      s(&sm),
      mac_pj(mac_energy_pj),
      objective(o),
      final_out_bits(b[static_cast<int>(n.output)]) {
  for (auto& l : hier.levels) served.push_back(sm.served(l.serves));
  for (int d = 0; d < kDimCount; ++d) reduction[d] = n.is_reduction(static_cast<Dim>(d));
  const Extents ones{1, 1, 1, 1, 1, 1, 1, 1};
  for (const Extents& e : served)
    step_elements.push_back({footprint(0, ones, e), footprint(1, ones, e), footprint(2, ones, e)});
  // The PE-side steps (pe_steps): a dim d unrolled u times over t temporal iterations with
  // n % u != 0 has t - 1 full parts and a last one of n - (t - 1)u. Only where one copy of the
  // level spans the whole unroll: copies along a dim are separate ports, and the busiest (a
  // full one every step) sets the level's time.
  const Extents& u = sm.total;
  const Extents& t = sm.temporal;
  pe_steps.resize(served.size());
  for (size_t l = 0; l < served.size(); ++l)
    for (int x = 0; x < 3; ++x) {
      PeSteps& ps = pe_steps[l][x];
      std::array<int, kDimCount> edges{};
      int n_edges = 0;
      for (int d = 0; d < kDimCount; ++d)
        if (relevant(x, d) && t[d] > 1 && n.size[d] % u[d] != 0 && served[l][d] == u[d])
          edges[n_edges++] = d;
      if (n_edges == 0 || n_edges > PeSteps::kMaxEdges) {
        ps.classes[0] = {1.0, step_elements[l][x]};
        ps.count = 1;
        continue;
      }
      for (unsigned last = 0; last < (1u << n_edges); ++last) {
        Extents e = served[l];
        double share = 1;
        for (int i = 0; i < n_edges; ++i) {
          const int d = edges[i];
          const double td = static_cast<double>(t[d]);
          if (last >> i & 1) {
            e[d] = n.size[d] - (t[d] - 1) * u[d];
            share /= td;
          } else {
            share *= (td - 1) / td;
          }
        }
        ps.classes[ps.count++] = {share, footprint(x, ones, e)};
      }
    }
}

double distinct_tiles(const Problem& p, int x, const Extents& tile) {
  double distinct = 1;
  for (int d = 0; d < kDimCount; ++d)
    if (relevant(x, d)) distinct *= static_cast<double>(p.s->temporal[d] / tile[d]);
  return distinct;
}

namespace {
// Cycles to move bits between two levels: the slower side sets the pace (0 = unlimited).
double move_cycles(const Level& from, double from_bits, double from_bw, const Level& to,
                   double to_bits, double to_bw) {
  double c = 0;
  if (from_bw > 0) c = std::max(c, from_bits / from.instances / from_bw);
  if (to_bw > 0) c = std::max(c, to_bits / to.instances / to_bw);
  return c;
}

// Cycles an on-chip level is busy moving r bits out and w bits in: each side has its own port
// per copy, so the busier side sets the time.
double busy_cycles(const Level& lv, double r, double w) {
  double c = 0;
  if (lv.read_bits_per_cycle > 0) c = std::max(c, r / lv.instances / lv.read_bits_per_cycle);
  if (lv.write_bits_per_cycle > 0) c = std::max(c, w / lv.instances / lv.write_bits_per_cycle);
  return c;
}

// Records a tile moved once from level `from` to level `to` (see OnceMove); its smallest
// part is one step of the array (operand x at unit temporal extents).
void add_once(const Problem& p, int x, int from, int to, double from_bits, double to_bits,
              double cycles, bool inward, Evaluation& ev) {
  const Hierarchy& h = *p.h;
  // Only the double-buffered phases read these moves (finish_evaluation).
  if (h.execution.overlap != accelerators::Overlap::kDoubleBuffered) return;
  if (ev.once_count >= static_cast<int>(ev.once.size())) return;
  const Level& F = h.levels[from];
  const Level& T = h.levels[to];
  const double step_from = p.step_elements[from][x] * F.instances * p.bits[x];
  const double step_to = p.step_elements[to][x] * T.instances * p.bits[x];
  OnceMove& m = ev.once[ev.once_count++];
  m.from = from;
  m.to = to;
  m.from_bits = from_bits;
  m.to_bits = to_bits;
  m.cycles = cycles;
  m.min_cycles = std::min(
      cycles, move_cycles(F, step_from, F.read_bits_per_cycle, T, step_to, T.write_bits_per_cycle));
  const double narrow = p.narrowest_bits(x) / p.bits[x];
  m.floor_cycles = std::min(cycles, move_cycles(F, step_from * narrow, F.read_bits_per_cycle, T,
                                                step_to * narrow, T.write_bits_per_cycle));
  m.refill_wait = m.floor_cycles;
  m.inward = inward;
}
}  // namespace

void add_transfer(const Hierarchy& h, int from, int to, double bits, Evaluation& ev) {
  if (bits <= 0) return;
  const Level& F = h.levels[from];
  const Level& T = h.levels[to];
  const double c = move_cycles(F, bits, F.read_bits_per_cycle, T, bits, T.write_bits_per_cycle);
  const bool dram = from == h.dram() || to == h.dram();
  const bool inward = from > to;  // towards the PEs
  if (inward) {
    (dram ? ev.in_dram : ev.in_onchip) += c;
    (dram ? ev.first_in_dram : ev.first_in_onchip) += c;
  } else {
    (dram ? ev.out_dram : ev.out_onchip) += c;
    (dram ? ev.last_out_dram : ev.last_out_onchip) += c;
  }
  ev.instructions += 1;
}

void add_boundary(const Problem& p, int x, int child, int parent, const Extents& tile,
                  double refills, Evaluation& ev, LevelBits& dram_side_read,
                  LevelBits& dram_side_write) {
  add_boundary(p, x, child, parent, tile, refills, ev, dram_side_read, dram_side_write,
               p.footprint(x, tile, p.served[parent]),
               child < 0 ? 0 : p.footprint(x, tile, p.served[child]));
}

void add_boundary(const Problem& p, int x, int child, int parent, const Extents& tile,
                  double refills, Evaluation& ev, LevelBits& dram_side_read,
                  LevelBits& dram_side_write, double fp_parent, double fp_child) {
  const Hierarchy& h = *p.h;
  // Outputs whose reduction ends inside the child move at their final width (ZigZag's
  // O_final), partial sums at theirs.
  const bool final_here =
      x == p.output() && p.final_out_bits != p.bits[x] && p.reduced_within(tile);
  const double bits = final_here ? p.final_out_bits : p.bits[x];
  // Bits charged beyond the tile per transfer at a level, all copies: the tile of one copy
  // is rounded up to the level's smallest access.
  auto pad = [&](int level, double elements_per_copy) {
    const Level& L = h.levels[level];
    if (!(L.min_access_bits > 0)) return 0.0;
    const double b = elements_per_copy * bits;
    return (std::ceil(b / L.min_access_bits - 1e-9) * L.min_access_bits - b) * L.instances;
  };
  // With the PEs (child < 0): the mean step over Problem::pe_steps.
  double pad_parent = 0;
  const Problem::PeSteps* steps = child < 0 ? &p.pe_steps[parent][x] : nullptr;
  if (steps && steps->count > 1) {
    fp_parent = 0;
    for (int i = 0; i < steps->count; ++i) {
      const auto& [share, elements] = steps->classes[i];
      fp_parent += share * elements;
      pad_parent += share * pad(parent, elements);
    }
  } else {
    pad_parent = pad(parent, fp_parent);
  }
  const double elements_at_parent = fp_parent * h.levels[parent].instances;
  const double at_parent = elements_at_parent * bits;
  const double at_child = child < 0 ? 0 : fp_child * h.levels[child].instances * bits;
  const bool to_dram = parent == h.dram() && child >= 0;
  const Level& P = h.levels[parent];
  const double pad_child = child < 0 ? 0 : pad(child, fp_child);
  const auto& ex = h.execution;
  // The PE array's stationary operand enters through its innermost level: priced as array
  // loads (cycles per load of the whole array), not as a transfer at the level's bandwidth.
  const bool stationary = child >= 0 && ex.has_stationary_load &&
                          x == static_cast<int>(ex.stationary_load.operand) &&
                          child == h.chain[x][0];
  if (x == p.output()) {
    // Every eviction writes the tile back; every revisit after the first reads it back in.
    const double back = std::max(0.0, refills - distinct_tiles(p, x, tile));
    double write_parent = at_parent * refills, read_parent = at_parent * back;
    if (parent == h.dram() && !final_here && p.final_out_bits != p.bits[x]) {
      // Partial sums travel at their width; each output leaves once at its final width.
      const double finals = distinct_tiles(p, x, tile) * elements_at_parent;
      write_parent += finals * (p.final_out_bits - bits);
    }
    ev.write_bits[parent][x] += write_parent;
    ev.read_bits[parent][x] += read_parent;
    ev.write_pad_bits[parent] += pad_parent * refills;
    ev.read_pad_bits[parent] += pad_parent * back;
    if (child < 0) {
      ev.pe_write_bits[parent] += write_parent;
      ev.pe_read_bits[parent] += read_parent;
      return;
    }
    const Level& C = h.levels[child];
    ev.read_bits[child][x] += at_child * refills;
    ev.write_bits[child][x] += at_child * back;
    ev.read_pad_bits[child] += pad_child * refills;
    ev.write_pad_bits[child] += pad_child * back;
    if (to_dram) {
      dram_side_read[child] += at_child * refills;
      dram_side_write[child] += at_child * back;
    }
    const double out_tile =
        move_cycles(C, at_child, C.read_bits_per_cycle, P, write_parent / std::max(1.0, refills),
                    P.write_bits_per_cycle);
    const double in_tile =
        move_cycles(P, at_parent, P.read_bits_per_cycle, C, at_child, C.write_bits_per_cycle);
    (to_dram ? ev.out_dram : ev.out_onchip) += out_tile * refills;
    (to_dram ? ev.in_dram : ev.in_onchip) += in_tile * back;
    if (refills <= 1 && back <= 0)
      add_once(p, x, child, parent, at_child, write_parent, out_tile, false, ev);
    else
      (to_dram ? ev.last_out_dram : ev.last_out_onchip) += out_tile;
    ev.instructions += refills + back;
  } else {
    ev.read_bits[parent][x] += at_parent * refills;
    ev.read_pad_bits[parent] += pad_parent * refills;
    if (child < 0) {
      ev.pe_read_bits[parent] += at_parent * refills;
      return;
    }
    const Level& C = h.levels[child];
    ev.write_bits[child][x] += at_child * refills;
    ev.write_pad_bits[child] += pad_child * refills;
    if (to_dram) dram_side_write[child] += at_child * refills;
    if (stationary) {
      // Loads of the whole array: a child tile of n elements per PE takes n loads.
      const double per_pe = fp_child / std::max(1.0, p.step_elements[child][x]);
      ev.array_loads += refills * per_pe;
      ev.loaded_elements += at_child * refills / bits;
      ev.instructions += 2 * refills * per_pe;  // the load and the compute block after it
      return;
    }
    const double in_tile =
        move_cycles(P, at_parent, P.read_bits_per_cycle, C, at_child, C.write_bits_per_cycle);
    (to_dram ? ev.in_dram : ev.in_onchip) += in_tile * refills;
    if (refills <= 1)
      add_once(p, x, parent, child, at_parent, at_child, in_tile, true, ev);
    else
      (to_dram ? ev.first_in_dram : ev.first_in_onchip) += in_tile;
    ev.instructions += refills;
  }
}

Evaluation evaluate_mapping(const Problem& p, const TemporalMapping& m, const TileFootprints* fps,
                            Finish what) {
  Evaluation ev;
  evaluate_mapping(p, m, fps, what, ev);
  return ev;
}

void evaluate_mapping(const Problem& p, const TemporalMapping& m, const TileFootprints* fps,
                      Finish what, Evaluation& ev) {
  const Hierarchy& h = *p.h;
  static_cast<EvaluationCounts&>(ev) = EvaluationCounts{};  // once-moves: only [0, once_count)
  LevelBits dram_side_read{}, dram_side_write{};
  const double total = p.s->compute_cycles;
  ev.compute_cycles = total * p.step_cycles;
  const Extents ones{1, 1, 1, 1, 1, 1, 1, 1};
  for (int x = 0; x < 3; ++x) {
    int child = -1;  // -1: the PEs themselves (no storage, so no temporal reuse)
    for (int parent : h.chain[x]) {
      const Extents& tile = child < 0 ? ones : m.tile[child];
      double refills = total;
      if (child >= 0) {
        double inner = 1, run = 1;
        for (int d = 0; d < kDimCount; ++d) inner *= static_cast<double>(tile[d]);
        for (int j = m.scope_end[child]; j < m.loops && m.order[j].group == x; ++j)
          run *= static_cast<double>(m.order[j].factor);
        refills = total / inner / run;
      }
      if (child < 0)  // one step of the array: its footprints are the Problem's
        add_boundary(p, x, child, parent, tile, refills, ev, dram_side_read, dram_side_write,
                     p.step_elements[parent][x], 0);
      else if (fps)
        add_boundary(p, x, child, parent, tile, refills, ev, dram_side_read, dram_side_write,
                     (*fps)[child][x][1], (*fps)[child][x][0]);
      else
        add_boundary(p, x, child, parent, tile, refills, ev, dram_side_read, dram_side_write);
      child = parent;
    }
  }
  finish_evaluation(h, ev, dram_side_read, dram_side_write, p.mac_pj, what);
}

double dram_cycles(const Hierarchy& h, double bits) {
  const double bw = h.levels[h.dram()].read_bits_per_cycle;
  return bw > 0 ? bits / bw : 0.0;
}

double pe_busy_cycles(const Hierarchy& h, const EvaluationCounts& ev, int l) {
  const double r = ev.pe_read_bits[l], w = ev.pe_write_bits[l];
  // DRAM, which the PEs reach only without on-chip levels.
  if (l == h.dram()) return dram_cycles(h, r + w);
  return busy_cycles(h.levels[l], r, w);
}

namespace {
// The least of busy_p_all + the waits of the once-moves over every completion (Finish::kBound).
// Each move either stays moved once or is refilled. Refilled, its first (last) tile waits at
// least refill_wait. Moved once, it waits at least floor_cycles, and it hides under the compute
// phase at most the slack of its levels: a level busy for its PE-side traffic alone leaves at
// most busy_p_all minus that time, so the phase plus its wait is at least that time plus its
// whole move. Every split into moved-once and refilled moves is priced (a node has a few
// once-moves, at most one per operand and level) and the least taken; the phase is at least
// `busy_p` whatever the split.
double once_bound(const Hierarchy& h, const Evaluation& ev, double busy_p,
                  const LevelBits* pe_busy_of) {
  const int n = ev.once_count;
  double floors = 0;
  for (int i = 0; i < n; ++i) floors += ev.once[i].floor_cycles;
  constexpr int kMaxSplit = 6;  // 64 splits; beyond, the floors alone
  if (n == 0 || n > kMaxSplit) return busy_p + floors;
  // Busy time of a level for its traffic with the PEs only, a hair less, as rounding in the
  // refills can leave its whole traffic a hair below it.
  auto pe_busy = [&](int l) { return pe_busy_of ? (*pe_busy_of)[l] : pe_busy_cycles(h, ev, l); };
  std::array<double, kMaxSplit> hidden_at_most{};  // the move's whole time past the phase
  for (int i = 0; i < n; ++i) {
    const OnceMove& m = ev.once[i];
    hidden_at_most[i] = std::max(pe_busy(m.from), pe_busy(m.to)) * (1 - 1e-9) + m.cycles;
  }
  double least = std::numeric_limits<double>::infinity();
  for (unsigned once = 0; once < (1u << n); ++once) {
    double waits = 0;
    for (int i = 0; i < n; ++i)
      waits += once >> i & 1 ? ev.once[i].floor_cycles
                             : std::max(ev.once[i].floor_cycles, ev.once[i].refill_wait);
    double lb = busy_p + waits;
    for (int i = 0; i < n; ++i)
      if (once >> i & 1) lb = std::max(lb, hidden_at_most[i] - ev.once[i].floor_cycles + waits);
    least = std::min(least, lb);
  }
  return least;
}
}  // namespace

double bound_cycles(const Hierarchy& h, const Evaluation& ev, const BoundParts& parts,
                    const LevelBits* pe_busy) {
  return std::max(parts.busy_all, once_bound(h, ev, parts.busy_p, pe_busy)) + ev.first_in_onchip +
         ev.first_in_dram + ev.last_out_onchip + ev.last_out_dram + parts.fixed;
}

void finish_evaluation(const Hierarchy& h, Evaluation& ev, const LevelBits& dram_side_read,
                       const LevelBits& dram_side_write, double compute_pj, Finish what,
                       BoundParts* parts) {
  const int dram = h.dram();
  const auto& ex = h.execution;
  // What the ranking needs besides energy: every level's busy time when data moves under the
  // compute (full overlap), only the PE-side busy time when nothing overlaps (in order).
  // The bound and the ranking read only cycles, energy and DRAM bits (`better`): never the
  // on-chip (scheduler) view, and the PE-side busy time only when nothing overlaps.
  const bool lean = what != Finish::kFull;
  const bool ranking = lean && ex.overlap != accelerators::Overlap::kDoubleBuffered;
  const bool need_levels = !ranking || ex.overlap == accelerators::Overlap::kFull;
  const bool need_onchip = !lean;
  const bool need_pe = !lean || ex.overlap == accelerators::Overlap::kNone;
  ev.energy_pj = compute_pj;
  // Busy time of every level (all its traffic), of its on-chip side only, and of its traffic
  // with the PEs only.
  double busy_all = ev.compute_cycles, busy_onchip = ev.compute_cycles, busy_pe = ev.compute_cycles;
  int onchip_level = -1, pe_level = -1;  // the level whose port sets busy_onchip / busy_pe
  LevelBits rd_of{}, wr_of{};
  for (int l = 0; l <= dram; ++l) {
    const Level& lv = h.levels[l];
    double rd = 0, wr = 0;
    for (int x = 0; x < 3; ++x) {
      rd += ev.read_bits[l][x];
      wr += ev.write_bits[l][x];
    }
    rd_of[l] = rd;
    wr_of[l] = wr;
    double pj = (rd + ev.read_pad_bits[l]) * lv.read_pj_per_bit +
                (wr + ev.write_pad_bits[l]) * lv.write_pj_per_bit;
    ev.energy_pj += pj;
    if (l == dram) {
      ev.dram_pj = pj;
      ev.dram_bits = rd + wr;
      if (need_levels) ev.level_cycles[l] = dram_cycles(h, rd + wr);
      busy_all = std::max(busy_all, ev.level_cycles[l]);
      continue;
    }
    ev.level_pj[l] = pj;
    auto busy = [&](double r, double w) { return busy_cycles(lv, r, w); };
    if (need_levels) {
      ev.level_cycles[l] = busy(rd, wr);
      busy_all = std::max(busy_all, ev.level_cycles[l]);
    }
    if (need_onchip) {
      const double onchip = busy(rd - dram_side_read[l], wr - dram_side_write[l]);
      if (onchip > busy_onchip * (1 + 1e-9)) busy_onchip = onchip, onchip_level = l;
    }
    if (need_pe) {
      const double pe = busy(ev.pe_read_bits[l], ev.pe_write_bits[l]);
      if (pe > busy_pe * (1 + 1e-9)) busy_pe = pe, pe_level = l;
    }
  }
  // Fixed costs are serial whatever the overlap: the array computes nothing while a new
  // stationary block shifts in and its pipeline fills, nor while an instruction issues.
  const double fixed =
      ev.array_loads * (ex.stationary_load.cycles + ex.stationary_load.fill_cycles) +
      ev.instructions * ex.issue_cycles;
  ev.array_load_pj = ev.loaded_elements * ex.stationary_load.energy_pj;
  ev.energy_pj += ev.array_load_pj;
  CostPhases& ph = ev.phases;
  ph = {};
  ph.fixed = fixed;
  switch (ex.overlap) {
    case accelerators::Overlap::kFull:
      ph.compute = busy_onchip;
      ev.cycles = busy_all + fixed;
      break;
    case accelerators::Overlap::kDoubleBuffered: {
      // The tiles refilled during the op set the compute phase; tiles moved once stream in
      // (or out) during it on the spare bandwidth of both their levels, the rest before
      // (after) it — ZigZag's on-/off-loading. Standalone and on-chip views apart.
      LevelBits once_rd{}, once_wr{}, once_rd_on{}, once_wr_on{};
      for (int i = 0; i < ev.once_count; ++i) {
        const OnceMove& m = ev.once[i];
        once_rd[m.from] += m.from_bits;
        once_wr[m.to] += m.to_bits;
        if (m.from != dram && m.to != dram) {
          once_rd_on[m.from] += m.from_bits;
          once_wr_on[m.to] += m.to_bits;
        }
      }
      LevelBits lvl_all{}, lvl_on{};
      double busy_p_all = ev.compute_cycles, busy_p_on = ev.compute_cycles;
      onchip_level = -1;
      for (int l = 0; l <= dram; ++l) {
        const Level& lv = h.levels[l];
        auto busy = [&](double r, double w) { return busy_cycles(lv, r, w); };
        const double rd = std::max(0.0, rd_of[l] - once_rd[l]);
        const double wr = std::max(0.0, wr_of[l] - once_wr[l]);
        if (l == dram) {
          lvl_all[l] = dram_cycles(h, rd + wr);
        } else {
          lvl_all[l] = busy(rd, wr);
          if (need_onchip) {
            lvl_on[l] = busy(std::max(0.0, rd_of[l] - dram_side_read[l] - once_rd_on[l]),
                             std::max(0.0, wr_of[l] - dram_side_write[l] - once_wr_on[l]));
            if (lvl_on[l] > busy_p_on * (1 + 1e-9)) busy_p_on = lvl_on[l], onchip_level = l;
          }
        }
        busy_p_all = std::max(busy_p_all, lvl_all[l]);
      }
      if (what == Finish::kBound) {
        // The bound (temporal.hpp, Finish): every level busy with all its traffic, once-moves
        // included, or the refilled traffic's phase with each once-move's floor waiting.
        const BoundParts bp{busy_all, busy_p_all, fixed};
        ev.cycles = bound_cycles(h, ev, bp);
        if (parts) *parts = bp;
        break;
      }
      LevelBits slack_all{}, slack_on{};
      for (int l = 0; l <= dram; ++l) {
        slack_all[l] = busy_p_all - lvl_all[l];
        slack_on[l] = busy_p_on - lvl_on[l];
      }
      double in_all = 0, out_all = 0, in_on = 0, out_on = 0;
      auto upfront = [](const OnceMove& m, LevelBits& slack) {
        const double b = std::max(0.0, std::min({m.cycles, slack[m.from], slack[m.to]}));
        slack[m.from] -= b;
        slack[m.to] -= b;
        return std::max(m.min_cycles, m.cycles - b);
      };
      for (int i = 0; i < ev.once_count; ++i) {
        const OnceMove& m = ev.once[i];
        (m.inward ? in_all : out_all) += upfront(m, slack_all);
        if (need_onchip && m.from != dram && m.to != dram)
          (m.inward ? in_on : out_on) += upfront(m, slack_on);
      }
      ph.onload = ev.first_in_onchip + in_on;
      ph.compute = busy_p_on;
      ph.offload = ev.last_out_onchip + out_on;
      ev.cycles = busy_p_all + ev.first_in_onchip + ev.first_in_dram + in_all + ev.last_out_onchip +
                  ev.last_out_dram + out_all + fixed;
      break;
    }
    case accelerators::Overlap::kNone:
      ph.onload = ev.in_onchip;
      ph.compute = busy_pe;
      ph.offload = ev.out_onchip;
      ev.cycles = busy_pe + ev.in_onchip + ev.in_dram + ev.out_onchip + ev.out_dram + fixed;
      break;
  }
  ev.onchip_cycles = ph.onload + ph.compute + ph.offload + ph.fixed;
  ev.onchip_bound = ex.overlap == accelerators::Overlap::kNone ? pe_level : onchip_level;
}

bool better(const Evaluation& a, const Evaluation& b, Objective o) {
  auto close = [](double u, double v) { return std::abs(u - v) <= 1e-9 * std::max(u, v); };
  switch (o) {
    case Objective::kLatency:
      if (!close(a.cycles, b.cycles)) return a.cycles < b.cycles;
      return a.energy_pj < b.energy_pj && !close(a.energy_pj, b.energy_pj);
    case Objective::kEnergy:
      if (!close(a.energy_pj, b.energy_pj)) return a.energy_pj < b.energy_pj;
      return a.cycles < b.cycles && !close(a.cycles, b.cycles);
    case Objective::kDram:
      if (!close(a.dram_bits, b.dram_bits)) return a.dram_bits < b.dram_bits;
      if (!close(a.cycles, b.cycles)) return a.cycles < b.cycles;
      return a.energy_pj < b.energy_pj && !close(a.energy_pj, b.energy_pj);
    case Objective::kEdp: {
      double ea = a.cycles * a.energy_pj, eb = b.cycles * b.energy_pj;
      if (!close(ea, eb)) return ea < eb;
      return a.energy_pj < b.energy_pj && !close(a.energy_pj, b.energy_pj);
    }
  }
  return false;
}

bool LatencyFront::prunes(double lb, double eb) const {
  if (!(least < std::numeric_limits<double>::infinity())) return false;
  if (lb > window()) return true;
  if (lb < least) return false;
  for (const Entry& k : kept)
    if (k.eval.cycles <= lb && k.eval.energy_pj <= eb) return true;
  return false;
}

bool LatencyFront::wants(double c, double e) const {
  if (c < least) return true;
  if (c > window()) return false;
  for (const Entry& k : kept)
    if (k.eval.cycles <= c && k.eval.energy_pj <= e) return false;
  return true;
}

void LatencyFront::add(const Evaluation& ev, const TemporalMapping& m) {
  least = std::min(least, ev.cycles);
  // Drop what left the window and what the new mapping dominates.
  std::erase_if(kept, [&](const Entry& k) {
    return k.eval.cycles > window() ||
           (ev.cycles <= k.eval.cycles && ev.energy_pj <= k.eval.energy_pj);
  });
  kept.push_back({ev, m, spatial});
}

const LatencyFront::Entry* LatencyFront::best() const {
  const Entry* b = nullptr;
  for (const Entry& k : kept)
    if (!b || k.eval.energy_pj < b->eval.energy_pj ||
        (k.eval.energy_pj == b->eval.energy_pj && k.eval.cycles < b->eval.cycles))
      b = &k;
  return b;
}

std::string TemporalMapping::str(const Hierarchy& h) const {
  std::string out;
  int j = 0;
  const int n = loops;
  for (int l = 0; l < static_cast<int>(h.levels.size()); ++l) {
    int end = l == h.dram() ? n : scope_end[l];
    out += (out.empty() ? "[" : " [") + h.levels[l].name + "]";
    if (j == end) out += " -";
    while (j < end) {
      // Adjacent factors of one dim in one level read better as their product.
      int d = order[j].dim;
      int64_t f = 1;
      while (j < end && order[j].dim == d) f *= order[j++].factor;
      out += " " + std::string(workloads::dim_name(static_cast<Dim>(d))) + std::to_string(f);
    }
  }
  return out;
}

}  // namespace monet::mapping::detail

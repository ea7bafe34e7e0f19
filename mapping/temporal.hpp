// Temporal mapping of a loop nest over a core's memory hierarchy: the loop order (innermost
// first) and where each level's scope ends, its access counts, energy and latency, and the
// search that picks the best one. Internal to mapping/.
#pragma once

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "mapping/cost.hpp"
#include "mapping/hierarchy.hpp"
#include "mapping/spatial.hpp"

namespace monet::mapping::detail {

// One temporal loop: a factor of one loop dim. `group` is the operand the dim does not
// index (I: K; W: B, OY, OX; O: C, FY, FX), 3 when it indexes all three (G).
struct LoopItem {
  int dim = 0;
  int64_t factor = 1;
  int group = 3;
};

struct LatencyFront;

// One loop nest on one core with one spatial unrolling.
struct Problem {
  const workloads::LoopNest* nest = nullptr;
  int64_t in_h = 1, in_w = 1;
  std::array<double, 3> bits{16, 16, 16};  // stored bits per element (packed weights: < 8)
  const Hierarchy* h = nullptr;
  const SpatialMapping* s = nullptr;
  std::vector<Extents> served;  // per level: the unroll factors its instance spans
  // Per level and operand: footprint(x, ones, served[level]), the elements of one array step
  // (asked for by every move priced, so computed once).
  std::vector<std::array<double, 3>> step_elements;
  // Per level and operand: the steps the PEs exchange with it, in classes of (share of the
  // steps, elements of one copy). A loop dim whose unroll does not divide it runs its last
  // temporal iteration on part of the array: there a copy spanning the dim moves only the
  // part's data. One class (1, step_elements) when every such dim divides.
  struct PeSteps {
    static constexpr int kMaxEdges = 4;  // beyond, the full step throughout (never seen)
    std::array<std::pair<double, double>, 1 << kMaxEdges> classes{};
    int count = 0;
  };
  std::vector<std::array<PeSteps, 3>> pe_steps;
  std::array<bool, workloads::kDimCount> reduction{};  // nest->is_reduction per dim
  double mac_pj = 0;                                   // energy of all MACs
  Objective objective = Objective::kLatency;
  double step_cycles = 1;      // core cycles per temporal step (array size / precision rate)
  double final_out_bits = 16;  // outputs leave for DRAM at this width; bits[O] may be wider
                               // (partial sums)
  bool direct_bound = false;   // CostOptions::direct_bound
  bool coarse_first = true;    // CostOptions::coarse_first
  bool prune = true;           // CostOptions::prune
  bool all_orders = false;     // CostOptions::all_orders
  // The latency objective's state, shared by every search of one op (its spatial unrollings,
  // coarse and fine passes); search_temporal makes its own when null.
  LatencyFront* front = nullptr;

  Problem(const workloads::LoopNest& n, int64_t ih, int64_t iw, std::array<double, 3> b,
          const Hierarchy& hier, const SpatialMapping& sm, double mac_energy_pj, Objective o);
  int output() const { return static_cast<int>(nest->output); }
  // True when a tile with these temporal extents spans every reduction loop: the outputs
  // leaving it are final (they travel at final_out_bits, not as partial sums).
  bool reduced_within(const Extents& tile) const {
    for (int d = 0; d < workloads::kDimCount; ++d)
      if (reduction[d] && tile[d] < s->temporal[d]) return false;
    return true;
  }
  // The narrowest width operand x travels at: outputs may leave at their final width, below
  // that of the partial sums (the search's bound prices waits at it).
  double narrowest_bits(int x) const {
    return x == output() ? std::min(bits[x], final_out_bits) : bits[x];
  }
  // Elements of operand x touched by a tile with these temporal and spatial extents.
  double footprint(int x, const Extents& temporal, const Extents& spatial) const {
    const auto& n = nest->size;
    auto e = [&](int d) { return std::min(temporal[d] * spatial[d], n[d]); };
    switch (x) {
      case 1:  // W: G K C FY FX
        return static_cast<double>(e(1) * e(2) * e(3) * e(6) * e(7));
      case 2:  // O: B G K OY OX
        return static_cast<double>(e(0) * e(1) * e(2) * e(4) * e(5));
      default:  // I: B G C and the input window rows x cols
        return static_cast<double>(e(0) * e(1) * e(3)) *
               static_cast<double>(touched(e(4), e(6), nest->stride_y, nest->dilation_y, in_h)) *
               static_cast<double>(touched(e(5), e(7), nest->stride_x, nest->dilation_x, in_w));
    }
  }

  // Distinct input rows touched by `eo` output rows and `ef` filter rows: the window span,
  // but never more than one row per (output, filter) pair (strided 1x1 convs skip rows).
  static int64_t touched(int64_t eo, int64_t ef, int stride, int dilation, int64_t limit) {
    int64_t span = (eo - 1) * stride + (ef - 1) * dilation + 1;
    return std::min({span, eo * ef, limit});
  }
};

// A tile moved once in the whole op (every input tile of a level no loop above refills, the
// one output tile written back once). Under `double-buffered` it streams during the compute
// phase as far as both levels have spare bandwidth; only the rest, and at least the first
// step's data, waits before (inputs) or after (outputs) the compute phase.
struct OnceMove {
  int from = 0, to = 0;  // levels (DRAM = hierarchy.dram())
  double from_bits = 0, to_bits = 0;
  double cycles = 0;      // the whole tile
  double min_cycles = 0;  // the data of one step of the array
  // min_cycles at the narrowest width the operand can travel at (outputs: partial or final):
  // no tile of any mapping moves between these levels faster (Finish::kBound).
  double floor_cycles = 0;
  // The least wait of its first (inputs) or last (outputs) tile were a completion to refill it
  // instead (the search sets it from the tile it knows; otherwise floor_cycles).
  double refill_wait = 0;
  bool inward = true;  // towards the PEs (an input), else an output leaving
};

// Per level (DRAM last) and operand I, W, O: bits read and written. Everything but the
// once-moves' records (Evaluation::once), so the search's bound can start from the PE-side
// traffic at every node without copying those (their count is here; entries past it are
// never read).
struct EvaluationCounts {
  std::array<std::array<double, 3>, kMaxLevels> read_bits{};
  std::array<std::array<double, 3>, kMaxLevels> write_bits{};
  std::array<double, kMaxLevels> level_pj{};
  // Per level: bits charged beyond those moved, transfers rounded up to min_access_bits
  // (energy only; the bandwidth carries the real bits).
  std::array<double, kMaxLevels> read_pad_bits{};
  std::array<double, kMaxLevels> write_pad_bits{};
  std::array<double, kMaxLevels> level_cycles{};
  double compute_cycles = 0;
  double cycles = 0;         // standalone, DRAM included
  double onchip_cycles = 0;  // DRAM-side transfers left to the scheduler
  int onchip_bound = -1;     // level whose port sets phases.compute; -1 = the array itself
  double dram_pj = 0;
  double dram_bits = 0;  // read + written
  double energy_pj = 0;
  // For the execution model (finish_evaluation). Per level: bits exchanged with the PEs.
  std::array<double, kMaxLevels> pe_read_bits{};
  std::array<double, kMaxLevels> pe_write_bits{};
  // Transfer time between levels, in cycles, summed over every tile moved (serial) and for
  // the first input tiles / last output tile only; on-chip pairs and pairs with DRAM apart.
  double in_onchip = 0, in_dram = 0, out_onchip = 0, out_dram = 0;
  double first_in_onchip = 0, first_in_dram = 0, last_out_onchip = 0, last_out_dram = 0;
  int once_count = 0;          // entries of Evaluation::once in use
  double array_loads = 0;      // stationary-operand loads into the PE array
  double loaded_elements = 0;  // elements shifted in by those loads
  double instructions = 0;
  CostPhases phases;  // of onchip_cycles
  double array_load_pj = 0;
  bool operator==(const EvaluationCounts&) const = default;
};

// Calls f(double&) on every sum that add_boundary adds to (the search replays recorded
// additions through it and checks that no other field moved).
template <class F>
void for_each_sum(EvaluationCounts& e, F&& f) {
  for (auto& level : e.read_bits)
    for (double& v : level) f(v);
  for (auto& level : e.write_bits)
    for (double& v : level) f(v);
  for (auto* a : {&e.read_pad_bits, &e.write_pad_bits, &e.pe_read_bits, &e.pe_write_bits})
    for (double& v : *a) f(v);
  for (double* v :
       {&e.in_onchip, &e.in_dram, &e.out_onchip, &e.out_dram, &e.first_in_onchip, &e.first_in_dram,
        &e.last_out_onchip, &e.last_out_dram, &e.array_loads, &e.loaded_elements, &e.instructions})
    f(*v);
}

struct Evaluation : EvaluationCounts {
  std::array<OnceMove, 3 * kMaxLevels> once{};  // recorded under `double-buffered` only
};

inline constexpr int kMaxLoops = 12;  // temporal loops after merging small factors

struct TemporalMapping {
  std::array<LoopItem, kMaxLoops> order{};  // innermost first
  int loops = 0;
  std::array<int, kMaxLevels> scope_end{};  // per on-chip level: loops [0, end) inside it
  std::array<Extents, kMaxLevels> tile{};   // per on-chip level: temporal extents inside
  std::string str(const Hierarchy& h) const;
};

// kRanking computes only what `better` compares (cycles, energy_pj, dram_bits), the same
// values as kFull; the rest of `ev` is left stale. For the search's bound and its candidates.
// kBound is the search's bound under double-buffered overlap: everything as kFull but
// `cycles`, the larger of two lower bounds, each plus the first/last tiles of refilled moves
// and the fixed costs: the busiest level's time for all its traffic (or the compute), and the
// compute phase of the refilled traffic plus the once-moves' waits. The full formula's
// on-/off-loading is not monotone in the refills (a tile moved once waits up front, the same
// data refilled in small tiles streams under the compute), so a bound using it is not a lower
// bound; this one takes each once-move either way: moved once, it waits at least floor_cycles
// and hides under the compute only within its levels' slack (the phase less the level's own
// traffic with the PEs, so phase + wait >= that traffic's time + the whole move); refilled
// instead, it adds to the compute phase's traffic and its first (last) tile waits at least
// refill_wait. The least over every such split is the bound (access.cpp, once_bound).
enum class Finish { kFull, kRanking, kBound };

// Per on-chip level l and operand x it holds: the footprint of l's tile at l and at the next
// level out holding x (Problem::footprint with their `served`), as the search keeps them.
using TileFootprints = std::array<std::array<std::array<double, 2>, 3>, kMaxLevels>;

// Access counts, energy and latency of one complete mapping; `fps`, when given, are its
// tiles' footprints (the same values evaluate_mapping would compute).
Evaluation evaluate_mapping(const Problem& p, const TemporalMapping& m,
                            const TileFootprints* fps = nullptr, Finish what = Finish::kFull);
// The same into `ev`, whose once-move records past those it writes are left as they were
// (never read): the search prices its candidates in one scratch without clearing them.
void evaluate_mapping(const Problem& p, const TemporalMapping& m, const TileFootprints* fps,
                      Finish what, Evaluation& ev);

using LevelBits = std::array<double, kMaxLevels>;
// Distinct tiles of operand x outside a scope with these temporal extents.
double distinct_tiles(const Problem& p, int x, const Extents& tile);
// Adds the traffic between `child` (-1: the PEs) and `parent` for operand x whose tile at the
// child is `tile`, moved `refills` times.
void add_boundary(const Problem& p, int x, int child, int parent, const Extents& tile,
                  double refills, Evaluation& ev, LevelBits& dram_side_read,
                  LevelBits& dram_side_write);
// The same with the tile's footprints at the parent and the child (Problem::footprint with
// their `served`; fp_child unused when child < 0) already known: the search's bound prices
// the same tiles at every node.
void add_boundary(const Problem& p, int x, int child, int parent, const Extents& tile,
                  double refills, Evaluation& ev, LevelBits& dram_side_read,
                  LevelBits& dram_side_write, double fp_parent, double fp_child);
// A whole-operand move of `bits` from level `from` to level `to` (element and CIM paths,
// which stream each operand once): its time goes to the serial and first/last transfer
// times of `ev` (onload when it moves towards the PEs, offload otherwise).
void add_transfer(const Hierarchy& h, int from, int to, double bits, Evaluation& ev);
// From the bits moved per level: energy (plus `compute_pj`) and latency, which is the
// compute cycles or the busiest level's transfer time if longer (stalls); `dram_side_*` are
// the bits each on-chip level exchanges with DRAM, left out of `onchip_cycles`.
// Under Finish::kBound, `parts` (when given) receives the terms of the cycles that do not
// depend on the once-moves' waits.
struct BoundParts;
void finish_evaluation(const Hierarchy& h, Evaluation& ev, const LevelBits& dram_side_read,
                       const LevelBits& dram_side_write, double compute_pj,
                       Finish what = Finish::kFull, BoundParts* parts = nullptr);

// Finish::kBound's cycles apart from its once-moves' waits: a search node whose traffic is its
// parent's (only an open level's tile grew) reprices its bound from these and its own waits.
struct BoundParts {
  double busy_all = 0;  // every level busy with all its traffic, or the compute
  double busy_p = 0;    // the compute phase of the refilled traffic
  double fixed = 0;     // fixed costs
};
// Finish::kBound's cycles from `parts` and ev's once-moves, first/last tiles and PE-side bits
// (finish_evaluation computes it so); `pe_busy`, when given, holds pe_busy_cycles per level.
double bound_cycles(const Hierarchy& h, const Evaluation& ev, const BoundParts& parts,
                    const LevelBits* pe_busy = nullptr);
// Cycles DRAM is busy moving `bits`, read and written: both share its one port (0 when its
// bandwidth is unlimited).
double dram_cycles(const Hierarchy& h, double bits);
// Cycles level l is busy with its traffic with the PEs alone.
double pe_busy_cycles(const Hierarchy& h, const EvaluationCounts& ev, int l);

// Relative latency difference below which the latency objective ranks by energy.
inline constexpr double kLatencyResolution = 1e-3;

// True when `a` is strictly better than `b` for the objective. The latency objective ranks by
// cycles, then energy, here; its window (kLatencyResolution) is LatencyFront's.
bool better(const Evaluation& a, const Evaluation& b, Objective o);

// The latency objective: the least energy (then the fewest cycles) among the mappings within
// kLatencyResolution of the least latency. Ranking pairs ("within the resolution, the cheaper
// wins") is not transitive, so a search would keep whichever mapping the order it meets them
// in favours (zcu102-eftrain's layer2 convs: twice the energy for 0.017 % fewer cycles). This
// keeps instead the least latency priced so far, L, and every priced mapping within
// (1 + kLatencyResolution) L that no other is both no slower and no costlier than. A node with
// latency bound lb and energy bound eb is pruned when lb is beyond the window (it can neither
// join it nor lower L), or when lb >= L and a kept mapping is no slower than lb and no costlier
// than eb (whenever the window later shrinks past that mapping, it leaves the node's behind
// too). A node whose bound is below L is never pruned, so L ends as the least latency, and no
// cheaper mapping of the final window is ever pruned: the result is exact.
struct LatencyFront {
  struct Entry {
    Evaluation eval;
    TemporalMapping mapping;
    const SpatialMapping* spatial = nullptr;
  };
  double least = std::numeric_limits<double>::infinity();  // L
  std::vector<Entry> kept;
  const SpatialMapping* spatial = nullptr;  // the unrolling being searched (for add)

  double window() const { return least * (1 + kLatencyResolution); }
  bool prunes(double lb, double eb) const;
  // True when a mapping of c cycles and e pJ would be kept.
  bool wants(double c, double e) const;
  void add(const Evaluation& ev, const TemporalMapping& m);
  const Entry* best() const;  // null before any mapping is kept
};

struct SearchResult {
  TemporalMapping mapping;
  Evaluation eval;
  long mappings_evaluated = 0;
  long nodes = 0;  // search tree nodes visited
  bool found = false;
};

// Searches loop orders and per-level tiles (see temporal.cpp) and keeps the best mapping.
// With `incumbent`, only mappings better than it are of interest: the search prunes against
// it and returns no mapping (mappings_evaluated may still be > 0) when none is better.
SearchResult search_temporal(const Problem& p, const Evaluation* incumbent = nullptr);

}  // namespace monet::mapping::detail

// The temporal search's state and steps (mapping/temporal.cpp describes the search; the bound
// it prunes with is in temporal_bound.cpp). Internal to mapping/.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "mapping/temporal.hpp"

namespace monet::mapping::detail {

// One search over one spatial unrolling with at most `max_loops` temporal loops. Hidden
// visibility: the library is built position-independent, and a member with default
// visibility could be interposed, so the compiler would not inline the search's steps into
// each other (8 % slower per node when the class left its file's anonymous namespace).
class [[gnu::visibility("hidden")]] Search {
 public:
  Search(const Problem& p, const Evaluation* incumbent, int max_loops);
  // open_adds_ point into bound_.
  Search(const Search&) = delete;
  Search& operator=(const Search&) = delete;

  SearchResult run();

 private:
  // Rows and columns (OY, FY against OX, FX): when the nest, the unrolling and the loop items
  // are the same both ways, a mapping and its mirror image cost the same, and only one of each
  // pair is searched (mirror_pruned). Not in the references that prune nothing or visit every
  // order (tests compare them with this search).
  void detect_mirror();

  // True when the closed blocks (levels [0, upto)) of the mapping being built make it the
  // mirror image of one searched instead: in the first block whose row and column loops
  // differ, the columns' (bits per item, FX over OX) outrank the rows'.
  bool mirror_pruned(int upto) const;

  // The constants only the double-buffered bound reads.
  void prepare_double_buffered();

  // An open level's move in the bound is the same at every node (the whole nest, received
  // once), so its additions are recorded here and replayed by hopeless(): the same values
  // added to the same sums in the same order, bit for bit. add_boundary adds to each sum at
  // most once per move, so the order within a move does not matter. Under double-buffered
  // overlap the move's once-move record is kept too and appended where add_boundary would
  // append it. Not when a move changes any other field (then replay_ stays false and every
  // move is priced).
  void record_open_moves();

  bool fits(int level, const Extents& e) const {
    const Level& lv = p_.h->levels[level];
    double bits = 0;
    for (int x = 0; x < 3; ++x)
      if (lv.holds[x]) bits += p_.footprint(x, e, p_.served[level]) * p_.bits[x];
    return bits <= lv.capacity_bits;
  }

  // Bits each open level holds with the loops placed so far, per operand, and the terms of
  // those footprints (Problem::footprint's) that target() needs to change one dim.
  void snapshot_occupancy();
  int64_t rows_touched(int64_t eo, int64_t ef) const {
    return Problem::touched(eo, ef, p_.nest->stride_y, p_.nest->dilation_y, p_.in_h);
  }
  int64_t cols_touched(int64_t eo, int64_t ef) const {
    return Problem::touched(eo, ef, p_.nest->stride_x, p_.nest->dilation_x, p_.in_w);
  }
  // Problem::footprint of operand x at level l with dim d's extent (with the level's unroll,
  // capped at the nest) changed to ed, from the terms snapshot_occupancy kept: the same
  // integers multiplied, so the same double. d is one of the dims x's footprint has.
  double footprint_with(int l, int x, int d, int64_t ed) const;

  // The lowest level, from the open one up, that can take loop i; onchip_ means DRAM. Only
  // the tiles of operands the loop indexes grow (x != g: the loop's dim is one of x's).
  int target(int i) const;

  // Canonical position of loop i in a block led by `lead` (3: no lead, loop id order).
  int key(int i, int lead) const {
    return (lead != 3 && items_[i].group == lead ? 0 : 64) + i;
  }

  // Operands a run of loops placed next would keep put: those held by a level closed now
  // (levels [block_, to)) or earlier, when every loop since its scope ended skips them.
  std::array<bool, 4> exposed(int to) const;

  void close(int upto);

  // True when no completion of the current partial mapping can beat the best one. Bound:
  // a closed level is refilled at least once per iteration of the loops outside it, except
  // for a run of loops that skip its operand (known once a loop indexing the operand
  // follows; otherwise as long as every unplaced loop skipping the operand could make it);
  // an open level receives every element of its operands at least once.
  //
  // `as_parent` (double-buffered overlap): the node's traffic is its parent's (a loop joined
  // the open level and left every closed level's refills as they were, see open_runs()), so
  // only the open levels' waits change: the bound is repriced from the parent's parts. So is
  // a node that opened a level with a loop of the same group as an earlier sibling that
  // opened it: they close the same levels at the same tile, and a closed level's refills
  // depend only on whether the loop after it skips its operand.
  bool hopeless(bool as_parent = false) const;

  // The fewest times closed level c can be refilled with operand x: once per iteration of the
  // loops outside it but a run of loops skipping x (as long as every unplaced loop skipping x
  // could continue it).
  double closed_refills(int x, int c) const {
    double run = 1;
    int j = m_.scope_end[c];
    for (; j < m_.loops && m_.order[j].group == x; ++j)
      run *= static_cast<double>(m_.order[j].factor);
    if (j == m_.loops) run *= unplaced_skip_[x];
    return p_.s->compute_cycles / tile_volume_[c] / run;
  }

  // The least time a refilled move of operand x between level l and the next level out
  // holding it waits for its first (inputs) or last (outputs) tile when that tile spans at
  // least `tile`: the tile's footprints at the narrowest width x travels at, over the ports
  // it uses (add_boundary's move_cycles), a hair less so that no rounding lifts it above the
  // transfer it bounds (Finish::kBound).
  double tile_wait(int l, int x, const Extents& tile) const {
    const double at_l = p_.footprint(x, tile, p_.served[l]);
    const int parent = parent_[l][x];
    return wait_of_footprints(l, x, at_l,
                              same_span_[l][x] ? at_l : p_.footprint(x, tile, p_.served[parent]));
  }
  // The same from the tile's footprints at l and at its parent.
  double wait_of_footprints(int l, int x, double at_l, double at_parent) const {
    const auto& [per_l, per_parent] = wait_per_element_[l][x];
    return std::max(at_l * per_l, at_parent * per_parent) * (1 - 1e-12);
  }

  // True when no completion moves operand x into open level c only once: the tile that
  // would take (every unplaced loop indexing x joining the level: the whole extent of the
  // dims indexing x) does not fit there.
  bool must_refill(int c, int x) const {
    if (must_known_[c][x]) return must_const_[c][x];
    Extents t = cur_;
    for (int d = 0; d < workloads::kDimCount; ++d)
      if (dim_group_[d] != x) t[d] = p_.s->temporal[d];
    return !fits(c, t);
  }

  // Under double-buffered overlap, true when a complete mapping is beyond the latency window
  // already by hopeless()'s first check (every level closed, so the refills are exact): the
  // compute or DRAM's busy time, plus the first (last) tiles of its refilled moves.
  bool beyond_window() const;

  void leaf();

  bool used(int i) const {
    return used_ >> i & 1;
  }
  bool identical_unused_before(int i) const {
    return i > 0 && !used(i - 1) && items_[i - 1].dim == items_[i].dim &&
           items_[i - 1].factor == items_[i].factor;
  }

  struct Saved {
    Extents cur;
    int block, lead, last_key, opener_key;
    uint32_t could_open;
    bool empty;
  };
  Saved save() const {
    return {cur_, block_, lead_, last_key_, opener_key_, could_open_, block_empty_};
  }
  void restore(const Saved& s) {
    opener_key_ = s.opener_key;
    could_open_ = s.could_open;
    cur_ = s.cur;
    block_ = s.block;
    lead_ = s.lead;
    last_key_ = s.last_key;
    block_empty_ = s.empty;
  }

  // `bound_as_parent`: the caller knows this node's bound equals its parent's, which was
  // checked against the bar of version `parent_bar` (see open_runs()).
  void dfs(bool bound_as_parent = false, long parent_bar = -1);

  // Groups x for which some closed level holding x has a run of x-skipping loops reaching
  // the end of the order and unplaced loops skipping x remain: the bound takes that run as
  // possibly continuing with them (hopeless()). A loop of group g joining the open level
  // extends each such run of group g (run x f, unplaced / f: the same exact product) and
  // ends the others, so the bound stays the parent's iff no other group is in the mask (under
  // double-buffered overlap, whose bound also grows with the open levels' tiles, the traffic
  // stays the parent's: hopeless(true)). Never under the reference path (direct_bound),
  // which checks every node.
  unsigned open_runs() const;

  void descend(int i, int level, bool bound_as_parent = false, long parent_bar = -1,
               uint32_t could_open = 0);

  // The unplaced loops in canonical order (no allocation: this runs at most nodes).
  struct Rest {
    std::array<int, kMaxLoops> loop{};
    int count = 0;
    const int* begin() const { return loop.data(); }
    const int* end() const { return loop.data() + count; }
  };
  Rest rest_sorted(int lead) const {
    // key(): the lead group's loops first, each part in loop id order.
    Rest rest;
    for (int j = 0; j < n_; ++j)
      if (!used(j) && lead != 3 && items_[j].group == lead) rest.loop[rest.count++] = j;
    for (int j = 0; j < n_; ++j)
      if (!used(j) && (lead == 3 || items_[j].group != lead)) rest.loop[rest.count++] = j;
    return rest;
  }

  // When every loop left can join the open level and all fit there together, no loop can
  // ever close it: the level takes them all, in canonical order. False when the search
  // branches.
  bool take_rest_here();

  // The loops left are DRAM-level loops; only which group leads them matters.
  void rest_to_dram(int lead);

  const Problem& p_;
  const Evaluation* incumbent_;
  std::vector<LoopItem> items_;
  int n_;
  int onchip_;
  std::array<std::array<bool, 4>, kMaxLevels> indexes_{};  // level holds an operand g indexes
  std::array<std::array<double, 3>, kMaxLevels> occupancy_{};
  // Per open level, at the node: each dim's extent there and the footprints' terms.
  struct FootprintTerms {
    std::array<int64_t, workloads::kDimCount> ext{};
    std::array<int64_t, workloads::kDimCount> without_w{}, without_o{}, without_i{};
    int64_t channels = 1, rows = 1, cols = 1;
  };
  std::array<FootprintTerms, kMaxLevels> terms_{};
  // For the bound: per level and operand the next level out holding it (-1: none), the
  // footprint of the whole nest at each level, and of a closed level's tile at it and at
  // that next level.
  std::array<std::array<int, 3>, kMaxLevels> parent_{};
  std::array<std::array<double, 3>, kMaxLevels> fp_full_{};
  TileFootprints fp_closed_{};
  // Per closed level and operand: tile_wait of its tile (Finish::kBound).
  // Per level and operand: cycles per element of a tile at the level and at its parent
  // (narrowest width / the port's bits per cycle; 0 for an unlimited port), for tile_wait.
  std::array<std::array<std::pair<double, double>, 3>, kMaxLevels> wait_per_element_{};
  // Per level and operand: a copy of the level spans the same PEs as one of the next level
  // out holding the operand, so a tile's footprints at the two are alike.
  std::array<std::array<bool, 3>, kMaxLevels> same_span_{};
  std::array<std::array<double, 3>, kMaxLevels> closed_wait_{};
  Extents cur_;        // temporal extents of the loops placed so far
  uint32_t used_ = 0;  // loops placed
  // Per group: the product of the unplaced loops' factors, in a double: every product of loop
  // factors is an integer far below 2^53, so the double, its divisions by a factor and the
  // bound's products with it are exact (and a double divides faster than an int64).
  std::array<double, 4> unplaced_skip_{1, 1, 1, 1};
  std::array<int, workloads::kDimCount> dim_group_{};
  // must_refill(c, x) when level c holds x alone: x's footprint has none of the dims that
  // must_refill leaves at cur_, so the answer is the same at every node.
  std::array<std::array<bool, 3>, kMaxLevels> must_known_{}, must_const_{};
  std::array<double, kMaxLevels> tile_volume_{};  // per closed level: its tile's iterations
  TemporalMapping m_;  // the mapping being built (scope ends of closed levels)
  int block_ = 0;      // the open level
  bool block_empty_ = true;
  int lead_ = 3;
  int last_key_ = -1;
  // Row/column mirror symmetry (detect_mirror, mirror_pruned): per item its pair (0: OY/OX,
  // 1: FY/FX; -1 none), rank k within its dim and side (0 rows, 1 columns); per position
  // of the order the item placed there.
  struct MirrorOf {
    int pair = -1, k = 0, side = 0;
  };
  bool mirror_ = false;
  std::array<MirrorOf, kMaxLoops> mirror_of_{};
  std::array<int, kMaxLoops> placed_{};
  int opener_key_ = -1;       // key of the loop that opened the open level
  uint32_t could_open_ = 0;   // loops that could have opened it
  Evaluation pe_;             // traffic between the PEs and their innermost levels
  mutable Evaluation bound_;  // scratch of hopeless()
  Evaluation candidate_;      // scratch of leaf()
  // What the bound and the candidates are finished with (kFull on the reference path).
  const Finish ranking_ = p_.direct_bound ? Finish::kFull : Finish::kRanking;
  const Finish bound_finish_ =
      p_.h->execution.overlap == accelerators::Overlap::kDoubleBuffered ? Finish::kBound : ranking_;
  mutable LevelBits bound_dsr_{}, bound_dsw_{};
  // A node's bound under double-buffered overlap apart from its open levels' waits: its
  // once-moves (open ones unpatched, tagged x * kMaxLevels + chain position; closed ones -1)
  // and the terms that do not depend on the waits (hopeless(true)).
  struct Base {
    static constexpr int kMoves = 8;
    int count = 0;
    std::array<OnceMove, kMoves> once{};
    std::array<int, kMoves> open{};
    BoundParts parts;
    double first_in_onchip = 0, first_in_dram = 0, last_out_onchip = 0, last_out_dram = 0;
    double energy_pj = 0;
  };
  // Per depth (loops placed): slot 0 for a node that joined the open level, 1 + g for one that
  // opened a level with a loop of group g (its later siblings doing so reuse it).
  static constexpr int kBaseSlots = 5;
  mutable std::array<int, kMaxLoops + 1> base_of_{};  // the node's base in bases; -1: none
  // Per depth and group: the level whose opening left its base in slot 1 + group; -1: none.
  mutable std::array<std::array<int, 4>, kMaxLoops + 1> opened_by_{};
  // For hopeless()'s first check: DRAM bits moved by the PEs, by each open move, and by each
  // closed level per refill (at least).
  double pe_dram_bits_ = 0;
  std::array<std::array<double, kMaxLevels>, 3> open_dram_bits_{};
  std::array<std::array<double, 3>, kMaxLevels> closed_dram_bits_{};
  LevelBits pe_busy_{};  // pe_busy_cycles per level (the PE-side traffic is the search's)
  // What only double-buffered overlap uses, allocated for it alone: a search is built per
  // spatial unrolling and pass, and zeroing these each time slowed the other presets.
  struct DoubleBuffered {
    // Per open move [x][k] recording a once-move (open_once_): the record.
    std::array<std::array<OnceMove, kMaxLevels>, 3> open_move{};
    std::array<Base, (kMaxLoops + 1) * kBaseSlots> bases{};  // [depth * kBaseSlots + slot]
    Evaluation repriced;  // scratch of hopeless(true); its PE-side bits are pe_'s
  };
  std::unique_ptr<DoubleBuffered> db_;
  struct Addition {
    double* to;  // a sum of bound_, bound_dsr_ or bound_dsw_
    double value;
  };
  std::array<std::array<std::vector<Addition>, kMaxLevels>, 3> open_adds_;  // [x][k] (above)
  bool replay_ = false;
  // Per open move [x][k]: whether it records a once-move (double-buffered).
  std::array<std::array<bool, kMaxLevels>, 3> open_once_{};
  // Per move [x][k]: the child is the array's stationary operand's innermost level (its
  // refills are array loads, with no first tile to wait for).
  std::array<std::array<bool, kMaxLevels>, 3> stationary_{};
  LevelBits pe_dsr_{}, pe_dsw_{};
  bool found_ = false;
  long bar_version_ = 0;  // counts new bests: a bound checked at an older version is stale
  SearchResult best_;
  long nodes_ = 0;
};

}  // namespace monet::mapping::detail

// The temporal search. The temporal extent of every loop dim is split into prime factors
// (small ones merged when there are too many); the factors are placed innermost first and
// each level of the hierarchy takes a block of consecutive loops (its scope is everything
// placed so far). A loop joins the open level when the tiles of that level and of every level
// above (whose scopes contain it) still fit and the level holds an operand the loop indexes
// (a loop indexing none of them costs the level nothing inside or just outside its scope).
// A loop that cannot join closes the open level and enters the lowest level above that can
// take it (LOMA-style greedy allocation over all loop orders); a loop that fits nowhere makes
// it and every loop left DRAM-level loops. Within a block only the loops at its start matter
// (they form the run that keeps the operand of a level just closed in place), so each block
// is visited in one canonical order: the loop that opens the level first, the others led by
// the group the opening loop keeps put, then by loop id. The opening loop is the first in
// that order among the block's loops that fit no lower level when the level opens; the others
// may fit lower (they join once the level is open), so every greedy allocation's blocks are
// reached, each once. (Ordering the opening loop with the rest missed blocks whose first loop
// fits lower: up to 2.3 % of a layer's latency.) DRAM-level loops only in their possible
// leading groups. Where rows and columns are alike (nest, unrolling and loop factors), a
// mapping and its mirror image cost the same and only one of them is searched; since every
// greedy allocation's blocks are reached, the mirror of a skipped mapping always is. Branch and
// bound: a partial mapping whose lower bound (closed levels at their fewest possible refills, open
// levels receiving each element once) cannot beat the best mapping so far is not extended; joining
// the open level is tried first, which finds a good mapping early. Every complete mapping
// is priced with the full model (access.cpp).
//
// Two passes: the same search over the factors merged to at most kCoarseLoops loops first,
// then over kDefaultLoops with the first pass's best as the bar. The bar only prunes what
// cannot beat a mapping already in hand, and a merged factor costs what its factors cost as
// adjacent loops of one level, so the result is the fine search's alone up to ties within
// kLatencyResolution (tests/mapping/invariants_test.cpp compares the two). Under
// double-buffered overlap the bound's latency is Finish::kBound's, which no completion can
// undercut; an open level that cannot take all the loops its operand still needs will be
// refilled, so its once-move waits at least for the tile of the loops placed so far, and any
// once-move, if refilled, waits at least for that tile (open levels) or its own (closed).
// Most nodes there differ from their parent only by an open level's tile (the same traffic),
// so their bound is repriced from the parent's parts with their own waits; the latency window
// is checked first from the compute and the waits alone.
#include <algorithm>
#include <limits>
#include <memory>

#include "mapping/temporal.hpp"

namespace monet::mapping::detail {

using workloads::Dim;
using workloads::kDimCount;
using workloads::LoopNest;
using workloads::Operand;

namespace {
constexpr int kDefaultLoops = 10;
// The first pass (see search_temporal): few loops, so a small tree, whose best mapping is
// close to the fine search's and lets it prune from the start (pynq-z1-tensil's layer3
// convs: 2,745 complete mappings priced without it, about 100 with it).
constexpr int kCoarseLoops = 4;
constexpr long kMaxMappings = 20000;  // safety cap; layers need tens to a few thousand

int group_of(int d) {
  for (int x = 0; x < 3; ++x)
    if (!LoopNest::relevant(static_cast<Operand>(x), static_cast<Dim>(d))) return x;
  return 3;
}

std::vector<int64_t> prime_factors(int64_t n) {
  std::vector<int64_t> f;
  for (int64_t q = 2; q * q <= n; ++q)
    while (n % q == 0) {
      f.push_back(q);
      n /= q;
    }
  if (n > 1) f.push_back(n);
  return f;
}

// Prime factors of every temporal extent; while there are too many, the two smallest
// factors of the dim with the most factors merge. Never below one loop per dim: a nest with
// more dims than max_loops keeps one loop for each.
std::vector<LoopItem> loop_items(const Extents& temporal, int max_loops) {
  std::array<std::vector<int64_t>, kDimCount> f;
  int count = 0;
  for (int d = 0; d < kDimCount; ++d) {
    if (temporal[d] > 1) f[d] = prime_factors(temporal[d]);
    count += static_cast<int>(f[d].size());
  }
  while (count > max_loops) {
    int dmax = 0;
    for (int d = 1; d < kDimCount; ++d)
      if (f[d].size() > f[dmax].size()) dmax = d;
    auto& v = f[dmax];
    if (v.size() < 2) break;
    std::sort(v.begin(), v.end());
    v[1] *= v[0];
    v.erase(v.begin());
    --count;
  }
  std::vector<LoopItem> items;
  for (int d = 0; d < kDimCount; ++d) {
    std::sort(f[d].begin(), f[d].end());
    for (int64_t x : f[d]) items.push_back({d, x, group_of(d)});
  }
  return items;
}

class Search {
 public:
  Search(const Problem& p, const Evaluation* incumbent, int max_loops)
      : p_(p),
        incumbent_(incumbent),
        items_(loop_items(p.s->temporal, max_loops)),
        n_(static_cast<int>(items_.size())),
        onchip_(p.h->onchip()) {
    cur_.fill(1);
    for (int d = 0; d < kDimCount; ++d) dim_group_[d] = group_of(d);
    for (int l = 0; l < onchip_; ++l)
      for (int g = 0; g < 4; ++g) {
        const auto& holds = p.h->levels[l].holds;
        indexes_[l][g] = (holds[0] && g != 0) || (holds[1] && g != 1) || (holds[2] && g != 2);
      }
    for (auto& row : parent_) row.fill(-1);
    for (int x = 0; x < 3; ++x) {
      const auto& chain = p.h->chain[x];
      for (size_t k = 0; k + 1 < chain.size(); ++k) {
        parent_[chain[k]][x] = chain[k + 1];
        same_span_[chain[k]][x] = p.served[chain[k]] == p.served[chain[k + 1]];
      }
    }
    for (int l = 0; l <= p.h->dram(); ++l)
      for (int x = 0; x < 3; ++x) fp_full_[l][x] = p.footprint(x, p.s->temporal, p.served[l]);
    // The PE-side traffic is fixed by the spatial unrolling.
    const Extents ones{1, 1, 1, 1, 1, 1, 1, 1};
    for (int x = 0; x < 3; ++x)
      add_boundary(p, x, -1, p.h->chain[x][0], ones, p.s->compute_cycles, pe_, pe_dsr_, pe_dsw_);
    for (int i = 0; i < n_; ++i) {
      unplaced_skip_[items_[i].group] *= static_cast<double>(items_[i].factor);
    }
    detect_mirror();
    if (p.h->execution.overlap == accelerators::Overlap::kDoubleBuffered)
      db_ = std::make_unique<DoubleBuffered>();
    record_open_moves();
    if (db_) prepare_double_buffered();
  }
  // Rows and columns (OY, FY against OX, FX): when the nest, the unrolling and the loop items
  // are the same both ways, a mapping and its mirror image cost the same, and only one of each
  // pair is searched (mirror_pruned).
  void detect_mirror() {
    if (p_.all_orders || !p_.prune) return;
    const auto& nest = *p_.nest;
    const auto& sz = nest.size;
    const auto& t = p_.s->temporal;
    const auto& u = p_.s->total;
    if (sz[4] != sz[5] || sz[6] != sz[7] || t[4] != t[5] || t[6] != t[7] || u[4] != u[5] ||
        u[6] != u[7] || nest.stride_y != nest.stride_x || nest.dilation_y != nest.dilation_x ||
        p_.in_h != p_.in_w)
      return;
    for (const Extents& e : p_.served)
      if (e[4] != e[5] || e[6] != e[7]) return;
    std::array<std::vector<int>, 4> of;  // items of OY, OX, FY, FX
    for (int i = 0; i < n_; ++i)
      if (items_[i].dim >= 4) of[items_[i].dim - 4].push_back(i);
    for (int pair = 0; pair < 2; ++pair) {
      const auto& a = of[2 * pair];
      const auto& b = of[2 * pair + 1];
      if (a.size() != b.size()) return;
      for (size_t k = 0; k < a.size(); ++k) {
        if (items_[a[k]].factor != items_[b[k]].factor) return;
        mirror_of_[a[k]] = {pair, static_cast<int>(k), 0};
        mirror_of_[b[k]] = {pair, static_cast<int>(k), 1};
      }
    }
    mirror_ = !of[0].empty() || !of[2].empty();
  }

  // True when the closed blocks (levels [0, upto)) of the mapping being built make it the
  // mirror image of one searched instead: in the first block whose row and column loops
  // differ, the columns' (bits per item, FX over OX) outrank the rows'.
  bool mirror_pruned(int upto) const {
    int begin = 0;
    for (int l = 0; l < upto; ++l) {
      const int end = m_.scope_end[l];
      std::array<std::array<uint32_t, 2>, 2> mask{};  // [pair][row, column]
      for (int j = begin; j < end; ++j) {
        const MirrorOf& mo = mirror_of_[placed_[j]];
        if (mo.pair >= 0) mask[mo.pair][mo.side] |= 1u << mo.k;
      }
      begin = end;
      const uint64_t rows = uint64_t{mask[1][0]} << 32 | mask[0][0];
      const uint64_t cols = uint64_t{mask[1][1]} << 32 | mask[0][1];
      if (rows != cols) return cols > rows;
    }
    return false;
  }

  // The constants only the double-buffered bound reads.
  void prepare_double_buffered() {
    const Problem& p = p_;
    static_cast<EvaluationCounts&>(db_->repriced) = pe_;
    const auto& ex = p.h->execution;
    for (int x = 0; x < 3; ++x) {
      stationary_[x][0] = ex.has_stationary_load && x != p.output() &&
                          x == static_cast<int>(ex.stationary_load.operand);
      const auto& chain = p.h->chain[x];
      const double narrow = p.narrowest_bits(x);
      auto per_element = [&](double bits_per_cycle) {
        return bits_per_cycle > 0 ? narrow / bits_per_cycle : 0.0;
      };
      for (size_t k = 0; k + 1 < chain.size(); ++k) {
        const Level& C = p.h->levels[chain[k]];
        const Level& P = p.h->levels[chain[k + 1]];
        wait_per_element_[chain[k]][x] =
            x == p.output()
                ? std::pair{per_element(C.read_bits_per_cycle), per_element(P.write_bits_per_cycle)}
                : std::pair{per_element(C.write_bits_per_cycle),
                            per_element(P.read_bits_per_cycle)};
      }
    }
    for (int l = 0; l <= p.h->dram(); ++l) pe_busy_[l] = pe_busy_cycles(*p.h, pe_, l);
    for (int x = 0; x < 3; ++x)
      pe_dram_bits_ += pe_.read_bits[p.h->dram()][x] + pe_.write_bits[p.h->dram()][x];
    for (int l = 0; l < onchip_; ++l) {
      const auto& holds = p.h->levels[l].holds;
      for (int x = 0; x < 3; ++x)
        if (holds[x] && holds[0] + holds[1] + holds[2] == 1) {
          must_const_[l][x] = !fits(l, p.s->temporal);
          must_known_[l][x] = true;
        }
    }
  }

  // open_adds_ point into bound_.
  Search(const Search&) = delete;
  Search& operator=(const Search&) = delete;

  SearchResult run() {
    if (onchip_ == 0) {
      // No on-chip memory: the PEs read DRAM every cycle, whatever the loop order.
      for (int i = 0; i < n_; ++i) m_.order[m_.loops++] = items_[i];
      leaf();
    } else {
      dfs();
    }
    best_.nodes = nodes_;
    best_.found = found_;
    return std::move(best_);
  }

 private:
  // An open level's move in the bound is the same at every node (the whole nest, received
  // once), so its additions are recorded here and replayed by hopeless(): the same values
  // added to the same sums in the same order, bit for bit. add_boundary adds to each sum at
  // most once per move, so the order within a move does not matter. Under double-buffered
  // overlap the move's once-move record is kept too and appended where add_boundary would
  // append it. Not when a move changes any other field (then replay_ stays false and every
  // move is priced).
  void record_open_moves() {
    if (p_.direct_bound) return;
    std::vector<double*> sums;
    for_each_sum(bound_, [&](double& v) { sums.push_back(&v); });
    for (int x = 0; x < 3; ++x) {
      const auto& chain = p_.h->chain[x];
      for (size_t k = 0; k + 1 < chain.size(); ++k) {
        const int c = chain[k], parent = chain[k + 1];
        Evaluation z;
        LevelBits zr{}, zw{};
        add_boundary(p_, x, c, parent, p_.s->temporal, 1, z, zr, zw, fp_full_[parent][x],
                     fp_full_[c][x]);
        auto& adds = open_adds_[x][k];
        size_t i = 0;
        for_each_sum(z, [&](double& v) {
          if (v != 0) adds.push_back({sums[i], v});
          v = 0;
          ++i;
        });
        for (int l = 0; l < kMaxLevels; ++l) {
          if (zr[l] != 0) adds.push_back({&bound_dsr_[l], zr[l]});
          if (zw[l] != 0) adds.push_back({&bound_dsw_[l], zw[l]});
        }
        for (int y = 0; y < 3; ++y)
          open_dram_bits_[x][k] += z.read_bits[p_.h->dram()][y] + z.write_bits[p_.h->dram()][y];
        if (z.once_count > 1) return;
        open_once_[x][k] = z.once_count == 1;
        if (z.once_count == 1) db_->open_move[x][k] = z.once[0];  // double-buffered only
        z.once_count = 0;
        if (!(static_cast<const EvaluationCounts&>(z) == EvaluationCounts{})) return;
      }
    }
    replay_ = true;
  }

  bool fits(int level, const Extents& e) const {
    const Level& lv = p_.h->levels[level];
    double bits = 0;
    for (int x = 0; x < 3; ++x)
      if (lv.holds[x]) bits += p_.footprint(x, e, p_.served[level]) * p_.bits[x];
    return bits <= lv.capacity_bits;
  }

  // Bits each open level holds with the loops placed so far, per operand, and the terms of
  // those footprints (Problem::footprint's) that target() needs to change one dim.
  void snapshot_occupancy() {
    const auto& n = p_.nest->size;
    for (int l = block_; l < onchip_; ++l) {
      const auto& served = p_.served[l];
      FootprintTerms& f = terms_[l];
      for (int d = 0; d < kDimCount; ++d) f.ext[d] = std::min(cur_[d] * served[d], n[d]);
      const auto& e = f.ext;
      // Products of a footprint's terms leaving one out (W: G K C FY FX; O: B G K OY OX; the
      // input's channel part: B G C).
      f.without_w[1] = e[2] * e[3] * e[6] * e[7];
      f.without_w[2] = e[1] * e[3] * e[6] * e[7];
      f.without_w[3] = e[1] * e[2] * e[6] * e[7];
      f.without_w[6] = e[1] * e[2] * e[3] * e[7];
      f.without_w[7] = e[1] * e[2] * e[3] * e[6];
      f.without_o[0] = e[1] * e[2] * e[4] * e[5];
      f.without_o[1] = e[0] * e[2] * e[4] * e[5];
      f.without_o[2] = e[0] * e[1] * e[4] * e[5];
      f.without_o[4] = e[0] * e[1] * e[2] * e[5];
      f.without_o[5] = e[0] * e[1] * e[2] * e[4];
      f.without_i[0] = e[1] * e[3];
      f.without_i[1] = e[0] * e[3];
      f.without_i[3] = e[0] * e[1];
      f.channels = e[0] * e[1] * e[3];
      f.rows = rows_touched(e[4], e[6]);
      f.cols = cols_touched(e[5], e[7]);
      // Problem::footprint at cur_, from the same integers.
      const std::array<double, 3> fp = {
          static_cast<double>(f.channels) * static_cast<double>(f.rows) *
              static_cast<double>(f.cols),
          static_cast<double>(f.without_w[1] * e[1]), static_cast<double>(f.without_o[0] * e[0])};
      for (int x = 0; x < 3; ++x)
        occupancy_[l][x] = p_.h->levels[l].holds[x] ? fp[x] * p_.bits[x] : 0;
    }
  }
  int64_t rows_touched(int64_t eo, int64_t ef) const {
    return Problem::touched(eo, ef, p_.nest->stride_y, p_.nest->dilation_y, p_.in_h);
  }
  int64_t cols_touched(int64_t eo, int64_t ef) const {
    return Problem::touched(eo, ef, p_.nest->stride_x, p_.nest->dilation_x, p_.in_w);
  }
  // Problem::footprint of operand x at level l with dim d's extent (with the level's unroll,
  // capped at the nest) changed to ed, from the terms snapshot_occupancy kept: the same
  // integers multiplied, so the same double. d is one of the dims x's footprint has.
  double footprint_with(int l, int x, int d, int64_t ed) const {
    const FootprintTerms& f = terms_[l];
    switch (x) {
      case 1:
        return static_cast<double>(f.without_w[d] * ed);
      case 2:
        return static_cast<double>(f.without_o[d] * ed);
      default: {
        int64_t channels = f.channels, rows = f.rows, cols = f.cols;
        if (d == 4 || d == 6)
          rows = rows_touched(d == 4 ? ed : f.ext[4], d == 6 ? ed : f.ext[6]);
        else if (d == 5 || d == 7)
          cols = cols_touched(d == 5 ? ed : f.ext[5], d == 7 ? ed : f.ext[7]);
        else
          channels = f.without_i[d] * ed;
        return static_cast<double>(channels) * static_cast<double>(rows) *
               static_cast<double>(cols);
      }
    }
  }

  // The lowest level, from the open one up, that can take loop i; onchip_ means DRAM. Only
  // the tiles of operands the loop indexes grow (x != g: the loop's dim is one of x's).
  int target(int i) const {
    const int d = items_[i].dim, g = items_[i].group;
    const int64_t grown = cur_[d] * items_[i].factor;
    const auto& n = p_.nest->size;
    // One past the highest level the grown tiles overflow: checked from the top down, the
    // first overflow found decides.
    int t = block_;
    for (int l = onchip_ - 1; l >= block_; --l) {
      const Level& lv = p_.h->levels[l];
      const int64_t ed = std::min(grown * p_.served[l][d], n[d]);
      double bits = 0;
      for (int x = 0; x < 3; ++x)
        if (lv.holds[x])
          bits += x == g ? occupancy_[l][x] : footprint_with(l, x, d, ed) * p_.bits[x];
      if (bits > lv.capacity_bits) {
        t = l + 1;
        break;
      }
    }
    while (t < onchip_ && !indexes_[t][g]) ++t;
    return t;
  }

  // Canonical position of loop i in a block led by `lead` (3: no lead, loop id order).
  int key(int i, int lead) const { return (lead != 3 && items_[i].group == lead ? 0 : 64) + i; }

  // Operands a run of loops placed next would keep put: those held by a level closed now
  // (levels [block_, to)) or earlier, when every loop since its scope ended skips them.
  std::array<bool, 4> exposed(int to) const {
    std::array<bool, 4> e{};
    const int p = m_.loops;
    for (int l = 0; l < to; ++l) {
      int end = l >= block_ ? p : m_.scope_end[l];
      for (int x = 0; x < 3; ++x) {
        if (!p_.h->levels[l].holds[x] || e[x]) continue;
        bool run = true;
        for (int j = end; j < p && run; ++j) run = m_.order[j].group == x;
        e[x] = run;
      }
    }
    return e;
  }

  void close(int upto) {
    for (int l = block_; l < upto; ++l) {
      m_.scope_end[l] = m_.loops;
      m_.tile[l] = cur_;
      int64_t volume = 1;
      for (int d = 0; d < kDimCount; ++d) volume *= cur_[d];
      tile_volume_[l] = static_cast<double>(volume);
      // The bound prices this tile at l and at the next level out of every operand l holds.
      for (int x = 0; x < 3; ++x) {
        const int parent = parent_[l][x];
        if (parent < 0) continue;
        const double at_l = p_.footprint(x, cur_, p_.served[l]);
        fp_closed_[l][x] = {at_l,
                            same_span_[l][x] ? at_l : p_.footprint(x, cur_, p_.served[parent])};
        // DRAM's bits per refill, at least (outputs at their narrowest width).
        closed_dram_bits_[l][x] =
            parent == p_.h->dram()
                ? fp_closed_[l][x][1] * p_.h->levels[parent].instances * p_.narrowest_bits(x)
                : 0;
        if (bound_finish_ == Finish::kBound)
          closed_wait_[l][x] = wait_of_footprints(l, x, fp_closed_[l][x][0], fp_closed_[l][x][1]);
      }
    }
  }

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
  bool hopeless(bool as_parent = false) const {
    const int depth = m_.loops;
    base_of_[depth] = -1;
    const Evaluation* bar = found_ ? &best_.eval : incumbent_;
    if (!p_.prune) return false;
    if (p_.front ? !(p_.front->least < std::numeric_limits<double>::infinity()) : !bar)
      return false;
    const bool waits = bound_finish_ == Finish::kBound;
    const Extents& full = p_.s->temporal;
    const double total = p_.s->compute_cycles;
    // Bases are kept for the latency objective with replayed open moves only.
    const bool based = waits && p_.front && replay_;
    // Where this node's base goes: slot 0, or 1 + the group of the loop that opened a level.
    const bool opened = block_ > 0 && depth > 0 && m_.scope_end[block_ - 1] == depth - 1;
    const int group = opened ? m_.order[depth - 1].group : -1;
    int src = -1;
    if (based && as_parent && depth > 0)
      src = base_of_[depth - 1];
    else if (based && opened && opened_by_[depth][group] == block_)
      src = depth * kBaseSlots + 1 + group;
    if (src >= 0) {
      base_of_[depth] = src;
      const Base& b = db_->bases[src];
      Evaluation& e = db_->repriced;
      e.once_count = b.count;
      for (int i = 0; i < b.count; ++i) {
        OnceMove& mv = e.once[i] = b.once[i];
        if (b.open[i] < 0) continue;
        const int x = b.open[i] / kMaxLevels, c = p_.h->chain[x][b.open[i] % kMaxLevels];
        const double w = tile_wait(c, x, cur_);
        mv.refill_wait = std::max(mv.refill_wait, w);
        if (must_refill(c, x)) mv.floor_cycles = std::max(mv.floor_cycles, w);
      }
      e.first_in_onchip = b.first_in_onchip;
      e.first_in_dram = b.first_in_dram;
      e.last_out_onchip = b.last_out_onchip;
      e.last_out_dram = b.last_out_dram;
      return p_.front->prunes(bound_cycles(*p_.h, e, b.parts, &pe_busy_), b.energy_pj);
    }
    // The latency objective's window is checked first, from a few terms of the bound
    // (Finish::kBound): the compute, every once-move's least wait, and the first (last) tile
    // of every closed move refilled (tile_wait, which that tile's transfer is no faster
    // than). Most nodes the bound prunes are this slow already.
    const bool quick = waits && p_.front && replay_;
    // Per move (operand, chain position), for both passes: a closed level's refills; under
    // double-buffered overlap an open level's tile wait (negative until priced) and whether
    // it must refill (see below).
    std::array<std::array<double, kMaxLevels>, 3> refills, wait;
    std::array<std::array<bool, kMaxLevels>, 3> must;
    auto wait_of = [&](int x, size_t k) {
      if (wait[x][k] < 0) wait[x][k] = tile_wait(p_.h->chain[x][k], x, cur_);
      return wait[x][k];
    };
    auto moves = [&] {
      for (int x = 0; x < 3; ++x) {
        const auto& chain = p_.h->chain[x];
        for (size_t k = 0; k + 1 < chain.size(); ++k) {
          const int c = chain[k];
          if (c < block_) {
            refills[x][k] = closed_refills(x, c);
          } else if (waits && (!replay_ || open_once_[x][k])) {
            wait[x][k] = -1;
            must[x][k] = must_refill(c, x);
          }
        }
      }
    };
    if (quick) {
      moves();
      // The phase with the once-moves' floors, DRAM's busy time, and the first (last) tiles.
      double phase = total * p_.step_cycles, dram_bits = pe_dram_bits_, tail = 0;
      for (int x = 0; x < 3; ++x) {
        const auto& chain = p_.h->chain[x];
        for (size_t k = 0; k + 1 < chain.size(); ++k) {
          const int c = chain[k];
          if (c >= block_) {
            if (open_once_[x][k])
              phase += must[x][k] ? std::max(db_->open_move[x][k].floor_cycles, wait_of(x, k))
                                  : db_->open_move[x][k].floor_cycles;
            dram_bits += open_dram_bits_[x][k];
            continue;
          }
          if (refills[x][k] > 1 && !stationary_[x][k]) tail += closed_wait_[c][x];
          dram_bits += closed_dram_bits_[c][x] * refills[x][k];
        }
      }
      const double dram_bw = p_.h->levels[p_.h->dram()].read_bits_per_cycle;
      const double busy = dram_bw > 0 ? dram_bits / dram_bw : 0;
      // A hair of slack: the bound sums the same terms in another order.
      if (std::max(phase, busy) + tail > p_.front->window() * (1 + 1e-9)) return true;
    } else if (waits) {
      moves();
    }
    Evaluation& e = bound_;
    const int slot = depth * kBaseSlots + (opened ? 1 + group : 0);
    Base* base = waits ? &db_->bases[slot] : nullptr;
    if (opened) opened_by_[depth][group] = -1;
    static_cast<EvaluationCounts&>(e) = pe_;  // pe_ records no once-moves
    LevelBits& dsr = bound_dsr_;
    LevelBits& dsw = bound_dsw_;
    dsr = pe_dsr_;
    dsw = pe_dsw_;
    for (int x = 0; x < 3; ++x) {
      const auto& chain = p_.h->chain[x];
      for (size_t k = 0; k + 1 < chain.size(); ++k) {
        int c = chain[k];
        if (c >= block_) {
          const int before = e.once_count;
          if (replay_) {
            for (const Addition& a : open_adds_[x][k]) *a.to += a.value;
            if (open_once_[x][k] && e.once_count < static_cast<int>(e.once.size()))
              e.once[e.once_count++] = db_->open_move[x][k];
          } else {
            add_boundary(p_, x, c, chain[k + 1], full, 1, e, dsr, dsw, fp_full_[chain[k + 1]][x],
                         fp_full_[c][x]);
          }
          // Refilled, its first (last) tile is no smaller than the loops placed so far; a
          // level that cannot take all of x's unplaced loops refills x whatever the
          // completion, so that tile waits.
          if (waits && e.once_count > before) {
            OnceMove& mv = e.once[before];
            if (before < Base::kMoves) {
              base->once[before] = mv;
              base->open[before] = x * kMaxLevels + static_cast<int>(k);
            }
            const double w = wait_of(x, k);
            mv.refill_wait = std::max(mv.refill_wait, w);
            if (must[x][k]) mv.floor_cycles = std::max(mv.floor_cycles, w);
          }
          continue;
        }
        const int before = e.once_count;
        add_boundary(p_, x, c, chain[k + 1], m_.tile[c],
                     waits ? refills[x][k] : closed_refills(x, c), e, dsr, dsw, fp_closed_[c][x][1],
                     fp_closed_[c][x][0]);
        // Moved once so far; refilled by later loops, its tile stays this one.
        if (waits && e.once_count > before) {
          e.once[before].refill_wait = std::max(e.once[before].refill_wait, closed_wait_[c][x]);
          if (before < Base::kMoves) {
            base->once[before] = e.once[before];
            base->open[before] = -1;
          }
        }
      }
    }
    e.compute_cycles = total * p_.step_cycles;
    finish_evaluation(*p_.h, e, dsr, dsw, p_.mac_pj, bound_finish_, base ? &base->parts : nullptr);
    if (based && e.once_count <= Base::kMoves) {
      base->count = e.once_count;
      base->first_in_onchip = e.first_in_onchip;
      base->first_in_dram = e.first_in_dram;
      base->last_out_onchip = e.last_out_onchip;
      base->last_out_dram = e.last_out_dram;
      base->energy_pj = e.energy_pj;
      base_of_[depth] = slot;
      if (opened) opened_by_[depth][group] = block_;
    }
    if (p_.front) return p_.front->prunes(e.cycles, e.energy_pj);
    return !better(e, *bar, p_.objective);
  }

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
    for (int d = 0; d < kDimCount; ++d)
      if (dim_group_[d] != x) t[d] = p_.s->temporal[d];
    return !fits(c, t);
  }

  // Under double-buffered overlap, true when a complete mapping is beyond the latency window
  // already by hopeless()'s first check (every level closed, so the refills are exact): the
  // compute or DRAM's busy time, plus the first (last) tiles of its refilled moves.
  bool beyond_window() const {
    if (bound_finish_ != Finish::kBound || !p_.front || !replay_) return false;
    const double total = p_.s->compute_cycles;
    double dram_bits = pe_dram_bits_, tail = 0;
    for (int x = 0; x < 3; ++x) {
      const auto& chain = p_.h->chain[x];
      for (size_t k = 0; k + 1 < chain.size(); ++k) {
        const int c = chain[k];
        double run = 1;
        for (int j = m_.scope_end[c]; j < m_.loops && m_.order[j].group == x; ++j)
          run *= static_cast<double>(m_.order[j].factor);
        const double refills = total / tile_volume_[c] / run;
        if (refills > 1 && !stationary_[x][k]) tail += closed_wait_[c][x];
        dram_bits += closed_dram_bits_[c][x] * refills;
      }
    }
    const double dram_bw = p_.h->levels[p_.h->dram()].read_bits_per_cycle;
    const double busy = dram_bw > 0 ? dram_bits / dram_bw : 0;
    return std::max(total * p_.step_cycles, busy) + tail > p_.front->window() * (1 + 1e-9);
  }

  void leaf() {
    if (mirror_ && mirror_pruned(onchip_)) return;
    ++best_.mappings_evaluated;
    if (p_.front) {
      if (beyond_window()) return;
      // Ranked first; only a mapping the front keeps is priced in full.
      evaluate_mapping(p_, m_, &fp_closed_, ranking_, candidate_);
      if (!p_.front->wants(candidate_.cycles, candidate_.energy_pj)) return;
      found_ = true;
      ++bar_version_;
      evaluate_mapping(p_, m_, &fp_closed_, Finish::kFull, best_.eval);
      p_.front->add(best_.eval, m_);
      return;
    }
    const Evaluation* bar = found_ ? &best_.eval : incumbent_;
    // Ranked first; only a new best is priced in full (the same figures, and the rest).
    if (bar) {
      evaluate_mapping(p_, m_, &fp_closed_, ranking_, candidate_);
      if (!better(candidate_, *bar, p_.objective)) return;
    }
    found_ = true;
    ++bar_version_;
    evaluate_mapping(p_, m_, &fp_closed_, Finish::kFull, best_.eval);
    best_.mapping = m_;
  }

  bool used(int i) const { return used_ >> i & 1; }
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
  void dfs(bool bound_as_parent = false, long parent_bar = -1) {
    ++nodes_;
    if (best_.mappings_evaluated >= kMaxMappings) return;
    if (bound_finish_ == Finish::kBound) {
      if (hopeless(bound_as_parent)) return;
    } else if (!(bound_as_parent && parent_bar == bar_version_) && hopeless()) {
      return;
    }
    const long bar_seen = bar_version_;
    if (m_.loops == n_) {
      Saved s = save();
      close(onchip_);
      leaf();
      restore(s);
      return;
    }
    if (take_rest_here()) return;
    std::array<int, kMaxLoops> t{};
    opened_by_[m_.loops + 1].fill(-1);  // this node's children are a new set of siblings
    snapshot_occupancy();
    for (int i = 0; i < n_; ++i) t[i] = used(i) || identical_unused_before(i) ? -1 : target(i);
    // Joining the open level first finds a good mapping early, which sharpens the bound.
    const unsigned runs = open_runs();
    for (int i = 0; i < n_; ++i)
      if (t[i] == block_ &&
          (p_.all_orders || ((block_empty_ || key(i, lead_) > last_key_) &&
                             !(could_open_ >> i & 1 && key(i, lead_) < opener_key_))))
        descend(i, block_, (runs & ~(1u << items_[i].group)) == 0, bar_seen);
    std::array<bool, 4> dram_lead_done{};
    std::array<uint32_t, kMaxLevels> could_open{};  // per level: the loops that can open it
    bool opener_masks = false;
    bool exposed_known = false;
    std::array<bool, 4> exposed_top{};
    for (int i = 0; i < n_; ++i) {
      if (t[i] <= block_) continue;
      if (t[i] < onchip_) {
        if (!opener_masks) {
          for (int j = 0; j < n_; ++j)
            if (t[j] > block_ && t[j] < onchip_) could_open[t[j]] |= 1u << j;
          opener_masks = true;
        }
        descend(i, t[i], false, -1, could_open[t[i]]);
        continue;
      }
      int g = items_[i].group;
      if (!exposed_known) exposed_top = exposed(onchip_), exposed_known = true;
      int lead = g < 3 && exposed_top[g] ? g : 3;
      if (dram_lead_done[lead]) continue;
      dram_lead_done[lead] = true;
      rest_to_dram(lead);
    }
  }

  // Groups x for which some closed level holding x has a run of x-skipping loops reaching
  // the end of the order and unplaced loops skipping x remain: the bound takes that run as
  // possibly continuing with them (hopeless()). A loop of group g joining the open level
  // extends each such run of group g (run x f, unplaced / f: the same exact product) and
  // ends the others, so the bound stays the parent's iff no other group is in the mask (under
  // double-buffered overlap, whose bound also grows with the open levels' tiles, the traffic
  // stays the parent's: hopeless(true)). Never under the reference path (direct_bound),
  // which checks every node.
  unsigned open_runs() const {
    if (p_.direct_bound) return ~0u;
    unsigned mask = 0;
    for (int c = 0; c < block_; ++c)
      for (int x = 0; x < 3; ++x) {
        if (parent_[c][x] < 0 || unplaced_skip_[x] == 1) continue;
        int j = m_.scope_end[c];
        while (j < m_.loops && m_.order[j].group == x) ++j;
        if (j == m_.loops) mask |= 1u << x;
      }
    return mask;
  }

  void descend(int i, int level, bool bound_as_parent = false, long parent_bar = -1,
               uint32_t could_open = 0) {
    Saved s = save();
    const bool opening = level > block_;
    if (level > block_) {
      // Loop i opens the level. It leads the block when the levels it closes (or a run
      // continuing from below) hold the operand it skips; otherwise the order is immaterial.
      int g = items_[i].group;
      lead_ = g < 3 && exposed(level)[g] ? g : 3;
      close(level);
      block_ = level;
      if (mirror_ && mirror_pruned(level)) {
        restore(s);
        return;
      }
    } else if (block_empty_) {
      lead_ = 3;  // the innermost block: nothing below it keeps data
    }
    // The loops joining after the opening one keep their own canonical order; one that could
    // have opened the level ahead of it may not join (dfs, take_rest_here).
    last_key_ = opening ? -1 : key(i, lead_);
    if (opening) {
      opener_key_ = key(i, lead_);
      could_open_ = could_open;
    }
    block_empty_ = false;
    used_ |= 1u << i;
    unplaced_skip_[items_[i].group] /= static_cast<double>(items_[i].factor);
    placed_[m_.loops] = i;
    m_.order[m_.loops++] = items_[i];
    cur_[items_[i].dim] *= items_[i].factor;
    dfs(bound_as_parent, parent_bar);
    --m_.loops;
    unplaced_skip_[items_[i].group] *= static_cast<double>(items_[i].factor);
    used_ &= ~(1u << i);
    restore(s);
  }

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
  bool take_rest_here() {
    if (p_.all_orders) return false;  // every order of the rest is visited instead
    Extents all = cur_;
    for (int j = 0; j < n_; ++j)
      if (!used(j)) {
        if (!indexes_[block_][items_[j].group]) return false;
        all[items_[j].dim] *= items_[j].factor;
      }
    for (int l = block_; l < onchip_; ++l)
      if (!fits(l, all)) return false;
    const int lead = block_empty_ ? 3 : lead_;
    auto rest = rest_sorted(lead);
    // A loop that would have to precede those already in the block, or that could have
    // opened the level ahead of the loop that did: visited elsewhere.
    if (!block_empty_ && key(rest.loop[0], lead) <= last_key_) return true;
    for (int j : rest)
      if (could_open_ >> j & 1 && key(j, lead) < opener_key_) return true;
    Saved s = save();
    const int loops = m_.loops;
    for (int j : rest) placed_[m_.loops] = j, m_.order[m_.loops++] = items_[j];
    cur_ = all;
    close(onchip_);
    leaf();
    m_.loops = loops;
    restore(s);
    return true;
  }

  // The loops left are DRAM-level loops; only which group leads them matters.
  void rest_to_dram(int lead) {
    Saved s = save();
    close(onchip_);
    const int loops = m_.loops;
    for (int k : rest_sorted(lead)) placed_[m_.loops] = k, m_.order[m_.loops++] = items_[k];
    leaf();
    m_.loops = loops;
    restore(s);
  }

  const Problem& p_;
  const Evaluation* incumbent_;
  std::vector<LoopItem> items_;
  int n_;
  int onchip_;
  std::array<std::array<bool, 4>, kMaxLevels> indexes_{};  // level holds an operand g indexes
  std::array<std::array<double, 3>, kMaxLevels> occupancy_{};
  // Per open level, at the node: each dim's extent there and the footprints' terms.
  struct FootprintTerms {
    std::array<int64_t, kDimCount> ext{};
    std::array<int64_t, kDimCount> without_w{}, without_o{}, without_i{};
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
  std::array<int, kDimCount> dim_group_{};
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
}  // namespace

SearchResult search_temporal(const Problem& p, const Evaluation* incumbent) {
  if (p.objective == Objective::kLatency && !p.front) {
    // The latency objective keeps a front (LatencyFront), not a bar; a caller without one
    // searches this unrolling alone, and the incumbent plays no part.
    LatencyFront front;
    front.spatial = p.s;
    Problem q = p;
    q.front = &front;
    SearchResult r = search_temporal(q, nullptr);
    const LatencyFront::Entry* b = front.best();
    r.found = b != nullptr;
    if (b) {
      r.eval = b->eval;
      r.mapping = b->mapping;
    }
    return r;
  }
  int factors = 0;
  for (int64_t e : p.s->temporal)
    if (e > 1) factors += static_cast<int>(prime_factors(e).size());
  if (!p.coarse_first || factors <= kCoarseLoops) return Search(p, incumbent, kDefaultLoops).run();
  // The coarse pass's best is a complete mapping, so it bounds the fine search from its first
  // node; the fine search returns a mapping only when one beats it.
  SearchResult coarse = Search(p, incumbent, kCoarseLoops).run();
  SearchResult fine = Search(p, coarse.found ? &coarse.eval : incumbent, kDefaultLoops).run();
  fine.nodes += coarse.nodes;
  fine.mappings_evaluated += coarse.mappings_evaluated;
  if (fine.found || !coarse.found) return fine;
  coarse.nodes = fine.nodes;
  coarse.mappings_evaluated = fine.mappings_evaluated;
  return coarse;
}

}  // namespace monet::mapping::detail

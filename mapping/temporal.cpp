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
// levels receiving each element once; temporal_bound.cpp) cannot beat the best mapping so far
// is not extended; joining the open level is tried first, which finds a good mapping early.
// Every complete mapping is priced with the full model (access.cpp).
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

#include "mapping/temporal_search.hpp"

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
}  // namespace

Search::Search(const Problem& p, const Evaluation* incumbent, int max_loops)
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

void Search::detect_mirror() {
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

bool Search::mirror_pruned(int upto) const {
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

SearchResult Search::run() {
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

void Search::snapshot_occupancy() {
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
        static_cast<double>(f.channels) * static_cast<double>(f.rows) * static_cast<double>(f.cols),
        static_cast<double>(f.without_w[1] * e[1]), static_cast<double>(f.without_o[0] * e[0])};
    for (int x = 0; x < 3; ++x)
      occupancy_[l][x] = p_.h->levels[l].holds[x] ? fp[x] * p_.bits[x] : 0;
  }
}

double Search::footprint_with(int l, int x, int d, int64_t ed) const {
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
      return static_cast<double>(channels) * static_cast<double>(rows) * static_cast<double>(cols);
    }
  }
}

int Search::target(int i) const {
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
      if (lv.holds[x]) bits += x == g ? occupancy_[l][x] : footprint_with(l, x, d, ed) * p_.bits[x];
    if (bits > lv.capacity_bits) {
      t = l + 1;
      break;
    }
  }
  while (t < onchip_ && !indexes_[t][g]) ++t;
  return t;
}

std::array<bool, 4> Search::exposed(int to) const {
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

void Search::close(int upto) {
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
      fp_closed_[l][x] = {at_l, same_span_[l][x] ? at_l : p_.footprint(x, cur_, p_.served[parent])};
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

void Search::leaf() {
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

void Search::dfs(bool bound_as_parent, long parent_bar) {
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

unsigned Search::open_runs() const {
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

void Search::descend(int i, int level, bool bound_as_parent, long parent_bar, uint32_t could_open) {
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

bool Search::take_rest_here() {
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

void Search::rest_to_dram(int lead) {
  Saved s = save();
  close(onchip_);
  const int loops = m_.loops;
  for (int k : rest_sorted(lead)) placed_[m_.loops] = k, m_.order[m_.loops++] = items_[k];
  leaf();
  m_.loops = loops;
  restore(s);
}

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

// The temporal search's bound (Search::hopeless and what it reads): a lower bound on every
// completion of a partial mapping, and the cheaper checks tried before it under
// double-buffered overlap (temporal.hpp, Finish::kBound; mapping/README.md).
#include <algorithm>
#include <limits>

#include "mapping/temporal_search.hpp"

namespace monet::mapping::detail {

using workloads::kDimCount;

void Search::prepare_double_buffered() {
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
              : std::pair{per_element(C.write_bits_per_cycle), per_element(P.read_bits_per_cycle)};
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

void Search::record_open_moves() {
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

bool Search::hopeless(bool as_parent) const {
  const int depth = m_.loops;
  base_of_[depth] = -1;
  const Evaluation* bar = found_ ? &best_.eval : incumbent_;
  if (!p_.prune) return false;
  if (p_.front ? !(p_.front->least < std::numeric_limits<double>::infinity()) : !bar) return false;
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
    const double busy = dram_cycles(*p_.h, dram_bits);
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
      add_boundary(p_, x, c, chain[k + 1], m_.tile[c], waits ? refills[x][k] : closed_refills(x, c),
                   e, dsr, dsw, fp_closed_[c][x][1], fp_closed_[c][x][0]);
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

bool Search::beyond_window() const {
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
  const double busy = dram_cycles(*p_.h, dram_bits);
  return std::max(total * p_.step_cycles, busy) + tail > p_.front->window() * (1 + 1e-9);
}

}  // namespace monet::mapping::detail

// Checks every schedule invariant the scheduler promises; used by several test files.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "fusion/cn.hpp"
#include "fusion/schedule.hpp"
#include "fusion/simulation.hpp"
#include "workloads/graph.hpp"

namespace monet::test {

inline void check_schedule_invariants(const fusion::Schedule& s, const fusion::CnGraph& cns,
                                      const accelerators::Accelerator& acc) {
  const double eps = 1e-12;
  REQUIRE(s.cns.size() == cns.cns.size());
  std::vector<double> start(cns.cns.size()), end(cns.cns.size());
  for (const auto& r : s.cns) start[r.cn] = r.start_s, end[r.cn] = r.end_s;
  // No CN starts before its inputs have arrived (its producers have finished).
  size_t early = 0;
  for (const auto& cn : cns.cns)
    for (int p : cn.preds)
      if (start[cn.id] + eps < end[p]) ++early;
  CHECK(early == 0);
  // No two CNs overlap on a core.
  std::map<int, std::vector<std::pair<double, double>>> by_core;
  for (const auto& r : s.cns) by_core[r.core].push_back({r.start_s, r.end_s});
  size_t overlaps = 0;
  for (auto& [core, v] : by_core) {
    std::sort(v.begin(), v.end());
    for (size_t i = 1; i < v.size(); ++i)
      if (v[i].first + eps < v[i - 1].second) ++overlaps;
  }
  CHECK(overlaps == 0);
  // An in-order core (overlap none) never moves its data while it computes.
  size_t in_order_overlaps = 0;
  for (const auto& t : s.transfers)
    for (int c : {t.from_core, t.to_core}) {
      if (c < 0 || acc.cores[c].execution.overlap != accelerators::Overlap::kNone) continue;
      for (auto [a, b] : by_core[c])
        if (t.start_s + eps < b && a + eps < t.end_s) ++in_order_overlaps;
    }
  CHECK(in_order_overlaps == 0);
  // A link or the DRAM channel carries one transfer at a time at its bandwidth.
  std::map<int, std::vector<std::pair<double, double>>> by_resource;
  size_t too_fast = 0;
  for (const auto& t : s.transfers) {
    by_resource[t.resource].push_back({t.start_s, t.end_s});
    double bw = t.resource < 0 ? acc.dram.bandwidth_bytes_per_s
                               : acc.links[t.resource].bandwidth_bytes_per_s;
    // Absolute slack: seconds near 0.1 s carry ~1e-17 s of rounding.
    if (t.bytes > bw * (t.end_s - t.start_s) * (1 + 1e-9) + bw * 1e-15) ++too_fast;
  }
  CHECK(too_fast == 0);
  size_t shared = 0;
  for (auto& [res, v] : by_resource) {
    std::sort(v.begin(), v.end());
    for (size_t i = 1; i < v.size(); ++i)
      if (v[i].first + eps < v[i - 1].second) ++shared;
  }
  CHECK(shared == 0);
  // No on-chip memory exceeds its capacity at any instant.
  for (const auto& m : s.summary.memories) {
    if (m.name == "dram") continue;
    double worst = 0;
    for (const auto& x : m.samples) worst = std::max(worst, x.used_bytes);
    CHECK(worst <= m.capacity_bytes * (1 + 1e-9));
    CHECK(m.peak_bytes <= m.capacity_bytes * (1 + 1e-9));
  }
  // Latency >= critical path of CN durations.
  std::vector<double> longest(cns.cns.size(), 0);
  double critical = 0;
  for (const auto& cn : cns.cns) {  // CN ids are in a topological order
    double before = 0;
    for (int p : cn.preds) before = std::max(before, longest[p]);
    longest[cn.id] = before + cn.duration_s;
    critical = std::max(critical, longest[cn.id]);
  }
  CHECK(s.summary.latency_s >= critical * (1 - 1e-9));
  // Summary energy = sum of its parts, recomputed from the records.
  double cn_energy = 0;
  for (const auto& cn : cns.cns) cn_energy += cn.energy_pj;
  double transfer_energy = 0;
  for (const auto& t : s.transfers) {
    if (t.kind == fusion::TransferKind::kLink)
      transfer_energy += t.bytes * 8 * acc.links[t.resource].energy_pj_per_bit;
    else if (t.kind == fusion::TransferKind::kDramWrite)
      transfer_energy += t.bytes * 8 * acc.dram.write_energy_pj_per_bit;
    else
      transfer_energy += t.bytes * 8 * acc.dram.read_energy_pj_per_bit;
    // A DRAM transfer through a core's own port also crosses that link.
    if (t.kind != fusion::TransferKind::kLink && t.resource >= 0)
      transfer_energy += t.bytes * 8 * acc.links[t.resource].energy_pj_per_bit;
  }
  CHECK(s.summary.energy.compute_pj + s.summary.energy.onchip_memory_pj == Approx(cn_energy));
  CHECK(s.summary.energy.link_pj + s.summary.energy.dram_pj == Approx(transfer_energy));
  CHECK(s.summary.energy.total_pj() == Approx(cn_energy + transfer_energy));
  // Every transfer is charged to the CN that caused it, so the phases' energies add up to the
  // total.
  size_t unowned = 0;
  for (const auto& t : s.transfers)
    if (t.cn < 0 || t.cn >= static_cast<int>(cns.cns.size())) ++unowned;
  CHECK(unowned == 0);
  double phase_energy = 0;
  for (const auto& [name, p] : s.summary.phases) phase_energy += p.energy_pj;
  CHECK(phase_energy == Approx(s.summary.energy.total_pj()));
}

// Plans `rule` with `tiles`, schedules it and checks every invariant; the CNs go to `cns_out`.
inline fusion::Schedule schedule_checked(const fusion::Simulation& sim, fusion::StackRule rule,
                                         int tiles, fusion::CnGraph* cns_out = nullptr) {
  fusion::PlanSpec spec;
  spec.rule = rule;
  spec.tiles = tiles;
  auto plan = sim.plan(spec);
  auto cns = sim.cns(plan);
  auto s = fusion::schedule(sim.graph(), plan, cns, sim.accelerator());
  check_schedule_invariants(s, cns, sim.accelerator());
  if (cns_out) *cns_out = std::move(cns);
  return s;
}

}  // namespace monet::test

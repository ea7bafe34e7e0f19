// Hand-computed schedules: CN durations are set directly so every time is known.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "fusion/names.hpp"
#include "fusion/report.hpp"
#include "fusion/scheduler.hpp"
#include "workloads/builder.hpp"

using namespace monet;

namespace {
accelerators::Accelerator two_cores(double capacity_bytes) {
  accelerators::Accelerator acc;
  acc.name = "two";
  for (int c = 0; c < 2; ++c) {
    accelerators::Core core;
    core.name = "c" + std::to_string(c);
    core.kind = accelerators::CoreKind::kSimd;
    core.clock_hz = 1e9;
    accelerators::MemoryLevel m;
    m.name = "sram";
    m.size_bytes = capacity_bytes;
    m.holds = {true, true, true};
    core.memories.push_back(m);
    acc.cores.push_back(core);
  }
  accelerators::Link l;
  l.name = "c0-c1";
  l.from = "c0";
  l.to = "c1";
  l.bandwidth_bytes_per_s = 0.5e9;
  l.energy_pj_per_bit = 1;
  acc.links.push_back(l);
  acc.dram.capacity_bytes = 1e9;
  acc.dram.bandwidth_bytes_per_s = 1e9;
  acc.dram.read_energy_pj_per_bit = 10;
  acc.dram.write_energy_pj_per_bit = 20;
  return acc;
}

// x (1000 B) -> relu a (core 0, 1 us) -> y (1000 B) -> relu b (core 1, 2 us) -> z (1000 B).
struct Pipeline {
  workloads::Graph g;
  fusion::FusionPlan plan;
  fusion::CnGraph cns;
};

Pipeline make_pipeline() {
  workloads::Builder b("pipe", 32);
  int x = b.input("x", {1, 250});
  int y = b.unary("a", x, workloads::OpKind::kRelu);
  b.unary("b", y, workloads::OpKind::kRelu);
  Pipeline p{b.finish(), {}, {}};
  p.plan.stacks = {{"a", {0}, 1}, {"b", {1}, 1}};
  p.plan.stack_of_op = {0, 1};
  p.plan.core_of_op = {0, 1};
  auto& c = p.cns;
  c.first_cn_of_op = {0, 1};
  c.tiles_of_op = {1, 1};
  c.piece_offset = {0, 1, 2};
  c.pieces_of_tensor = {1, 1, 1};
  c.piece_bytes = {1000, 1000, 1000};
  c.piece_tensor = {0, 1, 2};
  fusion::CN a;
  a.id = 0, a.op = 0, a.stack = 0, a.core = 0, a.duration_s = 1e-6, a.energy_pj = 5;
  a.reads = {{0, 0}};
  a.writes = {{1, 0}};
  fusion::CN bb;
  bb.id = 1, bb.op = 1, bb.stack = 1, bb.core = 1, bb.duration_s = 2e-6, bb.energy_pj = 7;
  bb.preds = {0};
  bb.reads = {{1, 0}};
  bb.writes = {{2, 0}};
  c.cns = {a, bb};
  return p;
}
}  // namespace

TEST_CASE("two-core pipeline: DRAM read, compute, link transfer, compute, DRAM write") {
  Pipeline p = make_pipeline();
  auto acc = two_cores(1 << 20);
  fusion::Schedule s = fusion::schedule(p.g, p.plan, p.cns, acc);
  // x: 1000 B at 1 GB/s = 1 us; a: 1 us; y over the link at 0.5 GB/s = 2 us; b: 2 us;
  // z written back at 1 GB/s = 1 us.
  REQUIRE(s.cns.size() == 2);
  CHECK(s.cns[0].start_s == Approx(1e-6));
  CHECK(s.cns[0].end_s == Approx(2e-6));
  CHECK(s.cns[1].start_s == Approx(4e-6));
  CHECK(s.cns[1].end_s == Approx(6e-6));
  CHECK(s.summary.latency_s == Approx(7e-6));
  CHECK(s.summary.latency_cycles == Approx(7000));
  CHECK(s.summary.dram_read_bytes == Approx(1000));
  CHECK(s.summary.dram_write_bytes == Approx(1000));
  CHECK(s.summary.link_bytes == Approx(1000));
  // Energy: DRAM 1000·8·10 + 1000·8·20 pJ, link 1000·8·1 pJ, CNs 5 + 7 pJ (all memory here).
  CHECK(s.summary.energy.dram_pj == Approx(240000));
  CHECK(s.summary.energy.link_pj == Approx(8000));
  CHECK(s.summary.energy.onchip_memory_pj == Approx(12));
  CHECK(s.summary.energy.total_pj() == Approx(240000 + 8000 + 12));
  CHECK(s.summary.core_utilization[0] == Approx(1.0 / 7));
  CHECK(s.summary.core_utilization[1] == Approx(2.0 / 7));
}

TEST_CASE("without a link the tensor goes through DRAM") {
  Pipeline p = make_pipeline();
  auto acc = two_cores(1 << 20);
  acc.links.clear();
  fusion::Schedule s = fusion::schedule(p.g, p.plan, p.cns, acc);
  // y is written back (1 us) and read by core 1 (1 us): b starts at 2 + 2 = 4 us.
  CHECK(s.cns[1].start_s == Approx(4e-6));
  CHECK(s.summary.dram_read_bytes == Approx(2000));
  CHECK(s.summary.dram_write_bytes == Approx(2000));
  CHECK(s.summary.latency_s == Approx(7e-6));
}

TEST_CASE("a tensor larger than the on-chip memory streams through DRAM") {
  Pipeline p = make_pipeline();
  auto acc = two_cores(500);  // nothing fits
  acc.links.clear();
  fusion::Schedule s = fusion::schedule(p.g, p.plan, p.cns, acc);
  for (const auto& m : s.summary.memories)
    if (m.name != "dram") CHECK(m.peak_bytes == 0);
  CHECK(s.summary.dram_read_bytes == Approx(2000));
  CHECK(s.summary.dram_write_bytes == Approx(2000));
}

TEST_CASE("transfers are charged to the op that caused them") {
  Pipeline p = make_pipeline();
  auto acc = two_cores(1 << 20);
  fusion::Schedule s = fusion::schedule(p.g, p.plan, p.cns, acc);
  // a reads x from DRAM (1000 B · 8 · 10 pJ); b takes y over the link (1000 · 8 · 1 pJ) and
  // writes z back (1000 · 8 · 20 pJ).
  auto spans = fusion::op_spans(s, p.g, p.cns);
  CHECK(spans[0].energy_pj == Approx(5 + 80000));
  CHECK(spans[0].onchip_energy_pj == Approx(5));
  CHECK(spans[0].dram_read_bytes == Approx(1000));
  CHECK(spans[0].dram_write_bytes == 0);
  CHECK(spans[1].energy_pj == Approx(7 + 8000 + 160000));
  CHECK(spans[1].link_bytes == Approx(1000));
  CHECK(spans[1].dram_write_bytes == Approx(1000));
  CHECK(spans[0].busy_s == Approx(1e-6));
  CHECK(spans[1].busy_s == Approx(2e-6));
  // Both ops are forward ops: the forward phase holds all the energy.
  REQUIRE(s.summary.phases.size() == 1);
  CHECK(s.summary.phases.at("forward").energy_pj == Approx(5 + 7 + 80000 + 8000 + 160000));
}

TEST_CASE("a CN stretched by its refetch is bound by the DRAM bandwidth") {
  Pipeline p = make_pipeline();
  p.cns.cns[0].bound_by = "compute";
  p.cns.cns[0].refetch_dram_bytes = 3000;  // 3 us at 1 GB/s, the CN itself takes 1 us
  p.cns.cns[1].bound_by = "sram bandwidth";
  auto acc = two_cores(1 << 20);
  fusion::Schedule s = fusion::schedule(p.g, p.plan, p.cns, acc);
  CHECK(fusion::cn_bound_by(s.cns[0], p.cns.cns[0]) == "dram bandwidth");
  CHECK(fusion::cn_bound_by(s.cns[1], p.cns.cns[1]) == "sram bandwidth");
  auto spans = fusion::op_spans(s, p.g, p.cns);
  CHECK(spans[0].bound_by == "dram bandwidth");
  CHECK(spans[0].dram_read_bytes == Approx(1000 + 3000));
  // The trace carries the same on its slices, and memory occupancy as counter tracks.
  nlohmann::json trace = fusion::trace_json(s, p.g, p.cns, acc);
  int slices = 0, counters = 0;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "X" && e["pid"] == 1) {
      ++slices;
      CHECK(e["args"].contains("macs"));
      CHECK(e["args"]["bound_by"] ==
            (e["args"]["op"] == "a" ? "dram bandwidth" : "sram bandwidth"));
    }
    // Memory counters carry bytes; the power track (watts) is checked in power_test.cpp.
    if (e["ph"] == "C" && e["args"].contains("bytes")) ++counters;
    if (e["ph"] == "C") CHECK((e["args"].contains("bytes") || e["args"].contains("watts")));
  }
  CHECK(slices == 2);
  // Transfer slices are categorised by the one transfer-kind table (fusion/names.cpp), as the
  // Python transfer table names them.
  int transfers = 0;
  for (const auto& e : trace["traceEvents"])
    if (e["ph"] == "X" && e["pid"] == 2) {
      CHECK(fusion::transfer_kind_names().find(e["cat"].get<std::string>()).has_value());
      ++transfers;
    }
  CHECK(transfers == static_cast<int>(s.transfers.size()));
  size_t samples = 0;
  for (const auto& m : s.summary.memories) samples += m.samples.size();
  CHECK(counters == static_cast<int>(samples));
}

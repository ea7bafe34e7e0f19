// A piece too large for a shared memory streams through it once for all the cores that read
// it concurrently (GPU SMs sharing weight blocks through the L2), not once per reader.
#include <catch2/catch.hpp>

#include "fusion/scheduler.hpp"
#include "workloads/builder.hpp"

using namespace monet;

TEST_CASE("concurrent readers of a streamed piece share one DRAM pass") {
  // Two SM-like cores sharing a 1 KiB pool; a 4000-byte weight read by two tiles that can run
  // at the same time on different cores.
  accelerators::Accelerator acc;
  acc.name = "two-sm";
  accelerators::MemoryLevel l2;
  l2.name = "l2";
  l2.size_bytes = 1024;
  l2.holds = {true, true, true};
  acc.shared_memories.push_back(l2);
  for (int c = 0; c < 2; ++c) {
    accelerators::Core core;
    core.name = "sm" + std::to_string(c);
    core.kind = accelerators::CoreKind::kGpuSm;
    core.clock_hz = 1e9;
    auto m = l2;
    m.shared_index = 0;
    core.memories.push_back(m);
    acc.cores.push_back(core);
  }
  acc.dram.capacity_bytes = 1e9;
  acc.dram.bandwidth_bytes_per_s = 1e9;
  workloads::Builder b("one", 32);
  int x = b.input("x", {1, 2});  // 8 bytes
  b.unary("op", x, workloads::OpKind::kRelu);
  workloads::Graph g = b.finish();
  int w = g.add_tensor("w", {1000}, 32, workloads::TensorKind::kParameter);  // 4000 bytes
  fusion::FusionPlan plan;
  plan.stacks = {{"op", {0}, 2}};
  plan.stack_of_op = {0};
  plan.core_of_op = {0};
  plan.core_choices = {{0, 1}};
  fusion::CnGraph cns;
  cns.first_cn_of_op = {0};
  cns.tiles_of_op = {2};
  cns.piece_offset = {0, 1, 3};
  cns.pieces_of_tensor = {1, 2, 1};
  cns.piece_bytes = {8, 4, 4, 4000};
  cns.piece_tensor = {0, 1, 1, w};
  for (int t = 0; t < 2; ++t) {
    fusion::CN cn;
    cn.id = t, cn.op = 0, cn.tile = t, cn.tiles = 2, cn.stack = 0, cn.core = 0;
    cn.duration_s = 10e-6;
    cn.reads = {{0, 0}, {w, 0}};
    cn.writes = {{1, t}};
    cns.cns.push_back(cn);
  }
  auto s = fusion::schedule(g, plan, cns, acc);
  // x (8 B) once, the weight (4000 B) once for both tiles, outputs written back (2 x 4 B).
  CHECK(s.summary.dram_read_bytes == Approx(8 + 4000));
  REQUIRE(s.cns.size() == 2);
  CHECK(s.cns[0].core != s.cns[1].core);
}

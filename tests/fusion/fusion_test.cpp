// Fusion keeps intermediates on chip; one tile per op-stack is layer-by-layer.
#include <catch2/catch.hpp>

#include "accelerators/loader.hpp"
#include "fusion/simulation.hpp"
#include "invariants.hpp"
#include "workloads/builder.hpp"

using namespace monet;

namespace {
// One 8x8 array with a 96 KiB scratchpad: a 128 KiB feature map does not fit, a tile does.
const char* kChip = R"(
name: one-core
cores:
  - name: pe
    kind: array
    clock: 1 GHz
    precision: 32 bit
    array:
      - {name: D1, size: 8, unrolls: [K]}
      - {name: D2, size: 8, unrolls: [C]}
    mac_energy: 1 pJ
    vector_ops_per_cycle: 8
    vector_op_energy: 0.1 pJ
    op_kinds: [all]
    memories:
      - {name: sram, size: 96 KiB, bandwidth: 1024 bit/cycle, access_bits: 64,
         read_energy: 5 pJ, write_energy: 5 pJ, holds: [I, W, O]}
dram: {capacity: 1 GiB, bandwidth: 16 GB/s, read_energy: 10 pJ/bit, write_energy: 10 pJ/bit}
)";

workloads::Graph three_convs(int kernel = 3) {
  workloads::Builder b("chain", 32);
  int x = b.input("x", {1, 8, 64, 64});  // 8·64·64·4 B = 128 KiB
  b.set_block("chain");
  x = b.conv("conv1", x, 8, kernel);
  x = b.conv("conv2", x, 8, kernel);
  b.conv("conv3", x, 8, kernel);
  return b.finish();
}

fusion::Schedule run(const fusion::Simulation& sim, fusion::StackRule rule, int tiles,
                     fusion::CnGraph* out = nullptr) {
  return test::schedule_checked(sim, rule, tiles, out);
}
}  // namespace

TEST_CASE("fusing a three-conv chain removes exactly the intermediates' DRAM round trips") {
  // 1x1 convs: a layer streams its input once even when it does not fit (no halo re-reads),
  // so the only difference between the plans is where the intermediates live.
  fusion::Simulation sim(three_convs(1), accelerators::parse_accelerator_yaml(kChip, "chip.yaml"));
  fusion::CnGraph lbl_cns, fused_cns;
  auto lbl = run(sim, fusion::StackRule::kLayerByLayer, 1, &lbl_cns);
  auto fused = run(sim, fusion::StackRule::kBlocks, 16, &fused_cns);
  double refetch_lbl = 0, refetch_fused = 0;
  for (auto& cn : lbl_cns.cns) refetch_lbl += cn.refetch_dram_bytes;
  for (auto& cn : fused_cns.cns) refetch_fused += cn.refetch_dram_bytes;
  REQUIRE(refetch_lbl == 0);
  REQUIRE(refetch_fused == 0);
  const double fmap = 8.0 * 64 * 64 * 4;  // one feature map, bytes
  const double weights = 8.0 * 8 * 1 * 4;
  // Layer by layer: x and the weights are read, conv1/conv2 outputs do not fit on chip, so
  // each is written and read back; conv3's output is written once.
  CHECK(lbl.summary.dram_read_bytes == Approx(fmap + 3 * weights + 2 * fmap));
  CHECK(lbl.summary.dram_write_bytes == Approx(3 * fmap));
  // Fused: the intermediates never leave the chip.
  CHECK(fused.summary.dram_read_bytes == Approx(fmap + 3 * weights));
  CHECK(fused.summary.dram_write_bytes == Approx(fmap));
  CHECK(lbl.summary.dram_read_bytes + lbl.summary.dram_write_bytes -
            (fused.summary.dram_read_bytes + fused.summary.dram_write_bytes) ==
        Approx(2 * (fmap + fmap)));
}

TEST_CASE("3x3 convs fuse depth-first through their halos") {
  fusion::Simulation sim(three_convs(3), accelerators::parse_accelerator_yaml(kChip, "chip.yaml"));
  fusion::CnGraph cns;
  auto fused = run(sim, fusion::StackRule::kBlocks, 16, &cns);
  const double fmap = 8.0 * 64 * 64 * 4, weights = 8.0 * 8 * 9 * 4;
  CHECK(fused.summary.dram_read_bytes == Approx(fmap + 3 * weights));
  CHECK(fused.summary.dram_write_bytes == Approx(fmap));
  // Tile t of conv2 (4 rows) needs conv1 rows 4t-1 .. 4t+4: conv1 tiles t-1, t, t+1.
  const auto& conv2_tile5 = cns.cns[cns.first_cn_of_op[1] + 5];
  std::vector<int> preds = conv2_tile5.preds;
  std::sort(preds.begin(), preds.end());
  CHECK(preds == std::vector<int>{cns.first_cn_of_op[0] + 4, cns.first_cn_of_op[0] + 5,
                                  cns.first_cn_of_op[0] + 6});
  // Depth-first: conv2's first tile starts before conv1's last tile ends.
  double conv1_end = 0, conv2_first = 1e9;
  for (auto& r : fused.cns) {
    if (r.op == 0) conv1_end = std::max(conv1_end, r.end_s);
    if (r.op == 1) conv2_first = std::min(conv2_first, r.start_s);
  }
  CHECK(conv2_first < conv1_end);
}

TEST_CASE("one tile per single-op stack is exactly layer-by-layer") {
  fusion::Simulation sim(three_convs(), accelerators::parse_accelerator_yaml(kChip, "chip.yaml"));
  auto lbl = run(sim, fusion::StackRule::kLayerByLayer, 1);
  auto fixed = run(sim, fusion::StackRule::kFixed, 1);  // ops_per_stack 4 → all in one stack
  fusion::PlanSpec one;
  one.rule = fusion::StackRule::kFixed;
  one.ops_per_stack = 1;
  one.tiles = 1;
  auto plan = sim.plan(one);
  auto same = fusion::schedule(sim.graph(), plan, sim.cns(plan), sim.accelerator());
  REQUIRE(same.cns.size() == lbl.cns.size());
  for (size_t i = 0; i < same.cns.size(); ++i) {
    CHECK(same.cns[i].start_s == lbl.cns[i].start_s);
    CHECK(same.cns[i].end_s == lbl.cns[i].end_s);
  }
  CHECK(same.summary.latency_s == lbl.summary.latency_s);
  CHECK(same.summary.energy.total_pj() == lbl.summary.energy.total_pj());
  CHECK(same.summary.dram_read_bytes == lbl.summary.dram_read_bytes);
  CHECK(fixed.summary.latency_s == Approx(lbl.summary.latency_s));
}

TEST_CASE("weights that every tile re-reads from DRAM are counted as re-fetched") {
  // One 3x3 conv, 64 → 64 channels on 16x16: its weights, 64·64·3·3·4 B = 147,456 B, exceed
  // the 96 KiB scratchpad, so they stream through it and each of T tiles reads them from DRAM
  // again: (T − 1)·W re-fetched. The input pieces (16 KiB per 4 rows) stay on chip between
  // the tiles that share them, so halos add nothing.
  workloads::Builder b("wide", 32);
  int x = b.input("x", {1, 64, 16, 16});
  b.set_block("wide");
  b.conv("conv", x, 64, 3, 1, 1, 1, false);
  fusion::Simulation sim(b.finish(), accelerators::parse_accelerator_yaml(kChip, "chip.yaml"));
  const double weights = 64.0 * 64 * 3 * 3 * 4;
  fusion::CnGraph one_cns, four_cns;
  auto one = run(sim, fusion::StackRule::kBlocks, 1, &one_cns);
  auto four = run(sim, fusion::StackRule::kBlocks, 4, &four_cns);
  double mapping_refetch = 0;  // re-reads within a tile (none: each tile streams W once)
  for (auto& cn : one_cns.cns) mapping_refetch += cn.refetch_dram_bytes;
  for (auto& cn : four_cns.cns) mapping_refetch += cn.refetch_dram_bytes;
  REQUIRE(mapping_refetch == 0);
  CHECK(one.summary.refetch_dram_bytes == 0);
  CHECK(four.summary.refetch_dram_bytes == Approx(3 * weights));
  // The whole growth of the DRAM reads is the re-fetched weights.
  CHECK(four.summary.dram_read_bytes - one.summary.dram_read_bytes == Approx(3 * weights));
}

// The execution model of a core (accelerators::Execution) as the cost model prices it: overlap
// policy, stationary-operand loads, instruction issue and precision rates, checked against
// counts worked out by hand in the comments.
#include <catch2/catch.hpp>

#include <cmath>

#include "fixtures.hpp"

using namespace monet;
using namespace monet::mapping;
using mapping::test::gemm;
using mapping::test::memory;
using mapping::test::one_core;

namespace {
// 4x4 array (D1 unrolls K, D2 unrolls C) at 1 GHz; one 16-bit weight register per PE
// (16 bit/cycle each); a 64 KiB local memory holding I, W and O at 64 bit/cycle; DRAM
// 16 GB/s = 128 bit/cycle. A stationary load takes 5 cycles + 4 of pipeline fill and
// 0.5 pJ per weight; each instruction issues in 2 cycles.
accelerators::Accelerator core_with(accelerators::Overlap overlap) {
  auto pe = memory("pe_weight", 2, 16, 0, 0, {false, true, false});
  pe.per_pe = true;
  auto acc =
      one_core({4, 4}, {pe, memory("local", 65536, 64, 0, 0, {true, true, true})}, 16e9, 0, 0, 0);
  auto& e = acc.cores[0].execution;
  e.overlap = overlap;
  e.has_stationary_load = true;
  e.stationary_load = {accelerators::MemOperand::kW, 5, 4, 0.5};
  e.issue_cycles = 2;
  return acc;
}
}  // namespace

// GEMM M = 100 rows, N = 4, K = 4: 1600 MACs, 100 compute cycles (OX 100 temporal); the
// weights are loaded once (no temporal loop indexes W) and every operand crosses DRAM once:
// I 400 x 16 = 6400 bits, W 256 bits, O 6400 bits. Transfers: I DRAM -> local
// max(6400/128, 6400/64) = 100 cycles, W max(256/128, 256/64) = 4, O local -> DRAM 100.
// Instructions: load + compute block (2), I, W, O moves (3) = 5, at 2 cycles: 10.
// Fixed = 1 load x (5 + 4) + 10 = 19 cycles.
TEST_CASE("overlap none: load, compute and store one after another plus fixed costs") {
  auto acc = core_with(accelerators::Overlap::kNone);
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(100, 4, 4), 0);
  REQUIRE(c.feasible);
  CHECK(c.compute_cycles == 100);
  CHECK(c.array_loads == 1);
  CHECK(c.instructions == 5);
  // The PEs stream I from and O to local at 64 bit/cycle: 6400 bits each, 100 cycles.
  CHECK(c.phases.compute == 100);
  CHECK(c.phases.fixed == 19);
  CHECK(c.phases.onload == 0);  // no on-chip level between local and the array
  CHECK(c.onchip_cycles == 119);
  CHECK(c.cycles == 100 + 104 + 100 + 19);
  // 16 weights shifted in at 0.5 pJ.
  CHECK(c.energy.array_load_pj == Approx(8));
}

// The vector unit issues one instruction per vector: BatchNorm-like 2 ops on 1,000 elements at
// the fixture's 4 ops per cycle is 500 cycles and 500 instructions, at 2 cycles each 1,000
// cycles of issue; 1,001 ops take 251 vectors (the last partly filled).
TEST_CASE("issue: a vector-unit op issues one instruction per vector") {
  auto acc = core_with(accelerators::Overlap::kNone);
  acc.cores[0].op_kinds.push_back("batchnorm");
  OpShape s = mapping::test::element_op(workloads::OpKind::kBatchNorm, 1000, 2, 1000, 1000);
  CostModel cm(acc);
  OpCost c = cm.evaluate(s, 0);
  REQUIRE(c.feasible);
  CHECK(c.compute_cycles == 500);
  CHECK(c.instructions == 500);
  CHECK(c.phases.fixed == 1000);
  s.elements = 1001;
  s.ops_per_element = 1;
  CHECK(cm.evaluate(s, 0).instructions == 251);
}

// Full overlap: local carries I to the PEs (6400), W to the registers (256) and O to DRAM
// (6400) = 13056 bits read, and as many written, at 64 bit/cycle: 204 cycles > 100 compute.
// On chip only (DRAM-side moves left to the scheduler): 6656 bits each way, 104 cycles.
TEST_CASE("overlap full: the busiest level sets the time; fixed costs still add") {
  auto acc = core_with(accelerators::Overlap::kFull);
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(100, 4, 4), 0);
  REQUIRE(c.feasible);
  CHECK(c.cycles == 204 + 19);
  CHECK(c.onchip_cycles == 104 + 19);
  CHECK(c.phases.compute == 104);
  CHECK(c.phases.onload + c.phases.offload == 0);
}

// Double-buffered: the tiles refilled during the op set the compute phase (local: 6656 bits
// read, 6400 written at 64 bit/cycle = 104 cycles); I, W and O cross DRAM once, as whole
// operands (no loop runs above local). Such tiles stream during the compute phase on spare
// bandwidth, but local has none (its port is busy all 104 cycles), so I (100 cycles), W (4)
// and O (100) wait before and after it.
TEST_CASE("overlap double-buffered adds on-loading and off-loading (ZigZag)") {
  auto acc = core_with(accelerators::Overlap::kDoubleBuffered);
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(100, 4, 4), 0);
  REQUIRE(c.feasible);
  CHECK(c.cycles == 104 + 104 + 100 + 19);
  CHECK(c.onchip_cycles == 104 + 19);  // the DRAM-side tiles are the scheduler's
  // With a 128 bit/cycle local port the compute phase is 100 cycles (compute) and local is
  // busy 52 of them (6656 / 128). The once-moved tiles now take 50 (I), 2 (W) and 50 (O)
  // cycles; I borrows local's 48 spare cycles (2 before the compute phase), W (2) and O (50)
  // find none left.
  acc.cores[0].memories[1].read_bits_per_cycle = acc.cores[0].memories[1].write_bits_per_cycle =
      128;
  CostModel wide(acc);
  OpCost w = wide.evaluate(gemm(100, 4, 4), 0);
  CHECK(w.cycles == 100 + 2 + 2 + 50 + 19);
}

TEST_CASE("precision rates: an op runs at the rate of its operand width") {
  auto acc = core_with(accelerators::Overlap::kFull);
  auto& e = acc.cores[0].execution;
  e.has_stationary_load = false;
  e.issue_cycles = 0;
  acc.cores[0].memories[0].size_bytes = 4;  // the weight register holds a 32-bit weight
  // 16 PEs; 8-bit operands at 32 MAC/cycle, 16-bit at 16, 32-bit at 2 (and 4 pJ per MAC).
  e.rates = {{8, 32, -1, "int8"}, {16, 16, -1, "fp16"}, {32, 2, 4.0, "fp32"}};
  CostModel cm(acc);
  // 1600 MACs: 100 steps of the array at 16 bit; 50 cycles at 8 bit; 800 at 32 bit.
  CHECK(cm.evaluate(gemm(100, 4, 4, 16), 0).compute_cycles == 100);
  CHECK(cm.evaluate(gemm(100, 4, 4, 8), 0).compute_cycles == 50);
  OpCost f = cm.evaluate(gemm(100, 4, 4, 32), 0);
  CHECK(f.compute_cycles == 800);
  CHECK(f.rate_bits == 32);
  CHECK(f.energy.mac_pj == Approx(1600 * 4.0));
  // Wider than every rate: refused with the reason, never priced at another rate.
  OpCost w = cm.evaluate(gemm(100, 4, 4, 64), 0);
  CHECK_FALSE(w.feasible);
  CHECK(w.reason.find("64-bit") != std::string::npos);
}

TEST_CASE("partial sums kept wider than the outputs cost their width until they leave") {
  // No on-chip O level above the PEs but local; C = 64 > 4 lanes, so the reduction runs over
  // 16 temporal steps and local holds 32-bit partial sums; DRAM receives 16-bit outputs once.
  auto acc = core_with(accelerators::Overlap::kFull);
  acc.cores[0].execution.partial_sum_bits = 32;
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(10, 4, 64), 0);
  REQUIRE(c.feasible);
  for (auto& t : c.traffic)
    if (t.memory == "dram") CHECK(t.write_bits[2] == 10.0 * 4 * 16);
}

TEST_CASE("GPU waves: thread blocks over the SMs, partial blocks and waves cost full ones") {
  auto acc =
      one_core({4, 4}, {memory("smem", 65536, 1024, 0, 0, {true, true, true})}, 16e9, 0, 0, 0);
  auto& core = acc.cores[0];
  core.kind = accelerators::CoreKind::kGpuSm;
  // 20 x 12 outputs, reduction 16, 16 MAC/cycle per SM, 4 SMs.
  OpShape s = gemm(20, 12, 16);
  // 8x8 blocks: 3 x 2 = 6 blocks, 2 waves of 4 SMs, 8 x 8 x 16 / 16 = 64 cycles per block.
  core.execution.blocks = {{8, 8, 1}};
  GpuWaves w = gpu_waves(s, core, 4);
  CHECK(w.blocks == 6);
  CHECK(w.waves == 2);
  CHECK(w.cycles == 128);
  // Two resident blocks per SM: one wave, each block at half the SM's rate: 2 x 64 = 128.
  core.execution.blocks = {{8, 8, 2}};
  CHECK(gpu_waves(s, core, 4).waves == 1);
  CHECK(gpu_waves(s, core, 4).cycles == 128);
  // With 4x4 blocks as well: 5 x 3 = 15 blocks, 4 waves of 16 cycles = 64: the faster shape.
  core.execution.blocks = {{8, 8, 1}, {4, 4, 1}};
  w = gpu_waves(s, core, 4);
  CHECK(w.cycles == 64);
  CHECK(w.shape.rows == 4);
  // Ideal would be 20 x 12 x 16 / (4 x 16) = 60 cycles: the last wave is 3/4 full.
}

namespace {
// An Orin-like SM: 128 FP32 FMA/clk on the CUDA cores, 1024 FP16 MAC/clk on the tensor cores,
// tiles of 64 x 64 at the smallest.
accelerators::Core orin_like_sm() {
  auto acc =
      one_core({32, 32}, {memory("smem", 65536, 1024, 0, 0, {true, true, true})}, 68e9, 0, 0, 0);
  accelerators::Core core = acc.cores[0];
  core.kind = accelerators::CoreKind::kGpuSm;
  core.vector_ops_per_cycle = 128;
  core.execution.blocks = {{64, 64, 1}};
  core.execution.rates = {{16, 1024, -1, "FP16 tensor cores"}, {32, 128, 1.15, "FP32 CUDA cores"}};
  return core;
}
}  // namespace

// A one-token 3072 x 3072 FP16 projection (Llama 3.2 3B's q_proj in a decode step) on 8 SMs.
TEST_CASE("GPU GEMV: one block per output channel on the CUDA cores, in waves over the SMs") {
  accelerators::Core core = orin_like_sm();
  OpShape s = gemm(1, 3072, 3072);
  // 3072 blocks over 8 SMs: 384 waves; a block reduces 3072 weights at 128 FMA/clk: 24 cycles.
  GpuGemv v = gpu_gemv(s, core, 8);
  REQUIRE(v.applies);
  CHECK(v.blocks == 3072);
  CHECK(v.waves == 384);
  CHECK(v.cycles == 384 * 24);
  CHECK(v.mac_energy_pj == 1.15);
  // The tensor-core kernel pads the one row to 64: 48 blocks of 64 x 64, 6 waves of
  // 64 x 64 x 3072 / 1024 = 12,288 cycles = 73,728, eight times the GEMV.
  CHECK(gpu_waves(s, core, 8).cycles == 73728);
  // Dequantising each weight once (one vector op) on the same CUDA cores doubles a block.
  s.dequant_ops = 1;
  CHECK(gpu_gemv(s, core, 8).cycles == 384 * 48);
  // Either way the weights' DRAM time is the floor: 3072^2 x 2 B / 68 GB/s = 277.5 us against
  // 9,216 cycles = 14.7 us at 625 MHz, so the GEMV's rate hardly matters at batch 1.
  CHECK(3072.0 * 3072 * 2 / 68e9 > 9216 / 625e6 * 18);
}

TEST_CASE("GPU GEMV: not for two output rows, weight gradients or a core without FP32 rate") {
  accelerators::Core core = orin_like_sm();
  CHECK(gpu_gemv(gemm(1, 64, 64), core, 8).applies);
  CHECK_FALSE(gpu_gemv(gemm(2, 64, 64), core, 8).applies);
  OpShape dw = gemm(1, 64, 64);
  dw.nest->output = workloads::Operand::kW;
  CHECK_FALSE(gpu_gemv(dw, core, 8).applies);
  // Without thread-block shapes the core has no kernel library to choose from.
  auto no_blocks = core;
  no_blocks.execution.blocks.clear();
  CHECK_FALSE(gpu_gemv(gemm(1, 64, 64), no_blocks, 8).applies);
  // Only a 16-bit rate: no CUDA-core FMA rate to run it at.
  core.execution.rates = {{16, 1024, -1, "FP16 tensor cores"}};
  CHECK_FALSE(gpu_gemv(gemm(1, 64, 64), core, 8).applies);
  CHECK(std::isinf(gpu_gemv(gemm(1, 64, 64), core, 8).cycles));
}

// Cases whose optimal traffic, cycles and energy follow from the sizes, worked out by hand
// in the comments.
#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace monet;
using namespace monet::mapping;
using mapping::test::gemm;
using mapping::test::memory;
using mapping::test::one_core;

namespace {
constexpr int kI = 0, kW = 1, kO = 2;

const LevelTraffic& level(const OpCost& c, const std::string& name) {
  for (auto& t : c.traffic)
    if (t.memory == name) return t;
  FAIL("no level " << name);
  return c.traffic.front();
}
}  // namespace

TEST_CASE("GEMM on a one-level hierarchy: the array reads every operand from DRAM") {
  // 4x4 array (D1 unrolls K, D2 unrolls C), no on-chip memory, DRAM 16 GB/s = 128 bit/cycle
  // at 1 GHz, 10 / 12 pJ per bit read / written, MAC 1 pJ, 16-bit operands.
  auto acc = one_core({4, 4}, {}, 16e9, 10, 12, 1);
  CostModel cm(acc);
  // M = 16 rows, N = 32 outputs, K = 64 reduction: 32768 MACs on 16 PEs -> 2048 cycles with
  // temporal loops K 32/4 = 8, C 64/4 = 16, OX 16.
  OpCost c = cm.evaluate(gemm(16, 32, 64), 0);
  REQUIRE(c.feasible);
  CHECK(c.compute_cycles == 2048);
  CHECK(c.spatial_utilization == 1.0);
  // Per cycle the array takes 4 I words (one per C lane, shared along K), 16 W words and
  // writes 4 partial sums (the 4 C lanes of a column are reduced in the array). A partial sum
  // is read back on every visit but the first: 2048 visits per output lane, 8 x 16 = 128
  // first visits.
  const auto& d = level(c, "dram");
  CHECK(d.read_bits[kI] == 4.0 * 2048 * 16);
  CHECK(d.read_bits[kW] == 16.0 * 2048 * 16);
  CHECK(d.write_bits[kO] == 4.0 * 2048 * 16);
  CHECK(d.read_bits[kO] == 4.0 * (2048 - 128) * 16);
  // 56832 words = 909312 bits at 128 bit/cycle: DRAM-bound at 7104 cycles.
  CHECK(c.cycles == Approx(7104));
  CHECK(c.onchip_cycles == 2048);
  // The scheduler moves DRAM data itself: on chip, the array's cycles set the time.
  CHECK(c.bound_by == "compute");
  // MACs 32768 pJ + reads 48640 words x 16 x 10 + writes 8192 words x 16 x 12.
  CHECK(c.energy.mac_pj == Approx(32768));
  CHECK(c.energy.dram_pj == Approx(7782400.0 + 1572864.0));
  CHECK(c.energy_pj == Approx(9388032.0));
}

TEST_CASE("GEMM on a two-level hierarchy whose buffer holds everything") {
  // The same array and GEMM with a 64 KiB buffer (1024 bit/cycle, 0.1 / 0.2 pJ per bit)
  // holding I, W and O: 2 KiB + 4 KiB + 1 KiB fit, so each operand crosses DRAM once.
  auto acc = one_core({4, 4}, {memory("buf", 64 * 1024, 1024, 0.1, 0.2, {true, true, true})}, 16e9,
                      10, 12, 1);
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(16, 32, 64), 0);
  REQUIRE(c.feasible);
  CHECK(c.dram_read_bytes[kI] == 16 * 64 * 2);
  CHECK(c.dram_read_bytes[kW] == 64 * 32 * 2);
  CHECK(c.dram_read_bytes[kO] == 0);
  CHECK(c.dram_write_bytes[kO] == 16 * 32 * 2);
  // The buffer feeds the array as the DRAM did before (8192 I, 32768 W, 8192 - 512 partial
  // sums read back + 512 final outputs drained; 8192 written back), plus the fills.
  const auto& b = level(c, "buf");
  CHECK(b.read_bits[kI] == 8192.0 * 16);
  CHECK(b.read_bits[kW] == 32768.0 * 16);
  CHECK(b.read_bits[kO] == (7680.0 + 512) * 16);
  CHECK(b.write_bits[kI] == 1024.0 * 16);
  CHECK(b.write_bits[kW] == 2048.0 * 16);
  CHECK(b.write_bits[kO] == 8192.0 * 16);
  // Buffer reads 786432 bits / 1024 = 768 cycles, DRAM 57344 bits / 128 = 448: compute-bound.
  CHECK(c.cycles == 2048);
  // 32768 (MAC) + 78643.2 + 36044.8 (buffer) + 491520 + 98304 (DRAM) pJ.
  CHECK(c.energy.memory_pj == Approx(78643.2 + 36044.8));
  CHECK(c.energy_pj == Approx(737280.0));
  CHECK(c.onchip_energy_pj == Approx(737280.0 - 491520 - 98304));

  SECTION("a slower DRAM stalls the array") {
    // 2 GB/s = 16 bit/cycle: 57344 bits take 3584 cycles.
    acc.dram.bandwidth_bytes_per_s = 2e9;
    CostModel slow(acc);
    OpCost s = slow.evaluate(gemm(16, 32, 64), 0);
    CHECK(s.cycles == Approx(3584));
    CHECK(s.onchip_cycles == 2048);
    CHECK(s.bound_by == "compute");
  }

  SECTION("a slow buffer bounds the on-chip time") {
    // 128 bit/cycle: whatever the loop order, the array takes 4 I + 16 W words a cycle from
    // the buffer, 20 x 16 x 2048 = 655360 bits = 5120 cycles > 2048 compute cycles.
    auto narrow = one_core({4, 4}, {memory("buf", 64 * 1024, 128, 0.1, 0.2, {true, true, true})},
                           16e9, 10, 12, 1);
    CostModel m(narrow);
    OpCost n = m.evaluate(gemm(16, 32, 64), 0);
    CHECK(n.onchip_cycles >= 5120);
    CHECK(n.bound_by == "buf bandwidth");
  }
}

TEST_CASE("GEMM with a buffer too small for any operand: output-stationary square tiles") {
  // One MAC unit, a 200-byte buffer (100 16-bit words) holding I, W and O, and a 16x16x16
  // GEMM (I, W, O 256 words each). DRAM costs 100 pJ/bit, nothing else costs energy, so the
  // energy-optimal mapping minimises DRAM traffic. Keeping an a x b output tile in the buffer
  // while the reduction streams past it (one column of I and one row of W at a time) needs
  // ab + a + b <= 100 words and moves I 16*16*16/b, W 4096/a, O 256 words; a = b = 8 (80
  // words) gives 512 + 512 + 256 = 1280 words. Larger reduction tiles c cost buffer space
  // (ac + bc + ab <= 100) and partial-sum round trips cost 2x, so no mapping does better.
  auto acc = one_core({}, {memory("buf", 200, 0, 0, 0, {true, true, true})}, 0, 100, 100, 0);
  CostModel cm(acc, {.objective = Objective::kEnergy});
  OpCost c = cm.evaluate(gemm(16, 16, 16), 0);
  REQUIRE(c.feasible);
  CHECK(c.dram_read_bytes[kI] == 512 * 2);
  CHECK(c.dram_read_bytes[kW] == 512 * 2);
  CHECK(c.dram_write_bytes[kO] == 256 * 2);
  CHECK(c.dram_read_bytes[kO] == 0);
  CHECK(c.energy_pj == Approx(1280.0 * 16 * 100));

  SECTION("latency: a 4 bit/cycle DRAM makes the same traffic the bottleneck") {
    // 4096 MACs on one unit take 4096 cycles; 1280 words x 16 bits / 4 = 5120 cycles.
    acc.dram.bandwidth_bytes_per_s = 0.5e9;
    CostModel fast(acc, {.objective = Objective::kLatency});
    OpCost l = fast.evaluate(gemm(16, 16, 16), 0);
    CHECK(l.compute_cycles == 4096);
    CHECK(l.cycles == Approx(5120));
  }
}

TEST_CASE("A conv whose operands all fit on chip touches DRAM exactly once per operand") {
  // 3x3 conv, pad 1, 4 -> 8 channels on an 8x8 input: I 4*8*8 = 256, W 8*4*9 = 288,
  // O 8*8*8 = 512 16-bit words. The input halo must not be counted twice.
  auto acc = one_core({4, 4}, {memory("buf", 64 * 1024, 1024, 0.1, 0.2, {true, true, true})}, 16e9,
                      10, 12, 1);
  workloads::LoopNest n;
  n[workloads::Dim::kK] = 8;
  n[workloads::Dim::kC] = 4;
  n[workloads::Dim::kOY] = n[workloads::Dim::kOX] = 8;
  n[workloads::Dim::kFY] = n[workloads::Dim::kFX] = 3;
  n.pad_y = n.pad_x = 1;
  OpShape s;
  s.kind = workloads::OpKind::kConv;
  s.nest = n;
  s.in_h = s.in_w = 8;
  CostModel cm(acc);
  OpCost c = cm.evaluate(s, 0);
  REQUIRE(c.feasible);
  CHECK(c.dram_read_bytes[kI] == 256 * 2);
  CHECK(c.dram_read_bytes[kW] == 288 * 2);
  CHECK(c.dram_read_bytes[kO] == 0);
  CHECK(c.dram_write_bytes[kO] == 512 * 2);
  CHECK(c.dram_write_bytes[kI] == 0);
  CHECK(c.dram_write_bytes[kW] == 0);
  // 8*4*8*8*9 = 18432 MACs on 16 PEs.
  CHECK(c.compute_cycles == 1152);
}

TEST_CASE("Element-streaming ops: vector rate and one DRAM pass per operand") {
  auto acc = one_core({4, 4}, {memory("buf", 64 * 1024, 1024, 0.1, 0.2, {true, true, true})}, 16e9,
                      10, 12, 1);
  // Two inputs of 4,096 elements read.
  OpShape s = mapping::test::element_op(workloads::OpKind::kAdd, 4096, 1, 8192, 4096);
  CostModel cm(acc);
  OpCost c = cm.evaluate(s, 0);
  REQUIRE(c.feasible);
  // 4096 ops at 4 per cycle; DRAM (8192 + 4096) x 16 bits / 128 = 1536 cycles.
  CHECK(c.compute_cycles == 1024);
  CHECK(c.cycles == Approx(1536));
  CHECK(c.dram_read_bytes[0] == 8192 * 2);
  CHECK(c.dram_write_bytes[2] == 4096 * 2);
  // 4096 x 0.5 pJ + buffer 2 x 12288 x 16 x (0.1 + 0.2) + DRAM 131072 x 10 + 65536 x 12.
  CHECK(c.energy.vector_pj == Approx(2048));
  CHECK(c.energy_pj == Approx(2048 + 12288.0 * 16 * 0.3 + 1310720 + 786432));

  SECTION("a layout change is a free view") {
    s.kind = workloads::OpKind::kReshape;
    OpCost r = cm.evaluate(s, 0);
    CHECK(r.feasible);
    CHECK(r.cycles == 0);
    CHECK(r.energy_pj == 0);
  }
  SECTION("a kind the core does not list is infeasible, with the reason") {
    s.kind = workloads::OpKind::kSoftmax;
    OpCost r = cm.evaluate(s, 0);
    CHECK_FALSE(r.feasible);
    CHECK_THAT(r.reason, Catch::Contains("softmax") && Catch::Contains("core"));
  }
}

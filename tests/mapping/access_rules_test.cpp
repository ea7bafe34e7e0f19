// Access-count rules the ZigZag comparison rests on, checked against counts worked out by
// hand: private levels of idle PEs cost nothing, outputs whose reduction is complete move at
// their own width (not the partial-sum width), and a level's smallest access rounds each
// transfer up.
#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace monet;
using namespace monet::mapping;
using mapping::test::gemm;
using mapping::test::memory;
using mapping::test::one_core;

namespace {
double level_energy(const OpCost& c, const std::string& name) {
  for (auto& [n, pj] : c.energy.levels)
    if (n == name) return pj;
  FAIL("no level " << name);
  return 0;
}
const LevelTraffic& traffic(const OpCost& c, const std::string& name) {
  for (auto& t : c.traffic)
    if (t.memory == name) return t;
  FAIL("no level " << name);
  return c.traffic.front();
}
}  // namespace

// 4x4 array, D1 unrolls K, D2 unrolls C. GEMM with C = 1: D2 has nothing to unroll, so 4 of
// the 16 PEs work. Each working PE reads its 16-bit weight register once per cycle: 100
// cycles x 4 PEs x 16 bits = 6400 bits = MACs x 16, not 16 registers' worth (25600).
TEST_CASE("private levels count only the PEs the unrolling uses") {
  auto pe = memory("pe_weight", 2, 16, 1, 1, {false, true, false});
  pe.per_pe = true;
  auto acc =
      one_core({4, 4}, {pe, memory("local", 65536, 256, 0, 0, {true, true, true})}, 16e9, 0, 0, 0);
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(100, 4, 1), 0);
  REQUIRE(c.feasible);
  CHECK(traffic(c, "pe_weight").read_bits[1] == 400.0 * 16);
  // The 4 weights are written once each: 64 bits.
  CHECK(traffic(c, "pe_weight").write_bits[1] == 4.0 * 16);
  CHECK(level_energy(c, "pe_weight") == Approx(6400 + 64));
}

// C = 4 is unrolled over the whole of D2, so no reduction is left to run in time: every
// output leaves the PEs final. 32-bit partial sums then never exist, and the op costs what
// it costs without them.
TEST_CASE("outputs whose reduction ends inside a tile move at their own width") {
  auto make = [](int psum) {
    auto acc =
        one_core({4, 4}, {memory("local", 65536, 256, 1, 2, {true, true, true})}, 16e9, 3, 4, 0);
    acc.cores[0].execution.partial_sum_bits = psum;
    return acc;
  };
  auto wide = make(32), plain = make(0);
  CostModel cw(wide), cp(plain);
  OpCost a = cw.evaluate(gemm(10, 4, 4), 0), b = cp.evaluate(gemm(10, 4, 4), 0);
  REQUIRE(a.feasible);
  // 10 x 4 outputs of 16 bits written into local once: 640 bits.
  CHECK(traffic(a, "local").write_bits[2] == 640);
  CHECK(a.energy_pj == Approx(b.energy_pj));
  // With C = 8 half of the reduction runs in time: the outputs revisit local as 32-bit
  // partial sums (written twice, read back once): 640 x 2 x 2 and 640 x 2 bits.
  OpCost r = cw.evaluate(gemm(10, 4, 8), 0);
  CHECK(traffic(r, "local").write_bits[2] == 2 * 1280);
  CHECK(traffic(r, "local").read_bits[2] >= 1280);
}

// The PEs take I (4 x 16 = 64 bits) and give O (64 bits) every cycle, and W (16 x 16 = 256
// bits) once. With 256-bit smallest accesses each I read and O write costs 256 bits: 192 more
// each, 100 times: 19200 bits read and 19200 written beyond the real traffic. The whole
// operands between local and DRAM (I 6400, W 256, O 6400 bits) are multiples of 256.
TEST_CASE("transfers are rounded up to the level's smallest access (ZigZag bandwidth_min)") {
  auto make = [](int min_bits) {
    auto local = memory("local", 65536, 256, 1, 2, {true, true, true});
    local.min_access_bits = min_bits;
    return one_core({4, 4}, {local}, 16e9, 0, 0, 0);
  };
  auto coarse = make(256), fine = make(0);
  CostModel cc(coarse), cf(fine);
  OpCost a = cc.evaluate(gemm(100, 4, 4), 0), b = cf.evaluate(gemm(100, 4, 4), 0);
  REQUIRE(a.feasible);
  CHECK(level_energy(a, "local") - level_energy(b, "local") == Approx(19200 * 1 + 19200 * 2));
  // Only energy: the bandwidth carries the real bits.
  CHECK(a.cycles == b.cycles);
  CHECK(traffic(a, "local").read_bits == traffic(b, "local").read_bits);
}

// A 4-PE array unrolls K = 6: two steps in K, the second on 2 PEs. GEMM of 10 rows, 6 outputs
// and a reduction of 3 takes 10 x 2 x 3 = 60 cycles. The buffer spans the array, so it hands
// the PEs only the data of the PEs at work: 10 x 3 x (4 + 2) = 180 weights (not 60 x 4 =
// 240), and takes 180 output writes (each of the 60 outputs once per reduction step); the
// inputs, the same for every K, are one per cycle: 60. The last step's half-idle array still
// costs a full cycle.
TEST_CASE("the last step of an unroll that does not divide its dim moves only its part") {
  auto acc = one_core({4}, {memory("local", 65536, 256, 1, 1, {true, true, true})}, 16e9, 0, 0, 0);
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(10, 6, 3), 0);
  REQUIRE(c.feasible);
  CHECK(c.compute_cycles == 60);
  CHECK(traffic(c, "local").read_bits[0] == 60.0 * 16);
  CHECK(traffic(c, "local").read_bits[1] == 180.0 * 16);
  CHECK(traffic(c, "local").write_bits[2] == 180.0 * 16);
}

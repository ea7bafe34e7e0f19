// Compute-in-memory pricing, checked by hand against the crossbar geometry of
// fixtures.hpp: 8-bit weights on 2-bit cells = 4 cells per weight, so a 128-cell row holds
// 32 weights; 8-bit inputs on a 1-bit DAC = 8 input cycles; 8 columns share an ADC of
// 11.8 ns, so one input cycle lasts ceil(8 x 11.8 ns x 1 GHz) = 95 cycles.
#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace monet;
using namespace monet::mapping;
using mapping::test::cim_core;
using mapping::test::gemm;

TEST_CASE("CIM forward: one crossbar tile, ADC-limited bit-serial cycles") {
  // 10 input vectors x (128-row reduction) -> 32 outputs: exactly one 128 x 32-weight tile.
  auto acc = cim_core(4);
  OpShape s = gemm(10, 32, 128, 8);
  CostModel cm(acc);
  OpCost c = cm.evaluate(s, 0);
  REQUIRE(c.feasible);
  // 10 vectors x 8 input cycles x 95 cycles, plus programming 128 rows x 50 ns.
  CHECK(c.compute_cycles == Approx(7600 + 6400));
  CHECK(c.cycles == Approx(14000));
  // Per vector and input cycle: 128 row drives, 32 x 4 = 128 column conversions.
  CHECK(c.energy.cim_dac_pj == Approx(10 * 8 * 128 * 0.0405));
  CHECK(c.energy.cim_adc_pj == Approx(10 * 8 * 128 * 0.7));
  // 128 x 32 weights x 4 cells programmed.
  CHECK(c.energy.cim_write_pj == Approx(16384 * 0.095));
  CHECK(c.spatial_utilization == Approx(16384.0 / (4 * 128 * 128)));
  CHECK(c.energy_pj == Approx(c.energy.total()));
  // Peak: 4 crossbars x 128 rows x 32 weights per 8 x 95 cycles; latency respects it.
  CHECK(peak_macs_per_cycle(acc.cores[0]) == Approx(4.0 * 128 * 32 / 760));
  CHECK(c.cycles >= static_cast<double>(s.macs()) / peak_macs_per_cycle(acc.cores[0]));

  SECTION("weights already in the crossbars cost no programming") {
    CostModel resident(acc, {.weights_resident = true});
    OpCost r = resident.evaluate(s, 0);
    CHECK(r.cycles == Approx(7600));
    CHECK(r.energy.cim_write_pj == 0);
    CHECK(r.dram_read_bytes[1] == 0);
  }
  SECTION("attention operands are activations: always programmed") {
    s.weight_is_parameter = false;
    CostModel resident(acc, {.weights_resident = true});
    CHECK(resident.evaluate(s, 0).energy.cim_write_pj == Approx(16384 * 0.095));
  }
}

TEST_CASE("CIM: weights larger than the crossbars run in passes with partial sums") {
  // 256-row reduction x 64 outputs = 2 row tiles x 2 column tiles on one crossbar: 4 passes
  // (column tile outer, row tile inner). Inputs: each pass reads its 128-row half again
  // (4 x 128 = 512 per vector); outputs: each pass writes its 32 outputs (4 x 32 = 128 per
  // vector), of which 64 are partial sums read back.
  auto acc = cim_core(1);
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(10, 64, 256, 8), 0);
  REQUIRE(c.feasible);
  CHECK(c.compute_cycles == Approx(4 * 10 * 8 * 95 + 4 * 128 * 50));
  const auto& in = c.traffic[0];
  const auto& out = c.traffic[1];
  REQUIRE(in.memory == "in_buf");
  CHECK(in.read_bits[0] == 10.0 * 512 * 8);
  CHECK(out.write_bits[2] == 10.0 * 128 * 8);
  // Partial sums read back (64 per vector) plus the 640 final outputs drained to DRAM.
  CHECK(out.read_bits[2] == (10.0 * 64 + 640) * 8);
  CHECK(c.dram_write_bytes[2] == 640);
}

TEST_CASE("CIM dX is a transposed read and dW is rejected") {
  auto acc = cim_core(4);
  CostModel cm(acc);
  OpShape s = gemm(10, 32, 128, 8);

  SECTION("dX drives the columns one bit slice at a time and senses the rows") {
    s.pass = workloads::Pass::kBackwardData;
    s.nest->output = workloads::Operand::kI;
    OpCost c = cm.evaluate(s, 0);
    REQUIRE(c.feasible);
    // 32 weights x 4 slices driven, 128 rows x 4 slices converted, 4x longer input cycles.
    CHECK(c.energy.cim_dac_pj == Approx(10 * 8 * 128 * 0.0405));
    CHECK(c.energy.cim_adc_pj == Approx(10 * 8 * 512 * 0.7));
    CHECK(c.compute_cycles == Approx(10 * 8 * 95 * 4 + 6400));
    CHECK_THAT(c.mapping, Catch::Contains("transposed"));
  }
  SECTION("dW has no stationary operand") {
    s.pass = workloads::Pass::kBackwardWeight;
    s.nest->output = workloads::Operand::kW;
    OpCost c = cm.evaluate(s, 0);
    CHECK_FALSE(c.feasible);
    CHECK_THAT(c.reason, Catch::Contains("weight-gradient (dW)") &&
                             Catch::Contains("no stationary operand") && Catch::Contains("'cim'"));
  }
}

TEST_CASE("CIM weight updates: energy grows with the fraction of cells written") {
  auto acc = cim_core(4);
  // 4096 weights = 16384 cells = 128 rows, 32 per crossbar programmed in parallel.
  double previous = -1;
  for (double f : {0.0, 0.01, 0.1, 0.5, 1.0}) {
    CostModel cm(acc, {.written_fraction = f});
    OpCost u = cm.weight_update(0, 4096);
    CHECK(u.energy.cim_write_pj == Approx(16384 * f * 0.095));
    CHECK(u.energy_pj > previous);
    previous = u.energy_pj;
    // A row takes a pulse when any of its 128 cells is written.
    CHECK(u.cycles == Approx(32 * (1 - std::pow(1 - f, 128)) * 50));
  }
  SECTION("an optimizer op on the CIM core writes the core's fraction (0.1)") {
    OpShape s;
    s.kind = workloads::OpKind::kOptimizer;
    s.pass = workloads::Pass::kOptimizer;
    s.elements = 4096;
    s.ops_per_element = 4;
    s.read_elements = 3 * 4096;
    s.write_elements = 2 * 4096;
    s.operand_bits = {8, 0, 8};
    CostModel cm(acc);
    OpCost c = cm.evaluate(s, 0);
    REQUIRE(c.feasible);
    CHECK(c.energy.cim_write_pj == Approx(16384 * 0.1 * 0.095));
    CHECK(c.energy_pj == Approx(c.energy.total()));
  }
  SECTION("a fraction outside [0, 1] is an error") {
    CostModel cm(acc, {.written_fraction = 1.5});
    CHECK_THROWS_WITH(cm.weight_update(0, 10), Catch::Contains("written fraction"));
  }
}

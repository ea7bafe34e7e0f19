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
  // 10 input vectors x (128-row reduction) -> 32 outputs: exactly one 128 x 32-weight tile,
  // replicated on all 4 crossbars; the copies take ceil(10 / 4) = 3 vectors each.
  auto acc = cim_core(4);
  OpShape s = gemm(10, 32, 128, 8);
  CostModel cm(acc);
  OpCost c = cm.evaluate(s, 0);
  REQUIRE(c.feasible);
  CHECK(c.weight_copies == 4);
  CHECK(c.crossbars_used == 4);
  // 3 vectors x 8 input cycles x 95 cycles, plus programming 128 rows x 50 ns (the copies
  // in parallel); one crossbar per copy: no partial sums to add.
  CHECK(c.compute_cycles == Approx(2280 + 6400));
  CHECK(c.cycles == Approx(8680));
  // Per vector and input cycle: 128 row drives, 32 x 4 = 128 column conversions, whichever
  // copy the vector goes to.
  CHECK(c.energy.cim_dac_pj == Approx(10 * 8 * 128 * 0.0405));
  CHECK(c.energy.cim_adc_pj == Approx(10 * 8 * 128 * 0.7));
  CHECK(c.energy.vector_pj == 0);
  // 128 x 32 weights x 4 cells programmed, 4 copies.
  CHECK(c.energy.cim_write_pj == Approx(4 * 16384 * 0.095));
  CHECK(c.spatial_utilization == Approx(1.0));
  CHECK(c.energy_pj == Approx(c.energy.total()));
  // Peak: 4 crossbars x 128 rows x 32 weights per 8 x 95 cycles; latency respects it.
  CHECK(peak_macs_per_cycle(acc.cores[0]) == Approx(4.0 * 128 * 32 / 760));
  CHECK(c.cycles >= static_cast<double>(s.macs()) / peak_macs_per_cycle(acc.cores[0]));

  SECTION("weights already in the crossbars cost no programming") {
    CostModel resident(acc, {.weights_resident = true});
    OpCost r = resident.evaluate(s, 0);
    CHECK(r.cycles == Approx(2280));
    CHECK(r.energy.cim_write_pj == 0);
    CHECK(r.dram_read_bytes[1] == 0);
  }
  SECTION("attention operands are activations: always programmed") {
    s.weight_is_parameter = false;
    CostModel resident(acc, {.weights_resident = true});
    CHECK(resident.evaluate(s, 0).energy.cim_write_pj == Approx(4 * 16384 * 0.095));
  }
}

TEST_CASE("CIM: weights larger than the crossbars run in passes with partial sums") {
  // 256-row reduction x 64 outputs = 2 row tiles x 2 column tiles on one crossbar: 4 passes
  // (column tile outer, row tile inner). Inputs: each pass reads its 128-row half again
  // (4 x 128 = 512 per vector); outputs: each pass writes its 32 outputs (4 x 32 = 128 per
  // vector), of which 64 are partial sums read back. Adds: 4 x 32 partial results for 64
  // outputs = 64 per vector at 32 per cycle, under the MVMs; the last pass's share
  // (64 / 4 passes / 32) drains after them.
  auto acc = cim_core(1);
  CostModel cm(acc);
  OpCost c = cm.evaluate(gemm(10, 64, 256, 8), 0);
  REQUIRE(c.feasible);
  CHECK(c.weight_copies == 1);
  CHECK(c.compute_cycles == Approx(4 * 10 * 8 * 95 + 64.0 / 4 / 32 + 4 * 128 * 50));
  CHECK(c.energy.vector_pj == Approx(10 * 64 * acc.cores[0].vector_op_energy_pj));
  const auto& in = c.traffic[0];
  const auto& out = c.traffic[1];
  REQUIRE(in.memory == "in_buf");
  CHECK(in.read_bits[0] == 10.0 * 512 * 8);
  CHECK(out.write_bits[2] == 10.0 * 128 * 8);
  // Partial sums read back (64 per vector) plus the 640 final outputs drained to DRAM.
  CHECK(out.read_bits[2] == (10.0 * 64 + 640) * 8);
  CHECK(c.dram_write_bytes[2] == 640);
}

TEST_CASE("CIM: a 512 x 512 matrix on 256 x 256 crossbars is partitioned over 4 of them") {
  // One 8-bit cell per weight: a crossbar holds 256 x 256 weights, so the matrix is 2 row
  // tiles x 2 column tiles = 4 crossbars that run in parallel: one MVM time per input vector
  // (8 input cycles x 95 cycles) plus the partial-sum adds (2 x 512 partial results for 512
  // outputs = 512 adds per vector at 32 per cycle = 16 cycles, pipelined under the next MVM,
  // so only the last vector's adds show). Programming: 256 rows per crossbar x 50 ns.
  auto acc = cim_core(4);
  auto& cim = acc.cores[0].cim;
  cim.rows = cim.cols = 256;
  cim.cell_bits = 8;
  const double vop_pj = acc.cores[0].vector_op_energy_pj = 0.021;
  OpShape s = gemm(10, 512, 512, 8);
  {
    CostModel cm(acc);
    OpCost c = cm.evaluate(s, 0);
    REQUIRE(c.feasible);
    CHECK(c.crossbars_used == 4);
    CHECK(c.weight_copies == 1);
    CHECK(c.compute_cycles == Approx(10 * 760 + 512.0 / 32 + 256 * 50));
    CHECK(c.energy.vector_pj == Approx(10 * 512 * vop_pj));
    // Each of the 4 crossbars drives its 256 rows (its own DACs) and converts its 256
    // columns, per vector and input cycle.
    CHECK(c.energy.cim_dac_pj == Approx(10 * 8 * 1024 * 0.0405));
    CHECK(c.energy.cim_adc_pj == Approx(10 * 8 * 1024 * 0.7));
    CHECK(c.spatial_utilization == Approx(1.0));
  }
  SECTION("16 crossbars hold 4 copies: 4 vectors at a time") {
    cim.crossbars = 16;
    CostModel cm(acc);
    OpCost c = cm.evaluate(s, 0);
    CHECK(c.weight_copies == 4);
    CHECK(c.crossbars_used == 16);
    // ceil(10 / 4) = 3 MVM times; the last step's adds: 4 copies x 512 / 32.
    CHECK(c.compute_cycles == Approx(3 * 760 + 4 * 512.0 / 32 + 256 * 50));
    // Same conversions and adds in total; every copy programmed.
    CHECK(c.energy.cim_adc_pj == Approx(10 * 8 * 1024 * 0.7));
    CHECK(c.energy.vector_pj == Approx(10 * 512 * vop_pj));
    CHECK(c.energy.cim_write_pj == Approx(4 * 512 * 512 * 0.095));
    // Updating the weights rewrites every copy; copies program in parallel.
    OpCost u = cm.weight_update(0, 512 * 512, 4);
    OpCost u1 = cm.weight_update(0, 512 * 512, 1);
    CHECK(u.energy.cim_write_pj == Approx(4 * u1.energy.cim_write_pj));
    CHECK(u.cycles == Approx(4 * u1.cycles));  // 16 -> 4 crossbars per copy
  }
  SECTION("3 crossbars: one copy in 2 passes (2 tiles, then 2 more)") {
    cim.crossbars = 3;
    CostModel cm(acc);
    OpCost c = cm.evaluate(s, 0);
    CHECK(c.weight_copies == 1);
    // Passes: tiles 0-2, then tile 3; the fullest crossbar of each pass has 256 rows.
    CHECK(c.compute_cycles == Approx(2 * 10 * 760 + 512.0 / 2 / 32 + 2 * 256 * 50));
  }
  SECTION("fewer vectors than spare crossbars: no more copies than vectors") {
    cim.crossbars = 16;
    CostModel cm(acc);
    OpCost c = cm.evaluate(gemm(2, 512, 512, 8), 0);
    CHECK(c.weight_copies == 2);
    CHECK(c.compute_cycles == Approx(760 + 2 * 512.0 / 32 + 256 * 50));
  }
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
    // 32 weights x 4 slices driven, 128 rows x 4 slices converted, 4x longer input cycles;
    // 4 copies take ceil(10 / 4) = 3 vectors each.
    CHECK(c.energy.cim_dac_pj == Approx(10 * 8 * 128 * 0.0405));
    CHECK(c.energy.cim_adc_pj == Approx(10 * 8 * 512 * 0.7));
    CHECK(c.compute_cycles == Approx(3 * 8 * 95 * 4 + 6400));
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

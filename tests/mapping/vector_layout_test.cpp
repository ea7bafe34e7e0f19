// Vector layouts (execution.channels_per_vector): channels padded to whole vectors in what a
// core moves, holds and computes, its utilisation counting the real work only. Figures by hand.
#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace monet;
using namespace monet::mapping;
using mapping::test::gemm;
using mapping::test::memory;
using mapping::test::one_core;

TEST_CASE("channel padding: to the next whole vector") {
  CHECK(channel_padding(3, 32) == Approx(32.0 / 3));
  CHECK(channel_padding(32, 32) == 1);
  CHECK(channel_padding(48, 32) == Approx(64.0 / 48));
  CHECK(channel_padding(16, 0) == 1);  // no vector layout

  workloads::Tensor image;
  image.shape = {1, 3, 32, 32};  // NCHW: channels in dimension 1
  CHECK(tensor_padding(image, 32) == Approx(32.0 / 3));
  workloads::Tensor w;
  w.kind = workloads::TensorKind::kParameter;
  w.shape = {16, 3, 3, 3};  // K and C both padded: 32 x 32 of 16 x 3
  CHECK(tensor_padding(w, 32) == Approx(2.0 * 32 / 3));
  workloads::Tensor bias;
  bias.kind = workloads::TensorKind::kParameter;
  bias.shape = {10};
  CHECK(tensor_padding(bias, 32) == Approx(3.2));
}

// A 4x4 array (K and C unrolled) with a 64 KiB buffer; DRAM 16 GB/s = 128 bit/cycle. GEMM 64
// rows, 2 output and 3 input channels: packed, I 64 x 3 x 16 = 3,072 bits from DRAM, W 96,
// O 2,048; in vectors of 4 channels, I 64 x 4 x 16 = 4,096, W 4 x 4 x 16 = 256, O 4,096. The
// array does one step per row either way (C3 and K2 fit its 4 x 4): 64 compute cycles.
TEST_CASE("a vector-layout core moves padded tensors and computes whole vectors") {
  auto acc =
      one_core({4, 4}, {memory("buf", 64 * 1024, 1024, 0, 0, {true, true, true})}, 16e9, 0, 0, 1);
  OpShape s = gemm(64, 2, 3);
  CostModel packed(acc);
  OpCost a = packed.evaluate(s, 0);
  auto vacc = acc;  // a CostModel keeps a reference to its accelerator
  vacc.cores[0].execution.channels_per_vector = 4;
  CostModel vectors(vacc);
  OpCost b = vectors.evaluate(s, 0);
  REQUIRE(a.feasible);
  REQUIRE(b.feasible);
  CHECK(a.dram_read_bytes[0] == 3'072 / 8);
  CHECK(b.dram_read_bytes[0] == 4'096 / 8);
  CHECK(b.dram_read_bytes[1] == 256 / 8);
  CHECK(b.dram_write_bytes[2] == 4'096 / 8);
  CHECK(a.compute_cycles == 64);
  CHECK(b.compute_cycles == 64);
  // 384 real MACs on 16 PEs for 64 cycles: 0.375 in both.
  CHECK(a.spatial_utilization == Approx(0.375));
  CHECK(b.spatial_utilization == Approx(0.375));
  // The padded lanes compute (zeros): 64 x 4 x 4 MACs at 1 pJ.
  CHECK(b.energy.mac_pj == Approx(1024));
  CHECK(b.mapping.find("channels padded to vectors of 4") != std::string::npos);

  SECTION("an element op processes whole vectors") {
    OpShape r = mapping::test::element_op(workloads::OpKind::kRelu, 64 * 3, 1, 64 * 3, 64 * 3);
    r.channels = 3;
    // 64 pixels of 4 lanes at the fixture's 4 operations per cycle: 64 cycles, not 48.
    CHECK(vectors.evaluate(r, 0).compute_cycles == 64);
    CHECK(packed.evaluate(r, 0).compute_cycles == 48);
    CHECK(vectors.evaluate(r, 0).spatial_utilization == Approx(0.75));
  }
}

// DRAM `sustained_bandwidth`: the rate kernels sustain, below the interface's pin rate. Every
// DRAM transfer is timed at it, so a chip stating a peak and a sustained rate runs exactly as
// the same chip whose peak is that sustained rate; a power mode's new peak keeps the share.
#include <catch2/catch.hpp>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/loader.hpp"
#include "accelerators/power_mode.hpp"
#include "fusion/simulation.hpp"
#include "invariants.hpp"
#include "mapping/cost.hpp"
#include "support/accelerator_text.hpp"
#include "two_convs.hpp"

using namespace monet;
using Catch::Matchers::Contains;

namespace {
// One 8x8 array at 1 GHz with a 4 KiB buffer, so the two convolutions stream from DRAM.
const char* kSustainedChip = R"(
name: streamer
cores:
  - name: pe
    kind: array
    clock: 1 GHz
    precision: 8 bit
    array:
      - {name: D1, size: 8, unrolls: [K]}
      - {name: D2, size: 8, unrolls: [C]}
    mac_energy: 1 pJ
    op_kinds: [loopnest]
    memories:
      - {name: sram, size: 4 KiB, bandwidth: 1024 bit/cycle, access_bits: 64,
         read_energy: 5 pJ, write_energy: 5 pJ, holds: [I, W, O]}
dram: {capacity: 1 GiB, bandwidth: 16 GB/s, sustained_bandwidth: 4 GB/s,
       read_energy: 10 pJ/bit, write_energy: 10 pJ/bit}
modes:
  - name: half
    bandwidths: {dram: 8 GB/s}
)";

fusion::Summary run_two_convs(const accelerators::Accelerator& acc) {
  fusion::Simulation sim(test::two_convs(), acc);
  return test::schedule_checked(sim, fusion::StackRule::kLayerByLayer, 1).summary;
}
}  // namespace

TEST_CASE("DRAM transfers are timed at the sustained bandwidth, not the pin rate") {
  auto acc = accelerators::parse_accelerator_yaml(kSustainedChip, "chip.yaml");
  CHECK(acc.dram.bandwidth_bytes_per_s == 16e9);
  CHECK(acc.dram.sustained_fraction == 0.25);
  CHECK(acc.dram.timing_bytes_per_s() == 4e9);
  // The core's DRAM port: 4 GB/s x 8 bit / 1 GHz = 32 bit per cycle.
  CHECK(mapping::dram_bits_per_cycle(acc, acc.cores[0]) == Approx(32));

  // The same chip whose pin rate is 4 GB/s: the same schedule to the second and the joule.
  auto slow = accelerators::parse_accelerator_yaml(
      test::with(kSustainedChip, "bandwidth: 16 GB/s, sustained_bandwidth: 4 GB/s",
                 "bandwidth: 4 GB/s"),
      "chip.yaml");
  auto fast = accelerators::parse_accelerator_yaml(
      test::with(kSustainedChip, "bandwidth: 16 GB/s, sustained_bandwidth: 4 GB/s",
                 "bandwidth: 16 GB/s"),
      "chip.yaml");
  const auto s = run_two_convs(acc), s_slow = run_two_convs(slow), s_fast = run_two_convs(fast);
  CHECK(s.latency_s == Approx(s_slow.latency_s).epsilon(1e-12));
  CHECK(s.energy.total_pj() == Approx(s_slow.energy.total_pj()).epsilon(1e-12));
  // A 4 KiB buffer cannot hold a 32 KiB input: the run waits on DRAM, so the peak rate
  // alone would have predicted it faster.
  CHECK(s_fast.latency_s < s.latency_s);
}

TEST_CASE("a power mode's DRAM rate keeps the sustained share; the writer keeps the figure") {
  auto acc = accelerators::parse_accelerator_yaml(kSustainedChip, "chip.yaml");
  auto half = accelerators::apply_power_mode(acc, "half");
  CHECK(half.dram.bandwidth_bytes_per_s == 8e9);
  CHECK(half.dram.timing_bytes_per_s() == Approx(2e9));  // 4 / 16 of 8 GB/s

  auto back = accelerators::parse_accelerator_yaml(accelerators::write_accelerator_yaml(acc), "w");
  CHECK(back.dram.timing_bytes_per_s() == Approx(4e9));
  CHECK(back.dram.bandwidth_bytes_per_s == 16e9);
}

TEST_CASE("a sustained bandwidth above the pin rate, or not a rate, is refused") {
  CHECK_THAT(test::error_of(test::with(kSustainedChip, "sustained_bandwidth: 4 GB/s",
                                       "sustained_bandwidth: 20 GB/s")),
             Contains("chip.yaml") && Contains("sustained_bandwidth") && Contains("at most"));
  CHECK_THAT(test::error_of(test::with(kSustainedChip, "sustained_bandwidth: 4 GB/s",
                                       "sustained_bandwidth: 4 GB")),
             Contains("sustained_bandwidth"));
}

TEST_CASE("Jetson AGX Orin: DRAM timed at the measured 152.8 GB/s of its 204.8 GB/s") {
  auto agx = accelerators::load_accelerator("jetson-agx-orin");
  CHECK(agx.dram.bandwidth_bytes_per_s == Approx(204.8e9));
  // ApxInf's read microbenchmark (2 GB, past the L2) at 16 SMs and 1.3 GHz.
  CHECK(agx.dram.timing_bytes_per_s() == Approx(152.8e9));
  CHECK(mapping::dram_bits_per_cycle(agx, agx.cores[0]) == Approx(152.8e9 * 8 / 1.3e9));
}

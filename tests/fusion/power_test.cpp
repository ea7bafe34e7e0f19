// Power: static figures parsed with their units, integrated over a run with the dynamic
// energy, taken to the supply; the window peak; every expected value worked out by hand here.
#include <catch2/catch.hpp>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/loader.hpp"
#include "accelerators/power.hpp"
#include "core/error.hpp"
#include "fusion/power.hpp"
#include "fusion/simulation.hpp"
#include "invariants.hpp"
#include "support/accelerator_text.hpp"
#include "two_convs.hpp"
#include "workloads/builder.hpp"

using namespace monet;
using Catch::Matchers::Contains;
using test::two_convs;

namespace {
// One 8x8 array; static figures chosen to be easy to add up by hand.
const char* kPowerChip = R"(
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
    static_power: 2 W
    memories:
      - {name: sram, size: 96 KiB, bandwidth: 1024 bit/cycle, access_bits: 64,
         read_energy: 5 pJ, write_energy: 5 pJ, holds: [I, W, O], leakage: 1 uW/KiB}
dram: {capacity: 1 GiB, bandwidth: 16 GB/s, read_energy: 10 pJ/bit, write_energy: 10 pJ/bit,
       background_power: 500 mW, refresh_power: 100 mW}
board: {baseline_power: 1 W, regulator_efficiency: 0.8}
)";

using test::error_of;
using test::with;
}  // namespace

TEST_CASE("static power adds up cores, memory leakage per copy, DRAM and the board") {
  auto acc = accelerators::parse_accelerator_yaml(kPowerChip, "chip.yaml");
  auto p = accelerators::static_power(acc);
  // 2 W core + 96 KiB x 1 uW/KiB = 96 uW leakage; DRAM 0.5 + 0.1 W.
  REQUIRE(p.core_w.size() == 1);
  CHECK(p.core_w[0] == Approx(2.000096));
  CHECK(p.dram_w == Approx(0.6));
  CHECK(p.chip_w() == Approx(2.600096));
  CHECK(p.supply_w() == Approx(2.600096 / 0.8 + 1.0));
}

TEST_CASE("a run's energy is dynamic plus static times its latency, at the supply") {
  fusion::Simulation sim(two_convs(),
                         accelerators::parse_accelerator_yaml(kPowerChip, "chip.yaml"));
  auto s = test::schedule_checked(sim, fusion::StackRule::kLayerByLayer, 1).summary;
  const auto& p = s.power;
  const double t = s.latency_s;
  REQUIRE(t > 0);
  const double static_w = 2 + 96e-6 + 0.6;
  CHECK(p.static_described);
  CHECK(p.static_w == Approx(static_w));
  CHECK(p.dynamic_energy_j == Approx(s.energy.total_pj() * 1e-12));
  CHECK(p.static_energy_j == Approx(static_w * t));
  CHECK(p.board_energy_j == Approx(1.0 * t));
  CHECK(p.supply_energy_j == Approx((s.energy.total_pj() * 1e-12 + static_w * t) / 0.8 + t));
  CHECK(p.average_w == Approx(p.supply_energy_j / t));
  // Equal windows partition the run, so the highest window mean is at least the overall mean,
  // and no window holds more than all of the dynamic energy.
  CHECK(p.peak_w >= p.average_w * (1 - 1e-12));
  CHECK(p.peak_w <= (s.energy.total_pj() * 1e-12 / p.window_s + static_w) / 0.8 + 1 + 1e-9);
}

TEST_CASE("peak power is the highest window mean, spans spread evenly over their windows") {
  // 4 ms run: 4 windows of 1 ms. Core 0 spends 2 mJ in [0, 1 ms] (2 W); the DRAM 1 mJ over
  // [0.5, 2.5 ms] (0.5 W), a quarter of it in window 0. Window 0: 2.25 mJ / 1 ms = 2.25 W.
  std::vector<fusion::EnergySpan> spans = {{0, 1e-3, 2e9, 0},
                                           {0.5e-3, 2.5e-3, 1e9, fusion::kDramTrack}};
  accelerators::StaticPower hw;
  hw.core_w = {1.0};
  hw.board_w = 0.5;
  hw.regulator_efficiency = 0.5;
  auto p = fusion::power_summary(spans, 4e-3, hw);
  CHECK(p.window_s == Approx(1e-3));
  CHECK(p.peak_w == Approx((2.25 + 1) / 0.5 + 0.5));  // 7 W
  // 3 mJ dynamic + 1 W x 4 ms static = 7 mJ / 0.5 = 14 mJ, + 0.5 W x 4 ms = 16 mJ over 4 ms.
  CHECK(p.supply_energy_j == Approx(16e-3));
  CHECK(p.average_w == Approx(4.0));
  auto rows = fusion::window_energy_pj(spans, fusion::power_windows(4e-3), 1);
  REQUIRE(rows.size() == 4);  // core 0 compute, core 0 memories, DRAM, links
  CHECK(rows[0][0] == Approx(2e9));
  CHECK(rows[2][0] == Approx(0.25e9));
  CHECK(rows[2][1] == Approx(0.5e9));
  CHECK(rows[2][2] == Approx(0.25e9));
  CHECK(rows[2][3] == 0);
}

TEST_CASE("a run shorter than 1.5 ms is one window: its peak is its average") {
  std::vector<fusion::EnergySpan> spans = {{0, 1e-4, 5e6, 0}};
  accelerators::StaticPower hw;
  hw.core_w = {0.0};
  auto p = fusion::power_summary(spans, 1.2e-3, hw);
  CHECK(fusion::power_windows(1.2e-3).count == 1);
  CHECK(p.peak_w == Approx(p.average_w));
  CHECK(p.average_w == Approx(5e-6 / 1.2e-3));
}

TEST_CASE("the Orin Nano preset idles at the board's measured 2.6 W") {
  // Forum thread 348662: board 2.6 W idle. The preset splits it into 8 SMs x 39.3125 mW and
  // 735.25 mW of DRAM at the chip (through 0.85 regulators) plus a 1.365 W baseline.
  for (const char* name : {"jetson-orin-nano", "jetson-orin-nano-maxn"}) {
    auto p = accelerators::static_power(accelerators::load_accelerator(name));
    CHECK(p.chip_w() == Approx(8 * 0.0393125 + 0.73525));
    CHECK(p.supply_w() == Approx(2.6));
  }
}

TEST_CASE("the ZCU104 preset idles at the board's logged 13.8 W at its 12 V input") {
  // PYNQ's ZCU104 PMBus notebook: 12V_power 13.800-13.825 W while Python sleeps. A whole-board
  // figure at the supply: nothing at the chip, no regulator scaling.
  auto p = accelerators::static_power(accelerators::load_accelerator("zcu104-tensil"));
  CHECK(p.chip_w() == 0);
  CHECK(p.supply_w() == Approx(13.8));
  // 5 mJ of dynamic energy over 10 ms: 0.5 W on top of the baseline, 5 mJ + 138 mJ in all.
  std::vector<fusion::EnergySpan> spans = {{0, 10e-3, 5e9, 0}};
  auto run = fusion::power_summary(spans, 10e-3, p);
  CHECK(run.static_described);
  CHECK(run.average_w == Approx(0.5 + 13.8));
  CHECK(run.supply_energy_j == Approx(5e-3 + 13.8 * 10e-3));
}

TEST_CASE("static power fields round-trip through the writer") {
  auto acc = accelerators::parse_accelerator_yaml(kPowerChip, "chip.yaml");
  auto back = accelerators::parse_accelerator_yaml(accelerators::write_accelerator_yaml(acc), "w");
  CHECK(back.cores[0].static_power_w == acc.cores[0].static_power_w);
  CHECK(back.cores[0].memories[0].leakage_w_per_byte ==
        acc.cores[0].memories[0].leakage_w_per_byte);
  CHECK(back.dram.background_power_w == acc.dram.background_power_w);
  CHECK(back.dram.refresh_power_w == acc.dram.refresh_power_w);
  CHECK(back.board.baseline_power_w == acc.board.baseline_power_w);
  CHECK(back.board.regulator_efficiency == acc.board.regulator_efficiency);
}

TEST_CASE("bad power figures are refused naming the field and the rule") {
  CHECK_THAT(error_of(with(kPowerChip, "static_power: 2 W", "static_power: -2 W")),
             Contains("static_power") && Contains("must not be negative"));
  CHECK_THAT(error_of(with(kPowerChip, "refresh_power: 100 mW", "refresh_power: -1 mW")),
             Contains("refresh_power") && Contains("must not be negative"));
  CHECK_THAT(error_of(with(kPowerChip, "leakage: 1 uW/KiB", "leakage: 1 uW")),
             Contains("leakage") && Contains("capacity unit"));
  CHECK_THAT(error_of(with(kPowerChip, "leakage: 1 uW/KiB", "leakage: -1 uW/KiB")),
             Contains("leakage") && Contains("must not be negative"));
  CHECK_THAT(error_of(with(kPowerChip, "static_power: 2 W", "static_power: 2 pJ")),
             Contains("static_power") && Contains("W"));
  CHECK_THAT(error_of(with(kPowerChip, "regulator_efficiency: 0.8", "regulator_efficiency: 1.5")),
             Contains("regulator_efficiency") && Contains("(0, 1]"));
  CHECK_THAT(error_of(with(kPowerChip, "board: {", "board: {idle: 1 W, ")), Contains("idle"));
}

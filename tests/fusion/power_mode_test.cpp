// Power modes: `preset@mode` rewrites clocks, active cores, bandwidths and budget, scales
// on-chip energies by (V/V0)² and static power by V/V0; a run over its budget is flagged.
// Every expected value is worked out by hand here (or read off NVIDIA's nvpmodel tables).
#include <catch2/catch.hpp>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/loader.hpp"
#include "accelerators/power.hpp"
#include "accelerators/power_mode.hpp"
#include "core/error.hpp"
#include "fusion/report.hpp"
#include "fusion/simulation.hpp"
#include "invariants.hpp"
#include "support/accelerator_text.hpp"
#include "support/mode_chip.hpp"
#include "two_convs.hpp"
#include "workloads/builder.hpp"

using namespace monet;
using Catch::Matchers::Contains;
using test::kModeChip;
using test::two_convs;

namespace {

using test::error_of;
using test::with;
}  // namespace

TEST_CASE("a mode sets clocks, active cores, bandwidths and budget; V scales energy and static") {
  auto base = accelerators::parse_accelerator_yaml(kModeChip, "chip.yaml");
  auto low = accelerators::apply_power_mode(base, "low");
  CHECK(low.name == "pair@low");
  CHECK(low.mode == "low");
  CHECK(low.modes.empty());
  CHECK(low.power_budget_w == 1.0);
  CHECK(low.voltage_v == 0.6);
  REQUIRE(low.cores.size() == 1);  // pe1 power-gated
  const auto& c = low.cores[0];
  CHECK(c.name == "pe0");
  CHECK(c.clock_hz == 500e6);
  // (0.6 / 0.8)² = 0.5625 on dynamic energy, 0.6 / 0.8 = 0.75 on static power.
  CHECK(c.mac_energy_pj == Approx(0.5625));
  CHECK(c.vector_op_energy_pj == Approx(0.05625));
  CHECK(c.memories[0].read_energy_pj_per_bit == Approx(5.0 / 64 * 0.5625));
  CHECK(c.static_power_w == Approx(1.5));
  CHECK(c.memories[0].leakage_w_per_byte == Approx(1e-6 / 1024 * 0.75));
  // 1024 bit/cycle at 500 MHz = 64 GB/s.
  CHECK(c.memories[0].read_bytes_per_s == Approx(64e9));
  // DRAM: its own supply, only the mode's bandwidth changes.
  CHECK(low.dram.bandwidth_bytes_per_s == 8e9);
  CHECK(low.dram.read_energy_pj_per_bit == 10);
  CHECK(accelerators::static_power(low).chip_w() == Approx(1.5 + 96e-6 * 0.75 + 0.5));

  auto high = accelerators::apply_power_mode(base, "high");
  CHECK(high.cores.size() == 2);
  CHECK(high.cores[1].clock_hz == 2e9);
  CHECK(high.cores[1].mac_energy_pj == 1.0);  // no voltage in the mode: unchanged
  CHECK(high.power_budget_w == 0);            // no budget in the mode: none (as MAXN)
  CHECK(high.cores[1].memories[0].read_bytes_per_s == Approx(256e9));
}

TEST_CASE("a mode that does not exist is refused listing the modes") {
  auto base = accelerators::parse_accelerator_yaml(kModeChip, "chip.yaml");
  CHECK_THROWS_WITH(accelerators::apply_power_mode(base, "turbo"),
                    Contains("no power mode 'turbo'") && Contains("modes: low, high"));
  CHECK_THROWS_WITH(accelerators::load_accelerator("jetson-orin-nano@10W"),
                    Contains("modes: 7W, 15W, 25W, MAXN_SUPER"));
  CHECK_THROWS_WITH(accelerators::load_accelerator("tpu-like@7W"), Contains("it lists no modes"));
  CHECK_THROWS_WITH(accelerators::load_accelerator("jetson-orin-nano@"),
                    Contains("no power mode after '@'"));
}

TEST_CASE("Orin Nano modes follow NVIDIA's nvpmodel tables") {
  // nvpmodel_p3767_0003.conf 7W: GPU MAX_FREQ 408000000, TPC_PG_MASK 252 (2 of 4 TPCs = 4 SMs),
  // EMC 2133 MHz (68 GB/s). L2 at 256 B/clk: 104.448 GB/s = 2048 bit per 408 MHz cycle.
  auto m7 = accelerators::load_accelerator("jetson-orin-nano@7W");
  REQUIRE(m7.cores.size() == 4);
  CHECK(m7.cores[3].name == "sm3");
  CHECK(m7.cores[0].clock_hz == 408e6);
  CHECK(m7.dram.bandwidth_bytes_per_s == 68e9);
  CHECK(m7.power_budget_w == 7);
  CHECK(m7.cores[0].memories.back().read_bits_per_cycle == Approx(2048));
  // The register file moves its 12288 bit per (slower) cycle.
  CHECK(m7.cores[0].memories[0].read_bytes_per_s == Approx(12288.0 * 408e6 / 8));
  // Static power: 4 SMs gated off with their TPCs.
  CHECK(accelerators::static_power(m7).chip_w() == Approx(4 * 0.0393125 + 0.73525));
  // _super.conf 25W: GPU 918 MHz, EMC 3199 MHz (102.4 GB/s).
  auto m25 = accelerators::load_accelerator("jetson-orin-nano@25W");
  CHECK(m25.cores.size() == 8);
  CHECK(m25.cores[7].clock_hz == 918e6);
  CHECK(m25.dram.bandwidth_bytes_per_s == 102.4e9);
  CHECK(m25.power_budget_w == 25);
  // MAXN_SUPER caps nothing and states no budget.
  auto maxn = accelerators::load_accelerator("jetson-orin-nano@MAXN_SUPER");
  CHECK(maxn.cores[0].clock_hz == 1020e6);
  CHECK(maxn.power_budget_w == 0);
  // No voltages are published: energies stay as stated.
  CHECK(m7.cores[0].mac_energy_pj ==
        accelerators::load_accelerator("jetson-orin-nano").cores[0].mac_energy_pj);
}

TEST_CASE("a run whose average power exceeds its mode's budget is flagged") {
  // Mode `low` draws at least its static power at the supply, 1.5 W + 72 uW + 0.5 W > 1 W.
  auto low =
      accelerators::apply_power_mode(accelerators::parse_accelerator_yaml(kModeChip, "c"), "low");
  fusion::Simulation sim(two_convs(), low);
  auto s = test::schedule_checked(sim, fusion::StackRule::kLayerByLayer, 1).summary;
  CHECK(s.power.budget_w == 1);
  CHECK(s.power.average_w > 2.0);
  CHECK(s.power.over_budget());
  bool warned = false;
  for (const auto& w : fusion::summary_warnings(s))
    warned = warned || w.find("exceeds the power budget of 1 W") != std::string::npos;
  CHECK(warned);
  CHECK(fusion::summary_json(s, low)["power"]["over_budget"] == true);

  // The same chip without a mode: 1000 W budget, well within.
  fusion::Simulation within(two_convs(), accelerators::parse_accelerator_yaml(kModeChip, "c"));
  auto s2 = test::schedule_checked(within, fusion::StackRule::kLayerByLayer, 1).summary;
  CHECK(s2.power.budget_w == 1000);
  CHECK_FALSE(s2.power.over_budget());
}

TEST_CASE("bad modes are refused naming the field and the rule") {
  CHECK_THAT(error_of(with(kModeChip, "voltage: 0.8 V\n", "")),
             Contains("voltage") && Contains("missing"));
  CHECK_THAT(error_of(with(kModeChip, "clocks: {pe: 500 MHz}", "clocks: {px: 500 MHz}")),
             Contains("px") && Contains("no such core"));
  CHECK_THAT(error_of(with(kModeChip, "active_cores: {pe: 1}", "active_cores: {pe: 3}")),
             Contains("active_cores"));
  CHECK_THAT(error_of(with(kModeChip, "bandwidths: {dram: 8 GB/s}", "bandwidths: {l3: 8 GB/s}")),
             Contains("l3") && Contains("no such shared memory"));
  CHECK_THAT(error_of(with(kModeChip, "name: high", "name: low")), Contains("duplicate mode name"));
  CHECK_THAT(error_of(with(kModeChip, "power_budget: 1 W", "power_budget: -1 W")),
             Contains("power_budget") && Contains("must not be negative"));
  CHECK_THAT(error_of(with(kModeChip, "voltage: 0.6 V", "voltage: 0.6 W")), Contains("voltage"));
}

TEST_CASE("modes, budget and voltage round-trip through the writer") {
  auto acc = accelerators::parse_accelerator_yaml(kModeChip, "chip.yaml");
  auto back = accelerators::parse_accelerator_yaml(accelerators::write_accelerator_yaml(acc), "w");
  CHECK(back.power_budget_w == 1000);
  CHECK(back.voltage_v == 0.8);
  REQUIRE(back.modes.size() == 2);
  auto a = accelerators::apply_power_mode(back, "low");
  auto b = accelerators::apply_power_mode(acc, "low");
  CHECK(a.cores.size() == b.cores.size());
  CHECK(a.cores[0].clock_hz == b.cores[0].clock_hz);
  CHECK(a.cores[0].mac_energy_pj == b.cores[0].mac_energy_pj);
  CHECK(a.dram.bandwidth_bytes_per_s == b.dram.bandwidth_bytes_per_s);
  CHECK(a.power_budget_w == b.power_budget_w);
}

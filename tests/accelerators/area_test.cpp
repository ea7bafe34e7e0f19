// Area model: every expected value worked out by hand here from the cited per-unit figures
// (docs/references.md, "Area model"), not read back from the code.
#include <catch2/catch.hpp>
#include <string>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/area.hpp"
#include "accelerators/loader.hpp"
#include "core/error.hpp"
#include "support/accelerator_text.hpp"

using namespace monet;
using Catch::Matchers::Contains;

namespace {
// One 8x8 array of 8-bit MACs with per-PE 64 B register files and a 96 KiB SRAM, at 40 nm,
// the node of the Aladdin figures (so no scaling enters).
const char* kChip = R"(
name: one-core
cores:
  - name: pe
    kind: array
    clock: 1 GHz
    precision: 8 bit
    array:
      - {name: D1, size: 8, unrolls: [K]}
      - {name: D2, size: 8, unrolls: [C]}
    mac_energy: 1 pJ
    vector_ops_per_cycle: 8
    vector_op_energy: 0.1 pJ
    op_kinds: [all]
    memories:
      - {name: rf, size: 64 B, bandwidth: 64 bit/cycle, read_energy: 0.1 pJ/bit,
         write_energy: 0.1 pJ/bit, holds: [W], serves: []}
      - {name: sram, size: 96 KiB, bandwidth: 1024 bit/cycle, read_energy: 1 pJ/bit,
         write_energy: 1 pJ/bit, holds: [I, W, O]}
dram: {capacity: 1 GiB, bandwidth: 16 GB/s, read_energy: 10 pJ/bit, write_energy: 10 pJ/bit}
area:
  node: 40 nm
)";

using test::error_of;
using test::with;
}  // namespace

TEST_CASE("area of a small array at 40 nm, by hand") {
  auto a = accelerators::estimate_area(accelerators::parse_accelerator_yaml(kChip, "chip.yaml"));
  REQUIRE(a.estimated);
  REQUIRE(a.cores.size() == 1);
  // 8-bit MAC: multiplier 6350 um2 x (8/32)^2 = 396.875, adder of 16 bits 278 x 16/32 = 139.
  const double mac_um2 = 396.875 + 139.0;
  CHECK(a.cores[0].mac_units == 64);
  CHECK(a.cores[0].mac_mm2 == Approx(64 * mac_um2 * 1e-6));
  CHECK(a.cores[0].vector_mm2 == Approx(8 * mac_um2 * 1e-6));
  // 64 PEs x 64 B register files = 32,768 bits x 5.98 um2.
  CHECK(a.cores[0].register_mm2 == Approx(32768 * 5.98 * 1e-6));
  // 96 KiB = 786,432 bits x 280 F^2 at F = 0.04 um (0.448 um2 per bit).
  CHECK(a.cores[0].sram_mm2 == Approx(786432 * 280 * 0.04 * 0.04 * 1e-6));
  const double total_um2 = 72 * mac_um2 + 32768 * 5.98 + 786432 * 0.448;
  CHECK(a.total_mm2 == Approx(total_um2 * 1e-6));
  CHECK_THAT(accelerators::area_line(a), Contains("at 40 nm") && Contains("lower bound"));
}

TEST_CASE("logic scales between nodes as the Stillmaker-Baas table says") {
  using accelerators::logic_area_scale_from_40nm;
  // At the table's own nodes the ratio is the table's (130 nm = 1, 65 nm 0.23, 45 nm 0.16,
  // 32 nm 0.072, 7 nm 0.0092).
  CHECK(logic_area_scale_from_40nm(65) / logic_area_scale_from_40nm(130) == Approx(0.23));
  CHECK(logic_area_scale_from_40nm(32) / logic_area_scale_from_40nm(45) == Approx(0.072 / 0.16));
  CHECK(logic_area_scale_from_40nm(7) / logic_area_scale_from_40nm(130) == Approx(0.0092));
  CHECK(logic_area_scale_from_40nm(40) == Approx(1));
  // Between nodes it is monotonic: a smaller node never has more area.
  double prev = logic_area_scale_from_40nm(130);
  for (double nm = 129; nm >= 7; nm -= 1) {
    const double s = logic_area_scale_from_40nm(nm);
    CHECK(s <= prev);
    prev = s;
  }
}

TEST_CASE("SRAM bitcells follow the F^2 rule of their node") {
  // 7 nm: 16 F x 34.43 F at F = 7 nm = 0.0270 um2, the published TSMC N7 high-density cell.
  CHECK(accelerators::sram_bit_area_um2(7) == Approx(0.027).epsilon(0.01));
  CHECK(accelerators::sram_bit_area_um2(28) == Approx(280 * 0.028 * 0.028));
  CHECK(accelerators::cim_cell_area_um2(32) == Approx(48 * 0.032 * 0.032));
}

TEST_CASE("a section's own per-unit figures replace the built-in ones") {
  auto acc = accelerators::parse_accelerator_yaml(
      with(kChip, "  node: 40 nm", "  node: 40 nm\n  mac: 1000 um2\n  extra: 0.5 mm2"), "c.yaml");
  auto a = accelerators::estimate_area(acc);
  CHECK(a.cores[0].mac_mm2 == Approx(64 * 1000e-6));
  CHECK(a.extra_mm2 == 0.5);
  // A core's own node wins over the accelerator's; accelerator figures stay at their node.
  acc = accelerators::parse_accelerator_yaml(
      with(with(kChip, "  node: 40 nm", "  node: 40 nm\n  mac: 1000 um2"), "    op_kinds: [all]",
           "    op_kinds: [all]\n    area: {node: 65 nm}"),
      "c.yaml");
  a = accelerators::estimate_area(acc);
  CHECK(a.cores[0].node_nm == 65);
  CHECK(a.cores[0].mac_mm2 ==
        Approx(64 * 535.875 * accelerators::logic_area_scale_from_40nm(65) * 1e-6));
}

TEST_CASE("no node: the area is not estimated, and says why") {
  auto acc = accelerators::parse_accelerator_yaml(with(kChip, "area:\n  node: 40 nm\n", ""), "c");
  auto a = accelerators::estimate_area(acc);
  CHECK_FALSE(a.estimated);
  CHECK(a.total_mm2 == 0);
  CHECK_THAT(accelerators::area_line(a), Contains("not estimated") && Contains("node"));
  // The FPGA and GPU presets state no node; the ASIC-style ones do.
  CHECK_FALSE(
      accelerators::estimate_area(accelerators::load_accelerator("jetson-orin-nano")).estimated);
  CHECK_FALSE(
      accelerators::estimate_area(accelerators::load_accelerator("pynq-z1-tensil")).estimated);
  for (const char* name : {"eyeriss-like", "tpu-like", "cim-reram", "edge-hetero"}) {
    auto e = accelerators::estimate_area(accelerators::load_accelerator(name));
    CHECK(e.estimated);
    CHECK(e.total_mm2 > 0);
  }
}

TEST_CASE("area figures round-trip through the writer") {
  auto acc = accelerators::parse_accelerator_yaml(
      with(kChip, "  node: 40 nm", "  node: 28 nm\n  sram_bit: 0.127 um2\n  extra: 2 mm2"), "c");
  auto back =
      accelerators::parse_accelerator_yaml(accelerators::write_accelerator_yaml(acc), "w.yaml");
  CHECK(back.area.node_nm == 28);
  CHECK(back.area.sram_bit_mm2 == acc.area.sram_bit_mm2);
  CHECK(back.area.extra_mm2 == 2);
}

TEST_CASE("bad area input is refused naming the field and the rule") {
  CHECK_THAT(error_of(with(kChip, "  node: 40 nm", "  mac: 300 um2")),
             Contains("mac") && Contains("needs a technology node"));
  CHECK_THAT(error_of(with(kChip, "  node: 40 nm", "  node: 3 nm")),
             Contains("node") && Contains("7-130 nm"));
  CHECK_THAT(error_of(with(kChip, "  node: 40 nm", "  node: 40 nm\n  extra: -1 mm2")),
             Contains("extra") && Contains("positive"));
  CHECK_THAT(error_of(with(kChip, "  node: 40 nm", "  node: 40 nm\n  extra: 2 W")),
             Contains("extra") && Contains("mm2"));
  CHECK_THAT(error_of(with(kChip, "  node: 40 nm", "  node: 40")), Contains("node"));
  CHECK_THAT(error_of(with(kChip, "  node: 40 nm", "  node: 40 nm\n  die: 3 mm2")),
             Contains("die"));
}

// Every preset loads and validates; key figures are checked against the datasheet numbers in
// docs/references.md ("Hardware figures"), computed by hand here.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "accelerators/loader.hpp"
#include "accelerators/op_kinds.hpp"
#include "core/file_io.hpp"

namespace acc = monet::accelerators;

namespace {

const acc::MemoryLevel& level(const acc::Core& c, const std::string& name) {
  for (auto& m : c.memories)
    if (m.name == name) return m;
  FAIL("no memory " << name << " in core " << c.name);
  throw;
}

const acc::Core& core_named(const acc::Accelerator& a, const std::string& name) {
  int i = a.find_core(name);
  REQUIRE(i >= 0);
  return a.cores[static_cast<size_t>(i)];
}

}  // namespace

TEST_CASE("every file in configs/accelerators loads, validates and is a preset") {
  std::set<std::string> files;
  for (auto& e : std::filesystem::directory_iterator(MONET_SOURCE_DIR "/configs/accelerators")) {
    if (e.path().extension() != ".yaml") continue;
    files.insert(e.path().stem().string());
    INFO(e.path());
    acc::Accelerator a = acc::load_accelerator_file(e.path().string());
    CHECK(a.name == e.path().stem().string());
    CHECK(!a.cores.empty());
    CHECK(a.dram.bandwidth_bytes_per_s > 0);
    // Every op kind has a core that runs it, so any training graph can be mapped.
    for (auto kind : acc::op_kind_names()) {
      bool runs = std::any_of(a.cores.begin(), a.cores.end(),
                              [&](auto& c) { return c.supports(std::string(kind)); });
      CHECK(runs);
    }
    // The cost model maps I, W and O onto on-chip levels of every core.
    for (auto& c : a.cores)
      for (int o = 0; o < acc::kMemOperandCount; ++o)
        CHECK(
            std::any_of(c.memories.begin(), c.memories.end(), [&](auto& m) { return m.holds[o]; }));
  }
  auto names = acc::preset_names();
  CHECK(std::set<std::string>(names.begin(), names.end()) == files);
  for (auto expected :
       {"jetson-orin-nano", "jetson-orin-nano-maxn", "pynq-z1-tensil", "ultra96-tensil",
        "zcu104-tensil", "cim-reram", "tpu-like", "eyeriss-like", "edge-hetero"})
    CHECK(files.count(expected));
}

TEST_CASE("every preset cites docs/references.md and no path outside the repository") {
  for (auto& e : std::filesystem::directory_iterator(MONET_SOURCE_DIR "/configs/accelerators")) {
    if (e.path().extension() != ".yaml") continue;
    INFO(e.path());
    std::string text = monet::core::read_file(e.path().string());
    CHECK(text.find("docs/references.md") != std::string::npos);
    for (auto outside : {"/work/", "../shared", "/home/", "/tmp/"})
      CHECK(text.find(outside) == std::string::npos);
  }
}

TEST_CASE("Jetson Orin Nano: 8 SMs, 10.2 TFLOPS FP16, 68 GB/s, 128 KiB L1, shared 2 MiB L2") {
  auto a = acc::load_accelerator("jetson-orin-nano");
  REQUIRE(a.cores.size() == 8);
  CHECK(a.cores[0].name == "sm0");
  CHECK(a.cores[7].name == "sm7");
  CHECK(a.dram.bandwidth_bytes_per_s == Approx(68e9));
  double flops = 0;
  for (auto& c : a.cores) {
    CHECK(c.kind == acc::CoreKind::kGpuSm);
    CHECK(c.group == "sm");
    CHECK(c.clock_hz == Approx(625e6));
    CHECK(c.macs_per_cycle() == 2048 / 2);  // 2048 FP16 FLOP/clk/SM, 2 FLOP per MAC
    CHECK(level(c, "l1").size_bytes == 131072);
    const auto& l2 = level(c, "l2");
    CHECK(l2.shared_index == 0);
    CHECK(l2.size_bytes == 2 * 1024 * 1024);
    CHECK(l2.read_bits_per_cycle == Approx(160e9 * 8 / 625e6));  // 256 B/clk
    CHECK(c.memories.back().name == "l2");                       // shared level outermost
    flops += 2.0 * static_cast<double>(c.macs_per_cycle()) * c.clock_hz;
  }
  CHECK(flops == Approx(10.2e12).epsilon(0.01));  // datasheet: 10.2 TFLOPS dense FP16
  REQUIRE(a.shared_memories.size() == 1);
  CHECK(a.shared_memories[0].read_bytes_per_s == Approx(160e9));

  auto maxn = acc::load_accelerator("jetson-orin-nano-maxn");
  CHECK(maxn.cores.size() == 8);
  CHECK(maxn.cores[0].clock_hz == Approx(1020e6));
  CHECK(maxn.dram.bandwidth_bytes_per_s == Approx(102.4e9));
  CHECK(level(maxn.cores[3], "l2").read_bits_per_cycle == Approx(2048));
}

TEST_CASE("Tensil presets: memory sizes are vectors x array size x 16 bit") {
  auto pynq = acc::load_accelerator("pynq-z1-tensil");
  const auto& t = core_named(pynq, "tensil");
  CHECK(t.clock_hz == Approx(50e6));
  CHECK(t.macs_per_cycle() == 8 * 8);
  CHECK(level(t, "local").size_bytes == 8192 * 8 * 16 / 8);
  CHECK(level(t, "acc").size_bytes == 2048 * 8 * 16 / 8);
  CHECK(level(t, "local").read_bits_per_cycle == Approx(8 * 16));
  CHECK(level(t, "pe_weight").per_pe);
  CHECK(level(t, "pe_weight").instances == 64);
  CHECK(pynq.dram.bandwidth_bytes_per_s == Approx(2.1e9));
  CHECK(pynq.dram.read_energy_pj_per_bit == Approx(70));
  REQUIRE(pynq.links.size() == 1);
  CHECK(pynq.links[0].to == "dram");
  // One 64-bit AXI port at a time: Tensil's single instruction thread moves through one.
  CHECK(pynq.links[0].bandwidth_bytes_per_s == Approx(8 * 50e6));
  // Tensil's estimator: LoadWeights of 8 weight vectors + 1 bias vector, then 8 cycles of
  // fill before a MatMul streams; one thread, so nothing overlaps.
  CHECK(t.execution.overlap == acc::Overlap::kNone);
  CHECK(t.execution.stationary_load.cycles == 8 + 1);
  CHECK(t.execution.stationary_load.fill_cycles == 8);
  const auto& arm = core_named(pynq, "arm");
  CHECK(arm.kind == acc::CoreKind::kSimd);
  CHECK(arm.clock_hz == Approx(650e6));
  CHECK(arm.supports("softmax"));
  CHECK_FALSE(t.supports("softmax"));

  auto u96 = acc::load_accelerator("ultra96-tensil");
  const auto& tu = core_named(u96, "tensil");
  CHECK(tu.macs_per_cycle() == 16 * 16);
  CHECK(tu.clock_hz == Approx(100e6));
  CHECK(level(tu, "local").size_bytes == 20480 * 16 * 16 / 8);
  CHECK(level(tu, "acc").size_bytes == 4096 * 16 * 16 / 8);
  CHECK(tu.execution.stationary_load.cycles == 16 + 1);
  CHECK(u96.links[0].bandwidth_bytes_per_s == Approx(16 * 100e6));  // one 128-bit port
  // Board baseline: Xilinx's Ultra96-V2 PMIC tutorial reads the IR38060 as 0x0512 (PMBus
  // linear-16, 2^-8 V) and 0xE009 (linear-11: exponent -4, mantissa 9), i.e. 5.07 V x 0.5625 A.
  CHECK(u96.board.baseline_power_w == Approx(0x0512 / 256.0 * (9 / 16.0)).margin(0.0005));
  CHECK(u96.board.regulator_efficiency == 1);  // not published: dynamic energy unscaled

  auto zcu = acc::load_accelerator("zcu104-tensil");
  const auto& tz = core_named(zcu, "tensil");
  CHECK(tz.macs_per_cycle() == 32 * 32);
  CHECK(level(tz, "local").size_bytes == 16384 * 32 * 16 / 8);
  CHECK(level(tz, "acc").size_bytes == 4096 * 32 * 16 / 8);
}

TEST_CASE("Jetson AGX Orin: the module's idle power is the board baseline, nothing else static") {
  auto agx = acc::load_accelerator("jetson-agx-orin");
  // NVIDIA PVA Solutions 0.6.0: idle power about 7.6 W on Jetson AGX Orin (a module figure).
  CHECK(agx.board.baseline_power_w == Approx(7.6));
  CHECK(agx.board.regulator_efficiency == 1);  // not published: dynamic energy unscaled
  // The whole-module figure already holds the SoC's and LPDDR5's idle power.
  CHECK(agx.dram.background_power_w == 0);
  CHECK(agx.dram.refresh_power_w == 0);
  for (const auto& core : agx.cores) CHECK(core.static_power_w == 0);
}

TEST_CASE("Jetson Nano: the idle module's input is the board baseline, nothing else static") {
  auto nano = acc::load_accelerator("jetson-nano");
  // A tegrastats line of an idle Jetson Nano (datadog-agent's Jetson check test): POM_5V_IN
  // 1022 mW, the module's 5 V input.
  CHECK(nano.board.baseline_power_w == Approx(1022e-3));
  CHECK(nano.board.regulator_efficiency == 1);  // not published: dynamic energy unscaled
  CHECK(nano.dram.background_power_w == 0);
  CHECK(nano.dram.refresh_power_w == 0);
  for (const auto& core : nano.cores) CHECK(core.static_power_w == 0);
}

TEST_CASE("ZigZag-derived presets keep ZigZag's per-access energies") {
  auto tpu = acc::load_accelerator("tpu-like");
  const auto& c = tpu.cores.at(0);
  CHECK(c.macs_per_cycle() == 32 * 32);
  CHECK(c.mac_energy_pj == Approx(0.04));
  const auto& sram = level(c, "sram");
  CHECK(sram.size_bytes == 2 * 1024 * 1024);
  CHECK(sram.read_energy_pj_per_bit * 2048 == Approx(416.16));
  CHECK(sram.write_energy_pj_per_bit * 2048 == Approx(378.4));
  CHECK(level(c, "rf_w").instances == 1024);

  auto ey = acc::load_accelerator("eyeriss-like");
  const auto& e = ey.cores.at(0);
  CHECK(e.macs_per_cycle() == 14 * 12);
  CHECK(level(e, "gb").size_bytes * 8 == 8 * 1024 * 1024);  // 8 Mb
  CHECK(level(e, "gb").read_energy_pj_per_bit * 384 == Approx(100));
  CHECK(level(e, "rf_o").write_energy_pj_per_bit * 24 == Approx(2.0));
  CHECK(ey.dram.read_energy_pj_per_bit * 64 == Approx(1000));
}

TEST_CASE("CIM presets: ZigZag ADC/DAC figures and the crossbar unrolling") {
  auto cim = acc::load_accelerator("cim-reram");
  REQUIRE(cim.cores.size() == 9);
  const auto& tile = core_named(cim, "tile0");
  CHECK(tile.kind == acc::CoreKind::kCim);
  // ZigZag: delay = B (0.00653 rows + 0.640) ns; DAC = 50 fF · bits · VDD², VDD = 0.9 V.
  CHECK(tile.cim.adc_delay_s == Approx(8 * (0.00653 * 128 + 0.640) * 1e-9).epsilon(0.001));
  CHECK(tile.cim.dac_energy_pj == Approx(50e-15 * 1 * 0.81 * 1e12));
  CHECK(tile.cim.written_fraction > 0);
  CHECK(tile.cim.written_fraction <= 1);
  // 128 rows x (128 cols / (8-bit weights / 2-bit cells)) x 16 crossbars
  CHECK(tile.macs_per_cycle() == 128 * 32 * 16);
  CHECK_FALSE(tile.supports("relu"));
  CHECK(core_named(cim, "digital").supports("optimizer"));
  CHECK(cim.links.size() == 8);
  CHECK(cim.dram.read_energy_pj_per_bit == Approx(3.9));

  auto edge = acc::load_accelerator("edge-hetero");
  std::multiset<acc::CoreKind> kinds;
  for (auto& c : edge.cores) kinds.insert(c.kind);
  CHECK(kinds.count(acc::CoreKind::kArray) == 2);
  CHECK(kinds.count(acc::CoreKind::kCim) == 1);
  CHECK(kinds.count(acc::CoreKind::kSimd) == 1);
  // Every pair of the 4 cores is linked once: 4 choose 2.
  std::set<std::pair<std::string, std::string>> pairs;
  for (auto& l : edge.links) pairs.insert(std::minmax(l.from, l.to));
  CHECK(pairs.size() == 6);
  CHECK(edge.links.size() == 6);
}

TEST_CASE("load_accelerator rejects unknown names and lists the presets") {
  CHECK_THROWS_WITH(acc::load_accelerator("no-such-chip"),
                    Catch::Contains("no-such-chip") && Catch::Contains("edge-hetero"));
  CHECK_THROWS_WITH(acc::load_accelerator("missing/dir/x.yaml"), Catch::Contains("cannot open"));
}

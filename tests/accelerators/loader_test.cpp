// The YAML schema: unit conversions on a small valid description, and every rule broken on
// purpose, each reported with its file, line, field, value and rule — all in one error.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/loader.hpp"
#include "core/error.hpp"

namespace acc = monet::accelerators;
using monet::core::ConfigError;
using monet::core::ConfigIssue;

namespace {

// Line i of the document is kBase[i - 1].
const std::vector<std::string> kBase = {
    "name: t",                                    // 1
    "cores:",                                     // 2
    "  - name: a",                                // 3
    "    kind: array",                            // 4
    "    clock: 100 MHz",                         // 5
    "    array:",                                 // 6
    "      - {name: D1, size: 4, unrolls: [K]}",  // 7
    "      - {name: D2, size: 4, unrolls: [C]}",  // 8
    "    mac_energy: 1 pJ",                       // 9
    "    op_kinds: [loopnest]",                   // 10
    "    memories:",                              // 11
    "      - name: buf",                          // 12
    "        size: 64 KiB",                       // 13
    "        read_bandwidth: 64 GB/s",            // 14
    "        write_bandwidth: 256 bit/cycle",     // 15
    "        access_bits: 64",                    // 16
    "        read_energy: 10 pJ",                 // 17
    "        write_energy: 0.5 pJ/bit",           // 18
    "        holds: [I, W, O]",                   // 19
    "dram: {capacity: 1 GiB, bandwidth: 10 GB/s, read_energy: 8 pJ/bit, write_energy: 8 pJ/bit}",
};

struct Doc {
  std::vector<std::string> lines = kBase;
  Doc& set(int line, std::string text) {
    lines.at(static_cast<size_t>(line - 1)) = std::move(text);
    return *this;
  }
  Doc& add(std::string text) {  // appended after the last line
    lines.push_back(std::move(text));
    return *this;
  }
  std::string text() const {
    std::string s;
    for (auto& l : lines) s += l + "\n";
    return s;
  }
};

std::vector<ConfigIssue> issues_of(const Doc& d) {
  try {
    acc::parse_accelerator_yaml(d.text(), "t.yaml");
  } catch (const ConfigError& e) {
    return e.issues();
  }
  FAIL("the document was accepted:\n" << d.text());
  return {};
}

// The one issue a document has, as a message.
std::string only_issue(const Doc& d) {
  auto issues = issues_of(d);
  REQUIRE(issues.size() == 1);
  return issues[0].str();
}

}  // namespace

TEST_CASE("units convert once, at parsing") {
  acc::Accelerator a = acc::parse_accelerator_yaml(Doc().text(), "t.yaml");
  REQUIRE(a.cores.size() == 1);
  const auto& c = a.cores[0];
  CHECK(c.clock_hz == 100e6);
  CHECK(c.macs_per_cycle() == 16);
  CHECK(c.precision_bits == 16);
  const auto& m = c.memories.at(0);
  CHECK(m.size_bytes == 65536);
  CHECK(m.read_bits_per_cycle == Approx(64e9 * 8 / 100e6));  // 5120 bit/cycle
  CHECK(m.read_bytes_per_s == Approx(64e9));
  CHECK(m.write_bits_per_cycle == 256);
  CHECK(m.write_bytes_per_s == Approx(256.0 / 8 * 100e6));
  CHECK(m.read_energy_pj_per_bit == Approx(10.0 / 64));
  CHECK(m.write_energy_pj_per_bit == Approx(0.5));
  CHECK(m.instances == 1);
  CHECK(c.op_kinds == std::vector<std::string>{"conv", "matmul"});
  CHECK(a.dram.capacity_bytes == 1024.0 * 1024 * 1024);
  CHECK(a.dram.bandwidth_bytes_per_s == 10e9);
  CHECK(a.source_file == "t.yaml");
}

TEST_CASE("served dims give the number of copies of a level") {
  Doc d;
  d.set(19, "        holds: [I, W, O]\n        serves: [D1]");
  auto a = acc::parse_accelerator_yaml(d.text(), "t.yaml");
  CHECK(a.cores[0].memories[0].instances == 4);  // one copy per D2 index
  d.set(19, "        holds: [I, W, O]\n        serves: []");
  a = acc::parse_accelerator_yaml(d.text(), "t.yaml");
  CHECK(a.cores[0].memories[0].per_pe);
  CHECK(a.cores[0].memories[0].instances == 16);
}

TEST_CASE("repeat expands a core and links may name the group") {
  Doc d;
  d.lines.pop_back();  // dram goes last again below
  d.set(3, "  - name: pe").set(4, "    kind: array\n    repeat: 3");
  d.add("  - name: v");
  d.add("    kind: simd");
  d.add("    clock: 1 GHz");
  d.add("    vector_ops_per_cycle: 4");
  d.add("    vector_op_energy: 1 pJ");
  d.add("    op_kinds: [vector]");
  d.add(
      "    memories: [{name: m, size: 1 KiB, bandwidth: 64 bit/cycle, read_energy: 1 pJ/bit, "
      "write_energy: 1 pJ/bit, holds: [I, O]}]");
  d.add("links: [{name: l, from: pe, to: v, bandwidth: 1 GB/s, energy: 0.1 pJ/bit}]");
  d.add(kBase.back());
  auto a = acc::parse_accelerator_yaml(d.text(), "t.yaml");
  REQUIRE(a.cores.size() == 4);
  CHECK(a.cores[0].name == "pe0");
  CHECK(a.cores[2].name == "pe2");
  CHECK(a.cores[2].group == "pe");
  CHECK(a.cores[2].repeat_index == 2);
  CHECK(a.cores[3].name == "v");
  CHECK(a.cores[3].repeat_index == -1);
  CHECK(a.cores[3].op_kinds.size() == 20);  // `vector`: all 22 kinds but conv and matmul
  REQUIRE(a.links.size() == 3);
  CHECK(a.links[1].name == "l1");
  CHECK(a.links[1].from == "pe1");
  CHECK(a.links[1].to == "v");
}

TEST_CASE("each broken rule is reported with file, line, field, value and rule") {
  SECTION("memory smaller than one word") {
    CHECK(only_issue(Doc().set(13, "        size: 1 B")) ==
          "t.yaml:13: field 'cores[0].memories[0].size' = '1 B': smaller than one 16-bit word "
          "of the core's precision");
  }
  SECTION("zero bandwidth") {
    CHECK(only_issue(Doc().set(14, "        read_bandwidth: 0 GB/s")) ==
          "t.yaml:14: field 'cores[0].memories[0].read_bandwidth' = '0 GB/s': bandwidth must "
          "be positive");
  }
  SECTION("an operand the core needs has no memory") {
    CHECK(only_issue(Doc().set(19, "        holds: [I, O]")) ==
          "t.yaml:12: field 'cores[0].memories' = '<list>': no memory holds operand W; array "
          "cores need I, W and O on chip");
  }
  SECTION("unknown op kind") {
    CHECK_THAT(only_issue(Doc().set(10, "    op_kinds: [conv, transpose]")),
               Catch::StartsWith("t.yaml:10: field 'cores[0].op_kinds[1]' = 'transpose': "
                                 "unknown op kind; kinds are conv, matmul, batchnorm"));
  }
  SECTION("link to an unknown core") {
    Doc d;
    d.add("links: [{name: l, from: a, to: b, bandwidth: 1 GB/s, energy: 0.1 pJ/bit}]");
    CHECK(only_issue(d) ==
          "t.yaml:21: field 'links[0].to' = 'b': no such core (cores: a, or "
          "dram)");
  }
  SECTION("capacity without a unit") {
    CHECK_THAT(only_issue(Doc().set(13, "        size: 65536")),
               Catch::StartsWith("t.yaml:13: field 'cores[0].memories[0].size' = '65536': must "
                                 "be a quantity with a unit: '65536' has no unit"));
  }
  SECTION("unknown field") {
    CHECK_THAT(only_issue(Doc().set(9, "    mac_energy: 1 pJ\n    colour: red")),
               Catch::StartsWith("t.yaml:10: field 'cores[0].colour': unknown field; allowed "
                                 "here: name, kind, clock"));
  }
  SECTION("duplicate core names") {
    Doc d;
    std::string core;
    for (int i = 3; i <= 19; ++i) core += kBase[static_cast<size_t>(i - 1)] + "\n";
    d.set(19, kBase[18] + "\n" + core.substr(0, core.size() - 1));
    CHECK(only_issue(d) ==
          "t.yaml:20: field 'cores[1].name' = 'a': duplicate core name 'a' "
          "(also at line 3)");
  }
  SECTION("repeat below 1") {
    CHECK(only_issue(Doc().set(4, "    kind: array\n    repeat: 0")) ==
          "t.yaml:5: field 'cores[0].repeat' = '0': must be at least 1");
  }
  SECTION("written_fraction outside (0, 1]") {
    Doc d;
    d.set(4, "    kind: cim")
        .set(9, "    vector_ops_per_cycle: 1  # partial-sum adds")
        .set(6,
             "    cim: {rows: 128, cols: 128, crossbars: 1, "
             "weight_bits: 8, cell_bits: 1, input_bits: 8, adc_bits: 8, "
             "cols_per_adc: 8, adc_energy: 0.7 pJ, adc_delay: 11.8 ns,");
    d.set(7, "          dac_energy: 0.04 pJ, cell_write_energy: 0.095 pJ, write_pulse: 50 ns,");
    d.set(8, "          written_fraction: 0}");
    CHECK(only_issue(d) ==
          "t.yaml:8: field 'cores[0].cim.written_fraction' = '0': must be in "
          "(0, 1]: the share of cells reprogrammed per weight update");
    d.set(8, "          written_fraction: 0.25}");
    auto a = acc::parse_accelerator_yaml(d.text(), "t.yaml");
    // The crossbars' partial sums are added by the vector units: a rate is required.
    CHECK(only_issue(Doc(d).set(9, "    mac_energy: 0 pJ")) ==
          "t.yaml:4: field 'cores[0].kind' = 'cim': a cim core adds the partial sums of its "
          "crossbars at vector_ops_per_cycle, so it must be positive");
    CHECK(a.cores[0].cim.written_fraction == 0.25);
    CHECK(a.cores[0].macs_per_cycle() == 128 * 16);  // 8-bit weights in 1-bit cells
  }
  SECTION("per-access energy without its access width") {
    CHECK(only_issue(Doc().set(16, "        ports: 2")) ==
          "t.yaml:17: field 'cores[0].memories[0].read_energy' = '10 pJ': an energy per access "
          "needs access_bits (the bits one access moves); or write it per bit ('0.1 pJ/bit')");
  }
  SECTION("a per-cycle rate where there is no clock") {
    CHECK_THAT(only_issue(Doc().set(20,
                                    "dram: {capacity: 1 GiB, bandwidth: 64 bit/cycle, "
                                    "read_energy: 8 pJ/bit, write_energy: 8 pJ/bit}")),
               Catch::StartsWith("t.yaml:20: field 'dram.bandwidth' = '64 bit/cycle': a "
                                 "per-cycle bandwidth needs a clock"));
  }
  SECTION("served dim the core does not have") {
    CHECK(only_issue(Doc().set(19, "        holds: [I, W, O]\n        serves: [D3]")) ==
          "t.yaml:20: field 'cores[0].memories[0].serves[0]' = 'D3': not an array dimension "
          "of this core (D1, D2)");
  }
  SECTION("unknown core kind") {
    CHECK(
        only_issue(Doc().set(4, "    kind: tpu")) ==
        "t.yaml:4: field 'cores[0].kind' = 'tpu': must be one of: array, simd, cim, gpu-sm, tlmm");
  }
  SECTION("missing dram") {
    Doc d;
    d.lines.pop_back();
    CHECK(only_issue(d) == "t.yaml:1: field 'dram': required field is missing");
  }
}

TEST_CASE("all errors of a file are reported together, in file order") {
  Doc d;
  d.set(4, "    kind: array\n    repeat: 0");         // line 5
  d.set(10, "    op_kinds: [conv, transpose]");       // line 11
  d.set(13, "        size: 64");                      // line 14
  d.set(15, "        write_bandwidth: 0 bit/cycle");  // line 16
  d.set(19, "        holds: [I, W]");                 // line 20 → O missing, reported at 13
  d.add("links: [{name: l, from: a, to: nowhere, bandwidth: 1 GB/s, energy: 0.1 pJ/bit}]");
  auto issues = issues_of(d);
  std::vector<int> lines;
  std::vector<std::string> fields;
  for (auto& i : issues) {
    lines.push_back(i.where.line);
    fields.push_back(i.field);
    CHECK(i.where.file == "t.yaml");
  }
  CHECK(lines == std::vector<int>{5, 11, 13, 14, 16, 22});
  CHECK(fields == std::vector<std::string>{"cores[0].repeat", "cores[0].op_kinds[1]",
                                           "cores[0].memories", "cores[0].memories[0].size",
                                           "cores[0].memories[0].write_bandwidth", "links[0].to"});
}

TEST_CASE("the execution section: overlap, stationary load, fixed costs, rates") {
  Doc d;
  d.set(10,
        "    op_kinds: [loopnest]\n"
        "    execution:\n"
        "      overlap: none\n"
        "      stationary_load: {operand: W, cycles: 5 cycles, fill: 4 cycles, energy: 0.5 pJ}\n"
        "      issue: 1 cycle\n"
        "      launch: 5 us\n"
        "      host: 2 ms\n"
        "      rates: [{precision: 8 bit, macs_per_cycle: 32}, {precision: 16, macs_per_cycle: "
        "16, mac_energy: 2 pJ, unit: fp16}]\n"
        "      partial_sum_precision: 32 bit\n"
        "      stack_outputs: dram\n"
        "      weights: preloaded\n"
        "      channels_per_vector: 32");
  acc::Accelerator a = acc::parse_accelerator_yaml(d.text(), "t.yaml");
  const auto& e = a.cores[0].execution;
  CHECK(e.overlap == acc::Overlap::kNone);
  CHECK(e.has_stationary_load);
  CHECK(e.stationary_load.cycles == 5);
  CHECK(e.stationary_load.fill_cycles == 4);
  CHECK(e.stationary_load.energy_pj == 0.5);
  CHECK(e.issue_cycles == 1);
  CHECK(e.launch_s == Approx(5e-6));
  CHECK(e.host_s == Approx(2e-3));
  REQUIRE(e.rates.size() == 2);
  CHECK(a.cores[0].rate_for(16)->mac_energy_pj == 2);
  CHECK(a.cores[0].rate_for(12)->bits == 16);  // the narrowest rate at least that wide
  CHECK(a.cores[0].rate_for(32) == nullptr);
  CHECK(e.partial_sum_bits == 32);
  CHECK(e.stack_outputs_to_dram);
  CHECK(e.weights_preloaded);
  CHECK(e.channels_per_vector == 32);
  // Written back and read again, the section is unchanged.
  acc::Accelerator b = acc::parse_accelerator_yaml(acc::write_accelerator_yaml(a), "w.yaml");
  const auto& f = b.cores[0].execution;
  CHECK(f.overlap == e.overlap);
  CHECK(f.stationary_load.cycles == 5);
  CHECK(f.stationary_load.fill_cycles == 4);
  CHECK(f.issue_cycles == 1);
  CHECK(f.launch_s == Approx(5e-6));
  CHECK(f.host_s == Approx(2e-3));
  CHECK(f.rates.size() == 2);
  CHECK(f.partial_sum_bits == 32);
  CHECK(f.stack_outputs_to_dram);
  CHECK(f.weights_preloaded);
  CHECK(f.channels_per_vector == 32);
}

TEST_CASE("execution rules are reported at their line") {
  auto with = [](const std::string& body) {
    Doc d;
    d.set(10, "    op_kinds: [loopnest]\n    execution:\n" + body);
    return only_issue(d);
  };
  CHECK(with("      overlap: sometimes").find("full, double-buffered or none") !=
        std::string::npos);
  CHECK(with("      issue: 3").find("cycles") != std::string::npos);
  CHECK(with("      launch: 5").find("launch") != std::string::npos);
  CHECK(with("      rates: [{precision: 8, macs_per_cycle: 32}]").find("own precision") !=
        std::string::npos);
  CHECK(with("      thread_blocks: [{rows: 64, cols: 64}]").find("gpu-sm") != std::string::npos);
  CHECK(with("      stationary_load: {operand: X, cycles: 1 cycle}").find("I, W, O") !=
        std::string::npos);
  CHECK(with("      stack_outputs: sram").find("on-chip or dram") != std::string::npos);
  CHECK(with("      weights: cached").find("fetched or preloaded") != std::string::npos);
  CHECK(with("      channels_per_vector: 0").find("channels_per_vector") != std::string::npos);
  CHECK(with("      channels_per_vector: 8 bit").find("channels_per_vector") != std::string::npos);
}

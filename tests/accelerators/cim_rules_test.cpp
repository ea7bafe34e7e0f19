// One definition of the CIM rules: a YAML file and a core edited in code break the same rules
// with the same words, each located its own way (line in the file, field path in code).
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "accelerators/checked.hpp"
#include "accelerators/cim_rules.hpp"
#include "accelerators/loader.hpp"
#include "core/error.hpp"

namespace acc = monet::accelerators;

namespace {

// 8-bit weights in 1-bit cells (8 cells per weight) on 100 columns: 100 is neither a multiple
// of 8 (whole weights per row) nor of cols_per_adc 8; 3-bit inputs do not split into 2-bit DAC
// steps; the ADC energy is negative.
const char* kBroken =
    "name: t\n"
    "cores:\n"
    "  - name: x\n"
    "    kind: cim\n"
    "    clock: 1 GHz\n"
    "    vector_ops_per_cycle: 1\n"
    "    cim: {rows: 64, cols: 100, crossbars: 2, weight_bits: 8, cell_bits: 1,\n"
    "          input_bits: 3, dac_bits: 2, adc_bits: 8, cols_per_adc: 8,\n"
    "          adc_energy: -0.7 pJ, adc_delay: 11.8 ns, dac_energy: 0.04 pJ,\n"
    "          cell_write_energy: 0.095 pJ, write_pulse: 50 ns}\n"
    "    op_kinds: [conv, matmul]\n"
    "    memories:\n"
    "      - {name: buf, size: 64 KiB, read_bandwidth: 64 GB/s, write_bandwidth: 64 GB/s,\n"
    "         read_energy: 0.1 pJ/bit, write_energy: 0.1 pJ/bit, holds: [I, W, O]}\n"
    "dram: {capacity: 1 GiB, bandwidth: 10 GB/s, read_energy: 8 pJ/bit, write_energy: 8 pJ/bit}\n";

acc::CimSpec broken_spec() {
  acc::CimSpec c;
  c.rows = 64;
  c.cols = 100;
  c.crossbars = 2;
  c.weight_bits = 8;
  c.cell_bits = 1;
  c.input_bits = 3;
  c.dac_bits = 2;
  c.cols_per_adc = 8;
  c.adc_energy_pj = -0.7;
  return c;
}

}  // namespace

TEST_CASE("the CIM rules: the YAML loader and checked_accelerator report the same breaks") {
  const std::set<std::string> expected = {
      "cols: cols must be a multiple of the cells per weight (weight_bits/cell_bits = 8)",
      "dac_bits: input_bits (3) must be a multiple of dac_bits (2)",
      "cols_per_adc: cols (100) must be a multiple of cols_per_adc",
      "adc_energy: must not be negative"};
  std::set<std::string> direct;
  for (const auto& b : acc::cim_rule_breaks(broken_spec())) direct.insert(b.field + ": " + b.rule);
  CHECK(direct == expected);

  std::set<std::string> from_yaml;
  try {
    acc::parse_accelerator_yaml(kBroken, "t.yaml");
    FAIL("the broken CIM section was accepted");
  } catch (const monet::core::ConfigError& e) {
    for (const auto& i : e.issues()) {
      REQUIRE(i.field.rfind("cores[0].cim.", 0) == 0);
      CHECK(i.where.line >= 6);  // inside the cim map
      from_yaml.insert(i.field.substr(std::string("cores[0].cim.").size()) + ": " + i.rule);
    }
  }
  CHECK(from_yaml == expected);

  // The same core edited in code: a valid preset's CIM core given the broken section.
  auto a = acc::load_accelerator("cim-reram");
  int cim = -1;
  for (size_t i = 0; i < a.cores.size(); ++i)
    if (a.cores[i].kind == acc::CoreKind::kCim) cim = static_cast<int>(i);
  REQUIRE(cim >= 0);
  a.cores[static_cast<size_t>(cim)].cim = broken_spec();
  std::set<std::string> from_code;
  try {
    acc::checked_accelerator(a);
    FAIL("the broken CIM section was accepted in code");
  } catch (const monet::core::ConfigError& e) {
    const std::string prefix = "cores[" + std::to_string(cim) + "].cim.";
    for (const auto& i : e.issues()) {
      REQUIRE(i.field.rfind(prefix, 0) == 0);
      from_code.insert(i.field.substr(prefix.size()) + ": " + i.rule);
    }
  }
  CHECK(from_code == expected);
}

TEST_CASE("the CIM array: rows x weight columns x crossbars") {
  acc::CimSpec c;
  c.rows = 128;
  c.cols = 128;
  c.weight_bits = 8;
  c.cell_bits = 2;  // 4 cells per weight: 32 weight columns
  c.crossbars = 16;
  auto dims = acc::cim_array(c);
  REQUIRE(dims.size() == 3);
  CHECK(dims[0].size == 128);
  CHECK(dims[1].size == 32);
  CHECK(dims[2].size == 16);
}

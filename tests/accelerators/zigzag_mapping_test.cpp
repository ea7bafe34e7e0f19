// What ZigZag files carry beyond the hardware: a memory with a key written twice (ZigZag's
// own tpu_like.yaml; PyYAML keeps the last), bandwidth_min, and the mapping file's spatial
// unrolling and operand links. Nothing is dropped without a message.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "accelerators/zigzag_import.hpp"
#include "core/error.hpp"
#include "core/yaml.hpp"

namespace acc = monet::accelerators;
using monet::core::parse_yaml;

namespace {
// A 4x2 array whose sram lists `ports` twice: first in ZigZag 2's allocation form, then in
// the later port list (64 .. 256 bit per access).
const std::string kCore =
    "name: dup\n"                                                                              // 1
    "memories:\n"                                                                              // 2
    "  rf:\n"                                                                                  // 3
    "    size: 16\n"                                                                           // 4
    "    r_cost: 0.02\n"                                                                       // 5
    "    w_cost: 0.02\n"                                                                       // 6
    "    operands: [O]\n"                                                                      // 7
    "    ports:\n"                                                                             // 8
    "      - {name: r1, type: read, bandwidth_min: 16, bandwidth_max: 16, allocation: []}\n"   // 9
    "      - {name: w1, type: write, bandwidth_min: 16, bandwidth_max: 16, allocation: []}\n"  // 10
    "    served_dimensions: []\n"                                                              // 11
    "  sram:\n"                                                                                // 12
    "    size: 65536\n"                                                                        // 13
    "    r_cost: 40\n"                                                                         // 14
    "    w_cost: 40\n"                                                                         // 15
    "    operands: [I1, I2, O]\n"                                                              // 16
    "    ports:\n"                                                                             // 17
    "      - {fh: w_port_1, tl: r_port_1}\n"                                                   // 18
    "    ports:\n"                                                                             // 19
    "      - {name: r1, type: read, bandwidth_min: 64, bandwidth_max: 256, allocation: []}\n"  // 20
    "      - {name: w1, type: write, bandwidth_min: 64, bandwidth_max: 256, allocation: []}\n"  // 21
    "    served_dimensions: [D1, D2]\n"  // 22
    "  dram:\n"                          // 23
    "    size: 1000000000\n"             // 24
    "    r_cost: 700\n"                  // 25
    "    w_cost: 750\n"                  // 26
    "    operands: [I1, I2, O]\n"        // 27
    "    ports:\n"                       // 28
    "      - {name: rw, type: read_write, bandwidth_min: 64, bandwidth_max: 64, allocation: []}\n"
    "    served_dimensions: [D1, D2]\n"
    "operational_array:\n"
    "  unit_energy: 0.04\n"
    "  dimensions: [D1, D2]\n"
    "  sizes: [4, 2]\n";
}  // namespace

TEST_CASE("a key written twice: the last wins with a warning naming both lines, else refused") {
  std::vector<std::string> warnings;
  acc::ImportOptions o;
  o.warnings = &warnings;
  acc::Accelerator a = acc::import_zigzag(acc::parse_zigzag_yaml(kCore, "dup.yaml", o), o);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("dup.yaml:19") != std::string::npos);
  CHECK(warnings[0].find("lines 17 and 19") != std::string::npos);
  const auto& sram = a.cores.at(0).memories.at(1);
  CHECK(sram.read_bits_per_cycle == 256);  // the second `ports:`
  CHECK(sram.read_energy_pj_per_bit == 40.0 / 256);
  // bandwidth_min: whole accesses of 64 bits (rf: 16; the DRAM: 64).
  CHECK(sram.min_access_bits == 64);
  CHECK(a.cores[0].memories[0].min_access_bits == 16);
  CHECK(a.dram.min_access_bits == 64);
  // ZigZag's latency model and its ONNX layers' partial sums (twice the 8-bit precision).
  CHECK(a.cores[0].execution.overlap == acc::Overlap::kDoubleBuffered);
  CHECK(a.cores[0].execution.partial_sum_bits == 16);
  // A caller that cannot pass the warning on gets an error instead.
  CHECK_THROWS_WITH(acc::parse_zigzag_yaml(kCore, "dup.yaml", acc::ImportOptions{}),
                    Catch::Contains("dup.yaml:19") && Catch::Contains("lines 17 and 19"));
}

TEST_CASE("a ZigZag mapping file sets the unrolling and the operand links of loop nests") {
  const std::string mapping =
      "- name: default\n"     // 1
      "  spatial_mapping:\n"  // 2
      "    D1: [\"K, 4\"]\n"  // 3
      "    D2: [\"C, 2\"]\n"  // 4
      "  memory_operand_links: {O: O, W: I1, I: I2}\n"
      "- name: Add\n"  // 6
      "  spatial_mapping: {D1: [\"G, 4\"], D2: [\"C, 1\"]}\n"
      "  memory_operand_links: {O: O, W: I2, I: I1}\n"
      "- name: conv7\n"  // 9
      "  spatial_mapping: {D1: [\"C, 4\"], D2: [\"K, 2\"]}\n"
      "  temporal_ordering: [[OX, 112]]\n";
  std::vector<std::string> warnings;
  acc::ImportOptions o;
  o.warnings = &warnings;
  acc::read_zigzag_mapping(parse_yaml(mapping, "map.yaml"), o, warnings);
  // Entries for other layer types and single layers are not carried, and say so.
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("map.yaml:6") != std::string::npos);
  CHECK(warnings[1].find("'conv7'") != std::string::npos);
  CHECK(o.operand_of[0] == acc::MemOperand::kW);  // I1 holds W
  CHECK(o.operand_of[1] == acc::MemOperand::kI);
  acc::Accelerator a = acc::import_zigzag(acc::parse_zigzag_yaml(kCore, "dup.yaml", o), o);
  const auto& array = a.cores.at(0).array;
  CHECK(array[0].unrolls == std::vector<std::string>{"K"});
  CHECK(array[1].unrolls == std::vector<std::string>{"C"});
  CHECK(a.cores[0].memories[1].holds_operand(acc::MemOperand::kW));

  // A factor other than the array dim's size, a mixed unrolling, no default entry: refused.
  acc::ImportOptions bad;
  bad.warnings = &warnings;
  acc::read_zigzag_mapping(
      parse_yaml("- {name: default, spatial_mapping: {D1: [\"K, 2\"], D2: [\"C, 2\"]}}\n",
                 "f.yaml"),
      bad, warnings);
  CHECK_THROWS_WITH(acc::import_zigzag(acc::parse_zigzag_yaml(kCore, "dup.yaml", bad), bad),
                    Catch::Contains("unrolls K by 2 along D1 of size 4"));
  CHECK_THROWS_WITH(
      acc::read_zigzag_mapping(
          parse_yaml("- {name: default, spatial_mapping: {D1: [\"K, 2\", \"C, 2\"]}}\n", "m.yaml"),
          bad, warnings),
      Catch::Contains("m.yaml:1") && Catch::Contains("mixed unrolling"));
  CHECK_THROWS_WITH(
      acc::read_zigzag_mapping(parse_yaml("- {name: Add, spatial_mapping: {}}\n", "n.yaml"), bad,
                               warnings),
      Catch::Contains("no entry named `default`"));
}

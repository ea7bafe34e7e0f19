// ZigZag / Stream import and the YAML writer. A ZigZag core and two Stream files (both Stream
// formats) must read into exactly the accelerators of their hand conversions in
// tests/data/zigzag/*_monet.yaml (arithmetic in those files' comments), and — through
// `monet-sim convert` and `monet-sim cost` — price every ResNet-18 op the same. Malformed
// files name file, line, field and rule. Every preset survives write → parse unchanged.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/loader.hpp"
#include "accelerators/zigzag_import.hpp"
#include "core/error.hpp"
#include "core/yaml.hpp"

namespace acc = monet::accelerators;
using monet::core::ConfigError;

namespace {

const std::string kData = std::string(MONET_SOURCE_DIR) + "/tests/data/zigzag/";

// Unique per process: other build directories may run these tests at the same time.
std::filesystem::path temp_path(const std::string& stem) {
  static int n = 0;
  return std::filesystem::temp_directory_path() /
         (stem + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
}

bool close(double a, double b) {
  return a == b || std::fabs(a - b) <= 1e-12 * std::fabs(b);
}

// The first field where two accelerators differ ("" when none). Provenance (source file,
// lines, description) is not compared; repeat grouping only when `groups`.
std::string diff(const acc::Accelerator& a, const acc::Accelerator& b, bool groups) {
  std::ostringstream d;
  auto num = [&](const std::string& what, double x, double y) {
    if (!close(x, y) && d.str().empty()) d << what << ": " << x << " vs " << y;
  };
  auto str = [&](const std::string& what, const auto& x, const auto& y) {
    if (!(x == y) && d.str().empty()) d << what << " differs";
  };
  auto level = [&](const std::string& w, const acc::MemoryLevel& x, const acc::MemoryLevel& y) {
    str(w + ".name", x.name, y.name);
    num(w + ".size_bytes", x.size_bytes, y.size_bytes);
    num(w + ".read_bits_per_cycle", x.read_bits_per_cycle, y.read_bits_per_cycle);
    num(w + ".write_bits_per_cycle", x.write_bits_per_cycle, y.write_bits_per_cycle);
    num(w + ".read_bytes_per_s", x.read_bytes_per_s, y.read_bytes_per_s);
    num(w + ".write_bytes_per_s", x.write_bytes_per_s, y.write_bytes_per_s);
    num(w + ".read_ports", x.read_ports, y.read_ports);
    num(w + ".write_ports", x.write_ports, y.write_ports);
    num(w + ".read_energy", x.read_energy_pj_per_bit, y.read_energy_pj_per_bit);
    num(w + ".write_energy", x.write_energy_pj_per_bit, y.write_energy_pj_per_bit);
    str(w + ".holds", x.holds, y.holds);
    str(w + ".served_dims", x.served_dims, y.served_dims);
    num(w + ".shared_index", x.shared_index, y.shared_index);
    num(w + ".instances", static_cast<double>(x.instances), static_cast<double>(y.instances));
    str(w + ".per_pe", x.per_pe, y.per_pe);
  };
  str("name", a.name, b.name);
  num("cores", static_cast<double>(a.cores.size()), static_cast<double>(b.cores.size()));
  for (size_t i = 0; d.str().empty() && i < a.cores.size(); ++i) {
    const auto &x = a.cores[i], &y = b.cores[i];
    std::string w = "cores[" + std::to_string(i) + "]";
    str(w + ".name", x.name, y.name);
    str(w + ".kind", x.kind, y.kind);
    num(w + ".clock", x.clock_hz, y.clock_hz);
    num(w + ".array", static_cast<double>(x.array.size()), static_cast<double>(y.array.size()));
    for (size_t k = 0; d.str().empty() && k < x.array.size(); ++k) {
      str(w + ".array.name", x.array[k].name, y.array[k].name);
      num(w + ".array.size", static_cast<double>(x.array[k].size),
          static_cast<double>(y.array[k].size));
      str(w + ".array.unrolls", x.array[k].unrolls, y.array[k].unrolls);
    }
    num(w + ".mac_energy", x.mac_energy_pj, y.mac_energy_pj);
    num(w + ".precision", x.precision_bits, y.precision_bits);
    num(w + ".vector_ops", x.vector_ops_per_cycle, y.vector_ops_per_cycle);
    num(w + ".vector_energy", x.vector_op_energy_pj, y.vector_op_energy_pj);
    str(w + ".op_kinds", x.op_kinds, y.op_kinds);
    num(w + ".memories", static_cast<double>(x.memories.size()),
        static_cast<double>(y.memories.size()));
    for (size_t k = 0; d.str().empty() && k < x.memories.size(); ++k)
      level(w + ".memories[" + std::to_string(k) + "]", x.memories[k], y.memories[k]);
    if (x.kind == acc::CoreKind::kCim) {
      const auto &p = x.cim, &q = y.cim;
      num(w + ".cim.rows", static_cast<double>(p.rows), static_cast<double>(q.rows));
      num(w + ".cim.cols", static_cast<double>(p.cols), static_cast<double>(q.cols));
      num(w + ".cim.crossbars", static_cast<double>(p.crossbars), static_cast<double>(q.crossbars));
      num(w + ".cim.bits",
          p.weight_bits * 1e6 + p.cell_bits * 1e4 + p.input_bits * 100 + p.dac_bits,
          q.weight_bits * 1e6 + q.cell_bits * 1e4 + q.input_bits * 100 + q.dac_bits);
      num(w + ".cim.adc_bits", p.adc_bits, q.adc_bits);
      num(w + ".cim.cols_per_adc", p.cols_per_adc, q.cols_per_adc);
      num(w + ".cim.adc_energy", p.adc_energy_pj, q.adc_energy_pj);
      num(w + ".cim.adc_delay", p.adc_delay_s, q.adc_delay_s);
      num(w + ".cim.dac_energy", p.dac_energy_pj, q.dac_energy_pj);
      num(w + ".cim.cell_read", p.cell_read_energy_pj, q.cell_read_energy_pj);
      num(w + ".cim.cell_write", p.cell_write_energy_pj, q.cell_write_energy_pj);
      num(w + ".cim.write_pulse", p.write_pulse_s, q.write_pulse_s);
      num(w + ".cim.written_fraction", p.written_fraction, q.written_fraction);
    }
    if (groups) {
      str(w + ".group", x.group, y.group);
      num(w + ".repeat_index", x.repeat_index, y.repeat_index);
    }
  }
  num("shared_memories", static_cast<double>(a.shared_memories.size()),
      static_cast<double>(b.shared_memories.size()));
  for (size_t i = 0; d.str().empty() && i < a.shared_memories.size(); ++i)
    level("shared_memories[" + std::to_string(i) + "]", a.shared_memories[i], b.shared_memories[i]);
  num("links", static_cast<double>(a.links.size()), static_cast<double>(b.links.size()));
  for (size_t i = 0; d.str().empty() && i < a.links.size(); ++i) {
    const auto &x = a.links[i], &y = b.links[i];
    std::string w = "links[" + std::to_string(i) + "]";
    str(w + ".name", x.name, y.name);
    str(w + ".ends", x.from + ">" + x.to, y.from + ">" + y.to);
    num(w + ".bandwidth", x.bandwidth_bytes_per_s, y.bandwidth_bytes_per_s);
    num(w + ".energy", x.energy_pj_per_bit, y.energy_pj_per_bit);
    str(w + ".bidirectional", x.bidirectional, y.bidirectional);
  }
  num("dram.capacity", a.dram.capacity_bytes, b.dram.capacity_bytes);
  num("dram.bandwidth", a.dram.bandwidth_bytes_per_s, b.dram.bandwidth_bytes_per_s);
  num("dram.read_energy", a.dram.read_energy_pj_per_bit, b.dram.read_energy_pj_per_bit);
  num("dram.write_energy", a.dram.write_energy_pj_per_bit, b.dram.write_energy_pj_per_bit);
  return d.str();
}

std::vector<monet::core::ConfigIssue> import_issues(const std::string& text) {
  try {
    acc::import_zigzag(monet::core::parse_yaml(text, "bad_core.yaml"));
  } catch (const ConfigError& e) {
    return e.issues();
  }
  return {};
}

bool has_issue(const std::vector<monet::core::ConfigIssue>& issues, int line,
               const std::string& field, const std::string& rule_part) {
  for (auto& i : issues)
    if (i.where.file == "bad_core.yaml" && i.where.line == line && i.field == field &&
        i.rule.find(rule_part) != std::string::npos)
      return true;
  return false;
}

}  // namespace

TEST_CASE("every preset is written and read back unchanged") {
  for (const auto& name : acc::preset_names()) {
    INFO(name);
    acc::Accelerator a = acc::load_accelerator(name);
    std::string text = acc::write_accelerator_yaml(a, "round trip of " + name);
    acc::Accelerator b = acc::parse_accelerator_yaml(text, name + " (written)");
    CHECK(diff(a, b, true).empty());
    CHECK(b.description == a.description);
    INFO(diff(a, b, true));
  }
}

TEST_CASE("a ZigZag core imports as its hand conversion") {
  acc::Accelerator imported = acc::import_zigzag_file(kData + "edge_core.yaml");
  acc::Accelerator by_hand = acc::load_accelerator_file(kData + "edge_core_monet.yaml");
  INFO(diff(imported, by_hand, true));
  CHECK(diff(imported, by_hand, true).empty());
  // A few figures straight from the ZigZag file (units: bits, bits/cycle, pJ per access).
  const auto& core = imported.cores.at(0);
  REQUIRE(core.memories.size() == 4);  // the fifth level, dram, became the DRAM
  CHECK(core.memories[2].read_energy_pj_per_bit == 10.0 / 128);
  CHECK(core.memories[2].write_energy_pj_per_bit == 15.0 / 64);
  CHECK(core.memories[1].instances == 16);   // served [D2]: one per D1 index
  CHECK(core.memories[0].instances == 256);  // served []: one per PE
  CHECK(imported.dram.bandwidth_bytes_per_s == 64 * 1e9 / 8);
  CHECK(imported.dram.capacity_bytes == 34359738368.0 / 8);
  CHECK(imported.source_file == kData + "edge_core.yaml");
  CHECK(core.memories[3].line == 66);  // gb's fields start on line 66 of the ZigZag file
}

TEST_CASE("the later ZigZag port syntax reads into the same core") {
  acc::Accelerator old_syntax = acc::import_zigzag_file(kData + "edge_core.yaml");
  acc::Accelerator new_syntax = acc::import_zigzag_file(kData + "edge_core_ports.yaml");
  // The later syntax also says each port's smallest access (bandwidth_min; the old one
  // cannot): rf_w 8, rf_o 32, buf_i 8, gb 64 bits, DRAM 64.
  const std::vector<int> min_access{8, 32, 8, 64};
  auto& mems = new_syntax.cores.at(0).memories;
  REQUIRE(mems.size() == min_access.size());
  for (size_t i = 0; i < mems.size(); ++i) {
    CHECK(mems[i].min_access_bits == min_access[i]);
    mems[i].min_access_bits = 0;
  }
  CHECK(new_syntax.dram.min_access_bits == 64);
  new_syntax.dram.min_access_bits = 0;
  INFO(diff(new_syntax, old_syntax, true));
  CHECK(diff(new_syntax, old_syntax, true).empty());
}

TEST_CASE("Stream files of both formats import as their hand conversions") {
  for (std::string stem : {"stream_quad", "stream_duo_shared"}) {
    INFO(stem);
    acc::Accelerator imported = acc::import_stream_file(kData + stem + ".yaml");
    acc::Accelerator by_hand = acc::load_accelerator_file(kData + stem + "_monet.yaml");
    INFO(diff(imported, by_hand, true));
    CHECK(diff(imported, by_hand, true).empty());
  }
  acc::Accelerator quad = acc::import_stream_file(kData + "stream_quad.yaml");
  CHECK(quad.cores.size() == 4);
  CHECK(quad.links.size() == 2 + 6);  // two links and a bus of four (4·3/2 pairs)
  CHECK(quad.links[0].energy_pj_per_bit == 3.2 / 256);
  CHECK(close(quad.dram.read_energy_pj_per_bit, (1000 + 3.2) / 64));
  acc::Accelerator duo = acc::import_stream_file(kData + "stream_duo_shared.yaml");
  REQUIRE(duo.shared_memories.size() == 1);
  CHECK(duo.cores[0].memories.back().shared_index == 0);
  CHECK(duo.cores[1].memories.back().shared_index == 0);
  CHECK(duo.links[1].to == "dram");
}

TEST_CASE("the operand link can be overridden") {
  acc::ImportOptions o;
  o.operand_of = acc::parse_operand_map("I1=W,I2=I,O=O");
  acc::Accelerator a = acc::import_zigzag_file(kData + "edge_core.yaml", o);
  const auto& m = a.cores.at(0).memories;
  CHECK(m[0].holds_operand(acc::MemOperand::kI));  // rf_w keeps I2, now our I
  CHECK(!m[0].holds_operand(acc::MemOperand::kW));
  CHECK(m[2].holds_operand(acc::MemOperand::kW));  // buf_i keeps I1, now our W
  CHECK_THROWS_WITH(acc::parse_operand_map("I1=W,I2=W,O=O"), Catch::Contains("permutation"));
  CHECK_THROWS_WITH(acc::parse_operand_map("I3=W"), Catch::Contains("I1=X,I2=Y,O=Z"));
  o.precision_bits = 16;
  o.clock_hz = 500e6;
  acc::Accelerator b = acc::import_zigzag_file(kData + "edge_core.yaml", o);
  CHECK(b.cores[0].precision_bits == 16);
  CHECK(b.dram.bandwidth_bytes_per_s == 64 * 500e6 / 8);
  // Element ops need a vector unit, which ZigZag does not describe.
  o.op_kinds = {"all"};
  CHECK_THROWS_WITH(acc::import_zigzag_file(kData + "edge_core.yaml", o),
                    Catch::Contains("--vector-ops-per-cycle"));
  o.vector_ops_per_cycle = 16;
  o.vector_op_energy_pj = 0.5;
  acc::Accelerator c = acc::import_zigzag_file(kData + "edge_core.yaml", o);
  CHECK(c.cores[0].supports("relu"));
  CHECK(c.cores[0].vector_ops_per_cycle == 16);
}

TEST_CASE("formats are told apart by their top-level keys") {
  auto fmt = [](const std::string& path) {
    return acc::detect_accelerator_format(monet::core::load_yaml_file(path));
  };
  CHECK(fmt(kData + "edge_core.yaml") == acc::AcceleratorFormat::kZigzag);
  CHECK(fmt(kData + "stream_quad.yaml") == acc::AcceleratorFormat::kStream);
  CHECK(fmt(kData + "stream_duo_shared.yaml") == acc::AcceleratorFormat::kStream);
  CHECK(fmt(kData + "stream_quad_monet.yaml") == acc::AcceleratorFormat::kMonet);
  CHECK(acc::load_accelerator_any(kData + "stream_quad.yaml").cores.size() == 4);
}

TEST_CASE("a malformed ZigZag core names file, line, field and rule for every error") {
  const std::string text =
      "name: bad\n"                        // 1
      "memories:\n"                        // 2
      "  rf:\n"                            // 3
      "    size: 64\n"                     // 4
      "    r_bw: 8\n"                      // 5
      "    w_bw: 8\n"                      // 6
      "    w_cost: 1.5\n"                  // 7
      "    operands: [I2, I3]\n"           // 8
      "    served_dimensions: [D3]\n"      // 9
      "  sram:\n"                          // 10
      "    size: 8192\n"                   // 11
      "    r_bw: 64\n"                     // 12
      "    w_bw: zero\n"                   // 13
      "    r_cost: 5\n"                    // 14
      "    w_cost: 6\n"                    // 15
      "    operands: [I1, O]\n"            // 16
      "    served_dimensions: [D1, D2]\n"  // 17
      "operational_array:\n"               // 18
      "  unit_energy: 0.5\n"               // 19
      "  dimensions: [D1, D2]\n"           // 20
      "  sizes: [8, 8, 8]\n"               // 21
      "dataflows:\n"                       // 22
      "  D1: [\"Q, 4\"]\n";                // 23
  auto issues = import_issues(text);
  INFO(ConfigError(issues).what());
  CHECK(has_issue(issues, 4, "memories.rf", "needs r_cost"));
  CHECK(has_issue(issues, 8, "memories.rf.operands[1]", "I1, I2 and O"));
  CHECK(has_issue(issues, 9, "memories.rf.served_dimensions[0]", "operational_array.dimensions"));
  CHECK(has_issue(issues, 13, "memories.sram.w_bw", "must be an integer"));
  CHECK(has_issue(issues, 21, "operational_array.sizes", "one size per entry"));
  CHECK(has_issue(issues, 23, "dataflows.D1[0]", "not one monet-sim maps"));
  CHECK(issues.size() == 6);

  // Once the fields read, the hierarchy itself is checked: the top must be the DRAM.
  auto top = import_issues(
      "name: no_dram\n"
      "memories:\n"
      "  sram: {size: 8192, r_bw: 64, w_bw: 64, r_cost: 5, w_cost: 6, operands: [I1, O],"
      " served_dimensions: [D1]}\n"
      "operational_array: {unit_energy: 0.5, dimensions: [D1], sizes: [4]}\n");
  REQUIRE(top.size() == 1);
  CHECK(top[0].where.line == 3);
  CHECK(top[0].field == "memories");
  CHECK_THAT(top[0].rule, Catch::Contains("must hold I1, I2 and O"));

  auto imc = import_issues(
      "name: imc\nmemories: {}\n"
      "operational_array: {is_imc: true, dimensions: [D1], sizes: [4], unit_energy: 1}\n");
  CHECK(has_issue(imc, 3, "operational_array.is_imc", "kind: cim"));
}

TEST_CASE("a malformed Stream file names the broken rule") {
  auto dir = temp_path("monet_stream_bad");
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(kData + "edge_stream_core.yaml", dir / "edge.yaml",
                             std::filesystem::copy_options::overwrite_existing);
  {
    std::ofstream(dir / "acc.yaml") << "name: bad\n"
                                       "cores:\n"
                                       "  0: edge.yaml\n"
                                       "  1: missing.yaml\n"
                                       "bandwidth: 64\n"
                                       "core_connectivity: [\"0, 5\"]\n";
  }
  try {
    acc::import_stream_file((dir / "acc.yaml").string());
    FAIL("no error");
  } catch (const ConfigError& e) {
    std::string what = e.what();
    INFO(what);
    CHECK_THAT(what, Catch::Contains("acc.yaml:1") && Catch::Contains("needs exactly one of "
                                                                      "offchip_core"));
    CHECK_THAT(what, Catch::Contains("acc.yaml:4: field 'cores.1' = 'missing.yaml': core file "
                                     "not found"));
    CHECK_THAT(what, Catch::Contains("acc.yaml:6") && Catch::Contains("core id 5 is not in cores"));
  }
  std::filesystem::remove_all(dir);
}

#ifdef MONET_CLI
namespace {

struct Run {
  int code = -1;
  std::string out;
};

Run cli(const std::string& args) {
  auto out = temp_path("monet_zigzag_out");
  std::string cmd = std::string(MONET_CLI) + " " + args + " > " + out.string() + " 2>&1";
  int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  r.out = ss.str();
  std::filesystem::remove(out);
  return r;
}

// `cost --json` of the converted file and of the hand conversion, op by op.
void check_same_costs(const std::string& source, const std::string& by_hand) {
  auto converted = temp_path("monet_zigzag_converted").string() + ".yaml";
  Run conv = cli("convert " + kData + source + " -o " + converted);
  INFO(conv.out);
  REQUIRE(conv.code == 0);
  Run a = cli("cost resnet18 --accelerator " + converted + " --json");
  Run b = cli("cost resnet18 --accelerator " + kData + by_hand + " --json");
  std::filesystem::remove(converted);
  REQUIRE(a.code == 0);
  REQUIRE(b.code == 0);
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  REQUIRE(ja["ops"].size() == jb["ops"].size());
  int priced = 0;
  for (size_t i = 0; i < ja["ops"].size(); ++i) {
    const auto &x = ja["ops"][i], &y = jb["ops"][i];
    INFO(x["name"]);
    CHECK(x["feasible"] == y["feasible"]);
    if (!x["feasible"].get<bool>()) continue;
    ++priced;
    CHECK(x["core"] == y["core"]);
    CHECK(close(x["cost"]["cycles"].get<double>(), y["cost"]["cycles"].get<double>()));
    CHECK(close(x["cost"]["energy_pj"].get<double>(), y["cost"]["energy_pj"].get<double>()));
    CHECK(x["cost"]["mapping"] == y["cost"]["mapping"]);
  }
  CHECK(priced == 21);  // ResNet-18's 20 convolutions and its fully connected layer
  CHECK(close(ja["totals"]["energy"]["total_pj"].get<double>(),
              jb["totals"]["energy"]["total_pj"].get<double>()));
}

}  // namespace

TEST_CASE(
    "monet-sim convert: converted ZigZag and Stream files cost what their hand "
    "conversions cost") {
  check_same_costs("edge_core.yaml", "edge_core_monet.yaml");
  check_same_costs("stream_quad.yaml", "stream_quad_monet.yaml");
  check_same_costs("stream_duo_shared.yaml", "stream_duo_shared_monet.yaml");
}

TEST_CASE("monet-sim convert prints to stdout and reports bad input with exit code 2") {
  Run ok = cli("convert " + kData + "edge_core.yaml --clock '500 MHz' --precision 16");
  CHECK(ok.code == 0);
  CHECK_THAT(ok.out, Catch::Contains("clock: 500 MHz") && Catch::Contains("precision: 16 bit") &&
                         Catch::Contains("from the ZigZag file"));
  auto bad = temp_path("monet_zigzag_bad").string() + ".yaml";
  {
    std::ofstream(bad) << "name: x\nmemories:\n  m: {size: 8}\n"
                          "operational_array: {dimensions: [D1], sizes: [2], unit_energy: 1}\n";
  }
  Run r = cli("convert " + bad);
  std::filesystem::remove(bad);
  CHECK(r.code == 2);
  CHECK_THAT(r.out, Catch::Contains(".yaml:3: field 'memories.m.operands'") &&
                        Catch::Contains("monet_zigzag_bad"));
  Run operands = cli("convert " + kData + "edge_core.yaml --operands I1=I");
  CHECK(operands.code == 0);
  Run wrong = cli("convert " + kData + "edge_core.yaml --operands I1=O,I2=W,O=O");
  CHECK(wrong.code == 2);
}
#endif

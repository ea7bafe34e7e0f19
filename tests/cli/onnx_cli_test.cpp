// `monet-sim describe model.onnx` as a user runs it: totals, exit codes and messages.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {

std::string data(const std::string& file) {
  return shell_quote(std::string(MONET_SOURCE_DIR) + "/tests/data/" + file);
}

nlohmann::json totals(const std::string& args) {
  auto r = run_cli("describe " + args + " --json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.output).at("totals");
}

}  // namespace

TEST_CASE("cli: describe of the ONNX ResNet-18 equals the built-in one") {
  auto onnx = totals(data("resnet18.onnx") + " --batch 2");
  auto builtin = totals("resnet18 --batch 2");
  CHECK(onnx.at("parameters") == builtin.at("parameters"));
  CHECK(onnx.at("macs") == builtin.at("macs"));
  CHECK(onnx.at("macs") == 2 * 1'814'073'344LL);
  CHECK(onnx.at("compute_ops") == builtin.at("compute_ops"));
  // Without --batch the symbolic batch becomes 1, with a warning on stderr.
  auto r = run_cli("describe " + data("resnet18.onnx"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("warning: graph input 'input' has a symbolic batch"));
}

TEST_CASE("cli: bad ONNX models exit 2 with one clear message") {
  SECTION("truncated file") {
    auto r = run_cli("describe " + data("truncated.onnx"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::StartsWith("error: ") && Catch::Contains("truncated.onnx") &&
                             Catch::Contains("not a valid ONNX model"));
  }
  SECTION("unsupported ops") {
    auto r = run_cli("describe " + data("unsupported.onnx"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("unsupported ONNX op types") &&
                             Catch::Contains("NonMaxSuppression (node '/nms/NonMaxSuppression')") &&
                             Catch::Contains("Round (node '/round/Round')"));
  }
  SECTION("missing shape") {
    auto r = run_cli("describe " + data("missing_shape.onnx"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("node '/reshape/Reshape' (Reshape)") &&
                             Catch::Contains("is unknown: shape inference could not determine it"));
  }
  SECTION("--seq does not apply") {
    auto r = run_cli("describe " + data("gpt2_1layer.onnx") + " --seq 128");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("sequence length does not apply"));
  }
}

TEST_CASE("cli: --skip-unsupported warns and describes the rest") {
  auto r = run_cli("describe " + data("unsupported.onnx") + " --skip-unsupported");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("warning: node '/round/Round' (Round)") &&
                           Catch::Contains("warning: node '/nms/NonMaxSuppression'") &&
                           Catch::Contains("unsupported: 2 ops (1 loop nests)"));
}

namespace {

// `cost --json` of the PEFSL ResNet-9 export; every conv row's feasibility on the one core.
std::vector<bool> conv_feasible(const std::string& accelerator, const std::string& core, int bits) {
  auto r = run_cli("cost " + data("resnet9_strided_16fmaps.onnx") + " --accelerator " +
                   accelerator + " --core " + core + " --bits " + std::to_string(bits) + " --json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.output);
  CHECK(j.at("operand_bits") == bits);
  std::vector<bool> out;
  for (const auto& op : j.at("ops"))
    if (op.at("kind") == "conv") out.push_back(op.at("feasible").get<bool>());
  REQUIRE(out.size() == 12);
  return out;
}

}  // namespace

// Issue 11 item 1: the precision asked for never reached the ONNX importer, so the 32-bit
// tensors did not fit the 16-bit Tensil PEs (pe_weight 2 B < 4 B) nor an 8-bit ZigZag core's
// output registers (rf_o 16 B < 64 B), and every conv fell back to the CPU.
TEST_CASE("cli: cost --bits reaches ONNX models") {
  for (bool ok : conv_feasible("pynq-z1-tensil", "tensil", 16)) CHECK(ok);
  TempDir dir;
  const std::string core = dir.path() + "/edge8.yaml";
  auto c =
      run_cli("convert " +
              shell_quote(std::string(MONET_SOURCE_DIR) + "/tests/data/zigzag/edge_core.yaml") +
              " -o " + shell_quote(core));
  REQUIRE(c.exit_code == 0);
  for (bool ok : conv_feasible(shell_quote(core), "edge_core", 8)) CHECK(ok);
}

TEST_CASE("cli: an experiment's workload.element_bits reaches an ONNX model") {
  TempDir dir;
  auto run = [&](const std::string& bits_line) {
    const std::string exp =
        dir.write("r9.yaml", "name: r9\nworkload:\n  onnx: " + std::string(MONET_SOURCE_DIR) +
                                 "/tests/data/resnet9_strided_16fmaps.onnx\n" + bits_line +
                                 "mode: inference\naccelerator: pynq-z1-tensil\n");
    auto r = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/out"));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    nlohmann::json s;
    std::ifstream(dir.path() + "/out/summary.json") >> s;
    std::map<std::string, double> busy;
    for (const auto& c : s.at("cores")) busy[c.at("name")] = c.at("busy_s").get<double>();
    return busy;
  };
  // At 16 bit the 12 convs (16.0 M MACs) run on the 8x8 array; at the model's own 32 bit
  // no conv fits the array, so the CPU does all of them. (Tensil's in-order model keeps the
  // array busy through its weight loads and DRAM moves too; the CPU runs only element ops.)
  auto at16 = run("  element_bits: 16\n");
  CHECK(at16.at("tensil") > 3 * at16.at("arm"));
  auto at32 = run("");
  CHECK(at32.at("tensil") == 0);
  CHECK(at32.at("arm") > 4 * at16.at("tensil"));
}

// Issue 11 item 8: models with PyTorch/TF export patterns describe and expand to a training
// step (the LayerNorm without bias has no dβ).
TEST_CASE("cli: export-pattern ONNX models describe and train") {
  CHECK(totals(data("mobilevit_block.onnx") + " --batch 2").at("parameters") == 12'648);
  CHECK(totals(data("export_ops.onnx")).at("macs") == 240'704);
  for (const char* file : {"mobilevit_block.onnx", "export_ops.onnx", "upsample_opset9.onnx"}) {
    auto r = run_cli("describe " + data(file) + " --training");
    INFO(file << "\n" << r.output);
    CHECK(r.exit_code == 0);
  }
}

// `monet-sim describe model.onnx` as a user runs it: totals, exit codes and messages.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;

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

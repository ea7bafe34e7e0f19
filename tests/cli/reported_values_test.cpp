// What `run` reports is what it simulated (#11 items 2 and 6): the training precision and the
// batch of a workload file, byte counts written as integers.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/file_io.hpp"
#include "run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {
// 64 → 32 → 10 MLP, batch 4, 16-bit: fc1 64·32 + 32 and fc2 32·10 + 10 = 2,410 parameters.
const char* kMlp16 =
    "name: mlp16\nbatch: 4\nelement_bits: 16\ninputs:\n  - {name: x, shape: [64]}\n"
    "layers:\n  - {name: fc1, type: linear, out_features: 32}\n"
    "  - {name: relu1, type: relu}\n  - {name: fc2, type: linear, out_features: 10}\n";
constexpr int64_t kParams = 64 * 32 + 32 + 32 * 10 + 10;

nlohmann::json summary(const TempDir& dir, const std::string& out) {
  return nlohmann::json::parse(monet::core::read_file(dir.path() + "/" + out + "/summary.json"));
}
}  // namespace

TEST_CASE("a 16-bit workload file trains at 16 bit and reports its own batch") {
  TempDir dir;
  const auto workload = dir.write("mlp16.yaml", kMlp16);
  const std::string head =
      "name: t\nmode: training\nworkload: {file: " + workload + "}\naccelerator: edge-hetero\n";
  auto exp = dir.write("e.yaml", head + "training: {optimizer: adam}\n");
  auto r = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/out"));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("batch 4)"));
  CHECK_THAT(r.output,
             Catch::Contains("precision        activations 16 bit, weights 16, gradients 16, "
                             "optimizer state 16"));
  auto s = summary(dir, "out");
  CHECK(s["batch"] == 4);
  CHECK(s["training_memory"]["parameter_bytes"] == kParams * 2);
  CHECK(s["training_memory"]["gradient_bytes"] == kParams * 2);
  CHECK(s["training_memory"]["optimizer_state_bytes"] == 2 * kParams * 2);  // Adam: m, v
  CHECK(s["training"]["precision"]["weight_bits"] == 16);
  CHECK(s["training"]["precision"]["activation_bits"] == 16);

  // Explicit bits override the workload's: fp32 master weights, the rest at 16.
  auto mixed = dir.write("m.yaml", head + "training: {optimizer: adam, weight_bits: 32}\n");
  r = run_cli("run " + shell_quote(mixed) + " -o " + shell_quote(dir.path() + "/mixed"));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("activations 16 bit, weights 32, gradients 16"));
  s = summary(dir, "mixed");
  CHECK(s["training_memory"]["parameter_bytes"] == kParams * 4);
  CHECK(s["training_memory"]["gradient_bytes"] == kParams * 2);

  // The experiment's batch replaces the file's, and the label follows.
  auto batch8 = dir.write("b.yaml", "name: t\nmode: training\nworkload: {file: " + workload +
                                        ", batch: 8}\naccelerator: edge-hetero\n");
  r = run_cli("run " + shell_quote(batch8) + " --no-files");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("batch 8)"));
}

TEST_CASE("describe --training prints the sizes the workload implies") {
  TempDir dir;
  const auto workload = dir.write("mlp16.yaml", kMlp16);
  auto r = run_cli("describe " + shell_quote(workload) + " --training --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.output);
  CHECK(j["options"]["weight_bits"] == 16);
  CHECK(j["options"]["optimizer_state_bits"] == 16);
  CHECK(j["memory"]["parameter_bytes"] == kParams * 2);
  r = run_cli("describe " + shell_quote(workload) + " --training --gradient-bits 32");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("activations 16 bit, weights 16, gradients 32"));
}

// What `run` reports is what it simulated (#11 items 2 and 6): the training precision and the
// batch of a workload file, byte counts written as integers.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

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

namespace {
// Every field named *_bytes (at any depth) holds an integer.
void check_integer_bytes(const nlohmann::json& j, const std::string& where) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string key = it.key();
      if (key.size() > 6 && key.compare(key.size() - 6, 6, "_bytes") == 0 &&
          it.value().is_number()) {
        INFO(where << "." << key << " = " << it.value().dump());
        CHECK(it.value().is_number_integer());
      }
      check_integer_bytes(it.value(), where + "." + key);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) check_integer_bytes(v, where + "[]");
  }
}

// The CSV columns whose name ends in _bytes hold plain integers (no 1.79857e+08, no .99999).
void check_csv_integer_bytes(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string f; std::getline(hs, f, ',');) header.push_back(f);
  int rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string f; std::getline(ls, f, ',');) cells.push_back(f);
    if (!line.empty() && line.back() == ',') cells.emplace_back();  // getline drops it
    if (cells.size() != header.size()) continue;                    // a quoted name with a comma
    ++rows;
    for (size_t c = 0; c < header.size(); ++c)
      if (header[c].size() > 6 && header[c].compare(header[c].size() - 6, 6, "_bytes") == 0) {
        INFO(file << " " << header[c] << " = " << cells[c]);
        CHECK(cells[c].find_first_not_of("0123456789") == std::string::npos);
      }
  }
  CHECK(rows > 0);
}
}  // namespace

TEST_CASE("byte counts in summary.json, memory.csv and ops.csv are integers") {
  // Tiles cut tensors into fractions of their bytes: the sums are not whole before rounding.
  TempDir dir;
  auto exp = dir.write("e.yaml",
                       "name: t\nworkload: {model: resnet18}\ntraining: {optimizer: sgd}\n"
                       "accelerator: edge-hetero\nfusion: {stacks: blocks, tiles: 3}\n");
  auto r = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/out"));
  REQUIRE(r.exit_code == 0);
  auto s = summary(dir, "out");
  check_integer_bytes(s, "summary");
  CHECK(s["traffic"]["dram_read_bytes"].get<int64_t>() > 0);
  for (const char* csv : {"memory.csv", "ops.csv"})
    check_csv_integer_bytes(monet::core::read_file(dir.path() + "/out/" + csv), csv);
}

TEST_CASE("GPT-2 models carry their preset's name in every output; gpt2 is gpt2-small") {
  TempDir dir;
  for (const std::string model : {"gpt2", "gpt2-small", "gpt2-medium"}) {
    auto exp = dir.write(model + ".yaml", "name: t\nmode: inference\nworkload: {model: " + model +
                                              ", seq: 8}\naccelerator: edge-hetero\n");
    auto r = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/" + model));
    REQUIRE(r.exit_code == 0);
    const std::string expected = model == "gpt2" ? "gpt2-small" : model;
    CHECK_THAT(r.output, Catch::Contains("workload         " + expected + " (inference"));
    CHECK(summary(dir, model)["workload"] == expected);
  }
  auto r = run_cli("describe gpt2 --seq 8");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("gpt2-small:"));
}

TEST_CASE("run compares its plan with the layer-by-layer plan of the same experiment") {
  TempDir dir;
  const std::string head =
      "name: t\nworkload: {model: resnet18}\ntraining: {optimizer: sgd}\naccelerator: "
      "edge-hetero\n";
  auto lbl = dir.write("l.yaml", head);
  auto r = run_cli("run " + shell_quote(lbl) + " -o " + shell_quote(dir.path() + "/lbl"));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("vs layer-by-layer this is the layer-by-layer plan"));
  auto base = summary(dir, "lbl");
  CHECK(base["versus_layer_by_layer"]["same_plan"] == true);
  CHECK(base["versus_layer_by_layer"]["delta"]["latency_s"] == 0.0);

  auto fused = dir.write("f.yaml", head + "fusion: {stacks: blocks, tiles: 4}\n");
  r = run_cli("run " + shell_quote(fused) + " -o " + shell_quote(dir.path() + "/fused"));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("vs layer-by-layer latency"));
  auto s = summary(dir, "fused");
  const auto& v = s["versus_layer_by_layer"];
  CHECK(v["same_plan"] == false);
  // The layer-by-layer figures are those of the layer-by-layer run itself.
  CHECK(v["layer_by_layer"]["latency_s"].get<double>() ==
        Approx(base["latency_s"].get<double>()).epsilon(1e-12));
  CHECK(v["layer_by_layer"]["energy_pj"].get<double>() ==
        Approx(base["energy_pj"]["total"].get<double>()).epsilon(1e-12));
  const int64_t traffic = base["traffic"]["dram_read_bytes"].get<int64_t>() +
                          base["traffic"]["dram_write_bytes"].get<int64_t>();
  CHECK(std::abs(v["layer_by_layer"]["dram_traffic_bytes"].get<int64_t>() - traffic) <= 1);
  CHECK(v["delta"]["latency_s"].get<double>() ==
        Approx(s["latency_s"].get<double>() - base["latency_s"].get<double>()));
  CHECK(v["ratio"]["latency"].get<double>() ==
        Approx(s["latency_s"].get<double>() / base["latency_s"].get<double>()));
}

// `monet-sim cost`: per-op costs and layer-by-layer totals, text and JSON.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#ifdef MONET_CLI
#include "../cli/run_cli.hpp"

namespace {
// `monet-sim cost ARGS`, captured by the shared runner.
monet::test::CliResult run(const std::string& args) {
  return monet::test::run_cli("cost " + args);
}
}  // namespace

TEST_CASE("monet-sim cost prices every op and adds them up") {
  auto r = run("resnet18 --accelerator tpu-like --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.output);
  CHECK(j["schema"] == "monet.cost/1");
  CHECK(j["operand_bits"] == 8);
  // ResNet-18: 20 convs + fc, 20 BN, 17 ReLU, 8 adds, max-pool, global pool = 68 ops.
  REQUIRE(j["ops"].size() == 68);
  double energy = 0, seconds = 0;
  for (auto& op : j["ops"]) {
    REQUIRE(op["feasible"] == true);
    CHECK(op["core"] == "tpu");
    energy += op["cost"]["energy_pj"].get<double>();
    seconds += op["seconds"].get<double>();
  }
  CHECK(j["totals"]["energy"]["total_pj"].get<double>() == Approx(energy));
  CHECK(j["totals"]["seconds"].get<double>() == Approx(seconds));
  // conv1 7x7/2, 3 -> 64: K 64/32 = 2 and C 3 (of 32 rows) per step, 112 x 112 x 7 x 7.
  CHECK(j["ops"][0]["name"] == "conv1");
  CHECK(j["ops"][0]["cost"]["compute_cycles"].get<double>() == 2.0 * 112 * 112 * 49);
  CHECK(j["ops"][0]["seconds"].get<double>() >= 2.0 * 112 * 112 * 49 / 700e6);
}

TEST_CASE("monet-sim cost --training sends dW away from the CIM tiles") {
  auto r = run("resnet18 --accelerator cim-reram --training --json");
  REQUIRE(r.exit_code == 0);
  // The fall-backs are announced on stderr before the JSON: ResNet-18's 20 conv dW ops per tile.
  auto json_start = r.output.find('{');
  REQUIRE(json_start != std::string::npos);
  CHECK_THAT(r.output.substr(0, json_start),
             Catch::Contains("warning: 20 conv ops could not run on core 'tile0'"));
  auto j = nlohmann::json::parse(r.output.substr(json_start));
  int dw = 0, forward_convs = 0;
  for (auto& op : j["ops"]) {
    REQUIRE(op["feasible"] == true);
    bool nest = op["kind"] == "conv" || op["kind"] == "matmul";
    if (op["pass"] == "backward-weight" && nest) {
      ++dw;
      CHECK(op["core"] == "digital");
    }
    if (op["pass"] == "forward" && op["kind"] == "conv") ++forward_convs;
  }
  CHECK(dw == 21);  // 20 convs + fc (BN's dγ/dβ are element ops)
  CHECK(forward_convs == 20);
}

TEST_CASE("monet-sim cost text output and errors") {
  auto r = run("gpt2-small --seq 128 --accelerator jetson-orin-nano --core sm");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("objective latency, 16-bit operands"));
  CHECK_THAT(r.output, Catch::Contains("lm_head"));
  CHECK_THAT(r.output, Catch::Contains("total, layer by layer"));

  auto bad = run("resnet18 --accelerator tpu-like --core nope");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("no core 'nope'") && Catch::Contains("tpu"));

  auto missing = run("resnet18 --accelerator no-such-preset");
  CHECK(missing.exit_code == 2);
}
#endif

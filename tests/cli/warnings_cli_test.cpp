// What a run that is not what it seems must say: fall-backs and memories over capacity, on
// stderr, in the text summary and in summary.json / the cost JSON.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/file_io.hpp"
#include "run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

TEST_CASE("a 32-bit ResNet-18 on pynq-z1-tensil announces its conv fall-backs") {
  TempDir dir;
  auto exp = dir.write("e.yaml",
                       "name: t\nworkload: {model: resnet18, element_bits: 32}\n"
                       "mode: inference\naccelerator: pynq-z1-tensil\n");
  auto r = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/out"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // ResNet-18 has 20 convs (the stem, 16 in the blocks, 3 downsampling shortcuts).
  CHECK_THAT(r.output, Catch::Contains("warning: 20 conv ops could not run on core 'tensil'"));
  auto s = nlohmann::json::parse(monet::core::read_file(dir.path() + "/out/summary.json"));
  bool listed = false;
  for (const auto& f : s["fallbacks"]) listed |= f["op_kind"] == "conv" && f["ops"] == 20;
  CHECK(listed);
  CHECK(s["feasible"] == true);

  auto c = run_cli("cost resnet18 --bits 32 --accelerator pynq-z1-tensil --json");
  REQUIRE(c.exit_code == 0);
  auto json_start = c.output.find('{');
  REQUIRE(json_start != std::string::npos);
  CHECK_THAT(c.output.substr(0, json_start), Catch::Contains("20 conv ops could not run"));
  auto cj = nlohmann::json::parse(c.output.substr(json_start));
  listed = false;
  for (const auto& f : cj["fallbacks"]) listed |= f["op_kind"] == "conv" && f["ops"] == 20;
  CHECK(listed);
}

TEST_CASE("a rule naming a core that cannot run its ops exits 2 with the reason") {
  TempDir dir;
  auto exp = dir.write("e.yaml",
                       "name: t\nworkload: {model: resnet18, element_bits: 32}\n"
                       "accelerator: pynq-z1-tensil\n"
                       "allocation:\n  - {kind: conv, cores: [tensil, arm]}\n");
  auto r = run_cli("run " + shell_quote(exp) + " --no-files");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(exp + ":5") && Catch::Contains("allocation.cores") &&
                           Catch::Contains("tensil: memory 'pe_weight'"));
}

TEST_CASE("GPT-2 training over pynq-z1-tensil's DRAM is reported infeasible") {
  TempDir dir;
  auto exp = dir.write("e.yaml",
                       "name: t\nworkload: {model: gpt2-small, seq: 64}\nmode: training\n"
                       "training: {optimizer: adam}\naccelerator: pynq-z1-tensil\n");
  auto r = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/out"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // 124 M parameters with Adam (weights, gradients, two moments): well over 512 MiB.
  CHECK_THAT(r.output, Catch::Contains("warning: memory 'dram' over capacity") &&
                           Catch::Contains("of 512.00 MiB"));
  CHECK_THAT(r.output, Catch::Contains("WARNING          memory 'dram' over capacity"));
  auto s = nlohmann::json::parse(monet::core::read_file(dir.path() + "/out/summary.json"));
  CHECK(s["feasible"] == false);
  REQUIRE(s["memory"]["over_capacity"].size() == 1);
  const auto& o = s["memory"]["over_capacity"][0];
  CHECK(o["name"] == "dram");
  CHECK(o["capacity_bytes"].get<double>() == 512.0 * 1024 * 1024);
  CHECK(o["peak_bytes"].get<double>() > 4.0 * 124e6 * 4 * 0.99);
  CHECK(o["excess_bytes"].get<double>() ==
        Approx(o["peak_bytes"].get<double>() - o["capacity_bytes"].get<double>()));
}

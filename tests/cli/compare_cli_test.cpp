// `monet-sim compare`: several accelerators or experiments as one table and a comparison
// folder that `monet-sim report` reads; every entry equals the run `monet-sim run` makes.
#include <catch2/catch.hpp>

#include <cmath>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file_io.hpp"
#include "run_cli.hpp"
#include "support/mode_chip.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;
namespace fs = std::filesystem;

namespace {
const std::string kExperiment =
    "name: c\nworkload: {model: resnet18}\naccelerator: edge-hetero\n"
    "fusion: {stacks: blocks, tiles: 2}\n";

nlohmann::json json_of(const std::string& path) {
  return nlohmann::json::parse(monet::core::read_file(path));
}
}  // namespace

TEST_CASE("compare runs an experiment on several accelerators, as run does each") {
  TempDir dir;
  const auto exp = dir.write("c.yaml", kExperiment);
  const std::string out = dir.path() + "/cmp";
  auto r = run_cli("compare " + shell_quote(exp) +
                   " --accelerator edge-hetero --accelerator jetson-orin-nano"
                   " --set workload.batch=2 -o " +
                   shell_quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto doc = json_of(out + "/compare.json");
  CHECK(doc["schema"] == "monet.compare/1");
  REQUIRE(doc["entries"].size() == 2);
  CHECK(doc["entries"][0]["name"] == "edge-hetero");
  CHECK(doc["entries"][1]["name"] == "jetson-orin-nano");
  std::vector<std::string> metric_names;
  for (const auto& m : doc["metrics"]) metric_names.push_back(m["name"]);
  CHECK(metric_names[0] == "latency_s");
  CHECK(doc["metrics"][0]["better"] == "lower");
  CHECK(doc["description"] == "set on every entry: --set workload.batch=2");
  for (const auto& acc : {"edge-hetero", "jetson-orin-nano"}) {
    // The same experiment through `run`: the comparison must hold exactly its figures.
    const std::string single = dir.path() + "/run-" + acc;
    REQUIRE(run_cli("run " + shell_quote(exp) + " --accelerator " + acc +
                    " --set workload.batch=2 -o " + shell_quote(single))
                .exit_code == 0);
    const auto s = json_of(single + "/summary.json");
    const auto& entry = doc["entries"][std::string(acc) == "edge-hetero" ? 0 : 1];
    CHECK(entry["accelerator"] == s["accelerator"]);
    CHECK(entry["values"]["latency_s"].get<double>() == s["latency_s"].get<double>());
    CHECK(entry["values"]["energy_pj"].get<double>() == s["energy_pj"]["total"].get<double>());
    // Whole bytes each: the rounded sum is within 1 B of the sum of the rounded parts.
    CHECK(std::abs(entry["values"]["dram_traffic_bytes"].get<double>() -
                   (s["traffic"]["dram_read_bytes"].get<double>() +
                    s["traffic"]["dram_write_bytes"].get<double>())) <= 1);
    // The entry's run folder is a complete run folder with the same summary.
    const auto kept = json_of(out + "/" + entry["run"].get<std::string>() + "/summary.json");
    CHECK(kept["latency_s"] == s["latency_s"]);
    CHECK(kept["overrides"] == s["overrides"]);
  }
  // The text table names both entries and marks a best latency.
  CHECK_THAT(r.output, Catch::Contains("edge-hetero") && Catch::Contains("jetson-orin-nano") &&
                           Catch::Contains(" *"));
  // monet-sim report draws the folder and links each entry's run.
  auto rep = run_cli("report " + shell_quote(out));
  INFO(rep.output);
  REQUIRE(rep.exit_code == 0);
  const std::string html = monet::core::read_file(out + "/report.html");
  CHECK_THAT(html, Catch::Contains("runs/jetson-orin-nano/summary.json"));
}

TEST_CASE("compare puts several experiment files side by side") {
  TempDir dir;
  const auto a = dir.write("a.yaml", kExperiment);
  const auto b = dir.write("b.yaml",
                           "name: d\nworkload: {model: resnet18}\n"
                           "accelerator: edge-hetero\nfusion: layer-by-layer\n");
  auto r = run_cli("compare " + shell_quote(a) + " " + shell_quote(b) + " --no-files");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("2 entries") && Catch::Contains("\n  c ") &&
                           Catch::Contains("\n  d "));
}

TEST_CASE("compare refuses what it cannot compare with exit 2") {
  TempDir dir;
  const auto exp = dir.write("c.yaml", kExperiment);
  SECTION("a single entry") {
    auto r = run_cli("compare " + shell_quote(exp) + " --no-files");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("at least two entries"));
  }
  SECTION("an unknown accelerator, named with the option") {
    auto r = run_cli("compare " + shell_quote(exp) +
                     " --accelerator edge-hetero --accelerator tpu9 --no-files");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("--accelerator tpu9"));
  }
  SECTION("the same accelerator twice") {
    auto r = run_cli("compare " + shell_quote(exp) +
                     " --accelerator edge-hetero --accelerator edge-hetero --no-files");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("both named 'edge-hetero'"));
  }
  SECTION("a generation beside a single-graph experiment, before simulating either") {
    const auto gen =
        dir.write("g.yaml",
                  "workload: {model: llama-2-7b, element_bits: 16, batch: 1}\nmode: generate\n"
                  "generate: {prompt_tokens: 8, output_tokens: 4}\n"
                  "accelerator: jetson-orin-nano\nfusion: layer-by-layer\n");
    auto r = run_cli("compare " + shell_quote(exp) + " " + shell_quote(gen) + " --no-files");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(gen + " is a generation (mode: generate) but " + exp +
                                         " is a single-graph run") &&
                             Catch::Contains("one kind at a time"));
    CHECK_THAT(r.output, !Catch::Contains("monet-sim compare:"));
  }
  SECTION("a few-shot episode beside a single-graph experiment") {
    const auto fs =
        dir.write("f.yaml",
                  "workload: {model: resnet12}\nmode: few-shot\n"
                  "few_shot: {ways: 5, shots: 1, queries: 15}\naccelerator: jetson-orin-nano\n");
    auto r = run_cli("compare " + shell_quote(exp) + " " + shell_quote(fs) + " --no-files");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(fs + " is a few-shot episode (mode: few-shot) but " + exp +
                                         " is a single-graph run") &&
                             Catch::Contains("one kind at a time"));
  }
  SECTION("a missing experiment file") {
    auto r = run_cli("compare " + shell_quote(exp) + " " + shell_quote(dir.path() + "/no.yaml") +
                     " --no-files");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("no.yaml"));
  }
}

// Generations side by side: each entry holds the figures `run` reports for it, and tokens per
// joule is the generated tokens over the supply energy of the whole generation.
TEST_CASE("compare puts generations side by side") {
  TempDir dir;
  const auto gen = dir.write("g.yaml",
                             "workload: {model: qwen2.5-0.5b, element_bits: 16}\nmode: generate\n"
                             "generate: {prompt_tokens: 16, output_tokens: 5}\n"
                             "accelerator: jetson-orin-nano\n");
  const std::string out = dir.path() + "/cmp";
  auto r = run_cli("compare " + shell_quote(gen) +
                   " --accelerators jetson-orin-nano,jetson-orin-nano-maxn -o " + shell_quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("2 generations") && Catch::Contains("tokens/J"));
  const auto doc = json_of(out + "/compare.json");
  CHECK(doc["kind"] == "generation");
  CHECK(doc["metrics"][0]["name"] == "ttft_s");
  REQUIRE(doc["entries"].size() == 2);
  for (const auto& entry : doc["entries"]) {
    const std::string acc = entry["accelerator"];
    const std::string single = dir.path() + "/run-" + acc;
    REQUIRE(
        run_cli("run " + shell_quote(gen) + " --accelerator " + acc + " -o " + shell_quote(single))
            .exit_code == 0);
    const auto s = json_of(single + "/summary.json");
    const auto& v = entry["values"];
    CHECK(v["ttft_s"].get<double>() == s["generation"]["ttft_s"].get<double>());
    CHECK(v["tpot_s"].get<double>() == s["generation"]["tpot_s"].get<double>());
    CHECK(v["energy_per_token_j"].get<double>() ==
          s["generation"]["energy_per_token_j"].get<double>());
    CHECK(v["average_power_w"].get<double>() == s["power"]["average_w"].get<double>());
    CHECK(v["tokens_per_j"].get<double>() ==
          Approx(5.0 / s["power"]["supply_energy_j"].get<double>()));
    // The entry's folder is the run folder of the generation.
    const std::string kept = out + "/" + entry["run"].get<std::string>();
    CHECK(json_of(kept + "/summary.json")["schema"] == "monet.generate/1");
    CHECK(fs::exists(kept + "/prefill/summary.json"));
    CHECK(fs::exists(kept + "/decode/summary.json"));
  }
  auto rep = run_cli("report " + shell_quote(out));
  INFO(rep.output);
  CHECK(rep.exit_code == 0);
}

// Few-shot episodes side by side: each entry holds the figures `run` reports for the episode,
// and GOPS/W counts every part's MACs times its repeats (2 ops per MAC) over the supply energy.
TEST_CASE("compare puts few-shot episodes side by side") {
  TempDir dir;
  const auto fs =
      dir.write("f.yaml",
                "workload: {model: mobilevit-xxs, element_bits: 16}\nmode: few-shot\n"
                "few_shot: {ways: 5, shots: 1, queries: 2, finetune: {steps: 3, trains: head}}\n"
                "training: {optimizer: adam}\naccelerator: jetson-orin-nano\n");
  const std::string out = dir.path() + "/cmp";
  auto r = run_cli("compare " + shell_quote(fs) +
                   " --accelerators jetson-orin-nano,zcu104-tensil -o " + shell_quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("2 episodes") && Catch::Contains("episodes/J"));
  const auto doc = json_of(out + "/compare.json");
  CHECK(doc["kind"] == "episode");
  REQUIRE(doc["entries"].size() == 2);
  for (const auto& entry : doc["entries"]) {
    const std::string acc = entry["accelerator"];
    const std::string single = dir.path() + "/run-" + acc;
    REQUIRE(
        run_cli("run " + shell_quote(fs) + " --accelerator " + acc + " -o " + shell_quote(single))
            .exit_code == 0);
    const auto s = json_of(single + "/summary.json");
    const auto& v = entry["values"];
    CHECK(v["latency_s"].get<double>() == s["latency_s"].get<double>());
    CHECK(v["energy_pj"].get<double>() == s["energy_pj"].get<double>());
    CHECK(v["average_power_w"].get<double>() == s["power"]["average_w"].get<double>());
    const double supply = s["power"]["supply_energy_j"].get<double>();
    CHECK(v["episodes_per_j"].get<double>() == Approx(1 / supply));
    double macs = 0;
    for (const auto& part : s["parts"])
      macs += part["macs"].get<double>() * part["repeat"].get<double>();
    CHECK(v["macs"].get<double>() == macs);
    CHECK(v["gops_per_w"].get<double>() == Approx(2 * macs / supply / 1e9));
    // The entry's folder is the episode's folder: its summary and one folder per part.
    const std::string kept = out + "/" + entry["run"].get<std::string>();
    CHECK(json_of(kept + "/summary.json")["schema"] == "monet.episode/1");
    for (const auto& part : s["parts"])
      CHECK(fs::exists(kept + "/" + part["name"].get<std::string>() + "/summary.json"));
  }
  auto rep = run_cli("report " + shell_quote(out));
  INFO(rep.output);
  CHECK(rep.exit_code == 0);
}

// A single-graph entry over its mode's budget is warned, as `run` warns: test::kModeChip's mode
// `low` draws 1.5 W of static power in its one core and 0.5 W of DRAM background, over its 1 W.
TEST_CASE("compare warns of a run over its power mode's budget") {
  TempDir dir;
  const auto chip = dir.write("chip.yaml", monet::test::kModeChip);
  const auto exp = dir.write("e.yaml", "workload: {model: resnet18}\naccelerator: " + chip + "\n");
  auto r = run_cli("compare " + shell_quote(exp) + " --accelerators " + shell_quote(chip) +
                   "@low," + shell_quote(chip) + " --no-files");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("warning: " + chip + "@low: average power") &&
                           Catch::Contains("exceeds the power budget of 1 W"));
  CHECK_THAT(r.output, !Catch::Contains("budget of 1000 W"));
}

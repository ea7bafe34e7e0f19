// `monet-sim run` and `monet-sim search` as a user drives them: outputs and bad files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file_io.hpp"
#include "run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {
const std::string kRunHead =
    "name: t\nworkload: {model: resnet18}\ntraining: {optimizer: sgd}\naccelerator: edge-hetero\n";
}

TEST_CASE("run writes the four documented files atomically") {
  TempDir dir;
  auto exp = dir.write("e.yaml", kRunHead + "fusion: {stacks: blocks, tiles: 4}\n");
  auto r = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/out"));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("latency") && Catch::Contains("energy"));
  for (auto f : {"summary.json", "schedule.trace.json", "memory.csv", "power.csv", "ops.csv"})
    CHECK(std::filesystem::exists(dir.path() + "/out/" + f));
  auto s = nlohmann::json::parse(monet::core::read_file(dir.path() + "/out/summary.json"));
  CHECK(s["schema"] == "monet.summary/1");
  const auto& e = s["energy_pj"];
  CHECK(e["total"].get<double>() ==
        Approx(e["compute"].get<double>() + e["onchip_memory"].get<double>() +
               e["link"].get<double>() + e["dram"].get<double>()));
  auto trace =
      nlohmann::json::parse(monet::core::read_file(dir.path() + "/out/schedule.trace.json"));
  CHECK(trace["traceEvents"].size() > 100);
  // No temporary files are left behind.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() + "/out"))
    CHECK(entry.path().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("bad experiment files exit 2 naming file, line, field and rule") {
  TempDir dir;
  struct Case {
    std::string body, expect_line, expect_field, expect_rule;
  };
  const Case cases[] = {
      {kRunHead + "allocation:\n  - {kind: conv, cores: [tpu9]}\n", ":6", "allocation.cores",
       "unknown core"},
      {kRunHead + "allocation:\n  - {kind: batchnorm, cores: [cim]}\n", ":6", "allocation.cores",
       "cannot run it"},
      {kRunHead + "fusion: {stacks: blocks, tiles: 500}\n", ":5", "fusion.tiles",
       "larger than the longest split axis"},
      {"name: t\naccelerator: edge-hetero\n", "", "workload", "required field is missing"},
      {kRunHead + "fusion: {stacks: diagonal}\n", ":5", "fusion.stacks", "must be one of"},
      {"name: t\nworkload: {model: resnet99}\naccelerator: edge-hetero\n", ":2", "workload.model",
       "unknown built-in model"},
      {kRunHead + "search: {population: 2, generations: 1}\n", ":5", "search.population",
       "at least 4"},
  };
  int i = 0;
  for (const auto& c : cases) {
    auto path = dir.write("bad" + std::to_string(i++) + ".yaml", c.body);
    std::string cmd = c.expect_field.rfind("search", 0) == 0 ? "search " : "run ";
    auto r = run_cli(cmd + shell_quote(path) + " --no-files");
    if (cmd == "search ") r = run_cli(cmd + shell_quote(path) + " -o " + shell_quote(dir.path()));
    INFO(c.body << "\n--> " << r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(path + c.expect_line) && Catch::Contains(c.expect_field) &&
                             Catch::Contains(c.expect_rule));
  }
}

TEST_CASE("search writes a front whose members replay") {
  TempDir dir;
  auto exp = dir.write("s.yaml", kRunHead +
                                     "search: {genes: [fusion], objectives: [latency, energy],"
                                     " population: 6, generations: 1, seed: 2}\n");
  auto r = run_cli("search " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/s"));
  REQUIRE(r.exit_code == 0);
  auto pareto = nlohmann::json::parse(monet::core::read_file(dir.path() + "/s/pareto.json"));
  REQUIRE(pareto["members"].size() >= 1);
  const auto& m = pareto["members"][0];
  auto replay =
      run_cli("run " + shell_quote(dir.path() + "/s/" + m["experiment"].get<std::string>()) +
              " -o " + shell_quote(dir.path() + "/replay"));
  REQUIRE(replay.exit_code == 0);
  auto s = nlohmann::json::parse(monet::core::read_file(dir.path() + "/replay/summary.json"));
  CHECK(s["latency_s"].get<double>() == Approx(m["objectives"]["latency_s"].get<double>()));
  CHECK(s["energy_pj"]["total"].get<double>() ==
        Approx(m["objectives"]["energy_pj"].get<double>()));
  for (auto f : {"pareto.csv", "history.csv", "search.json"})
    CHECK(std::filesystem::exists(dir.path() + "/s/" + f));
  // The documented columns (configs/experiments/README.md).
  const std::string history = monet::core::read_file(dir.path() + "/s/history.csv");
  CHECK(history.substr(0, history.find('\n')) == "generation,evaluations,hypervolume,front_size");
}

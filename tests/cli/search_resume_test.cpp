// A search's outputs and checkpoint: --resume refuses a changed experiment, throughput counts
// only the session's evaluations, a rerun replaces the whole folder, and the thread count
// changes nothing in the results.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file_io.hpp"
#include "run_cli.hpp"

namespace fs = std::filesystem;
using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;

namespace {
std::string experiment(const std::string& optimizer, int population, int generations) {
  return "name: s\nworkload: {model: resnet12, batch: 2}\ntraining: {optimizer: " + optimizer +
         "}\naccelerator: edge-hetero\nsearch:\n  genes: [allocation, fusion]\n  population: " +
         std::to_string(population) + "\n  generations: " + std::to_string(generations) +
         "\n  seed: 5\n";
}
nlohmann::json json_file(const std::string& path) {
  return nlohmann::json::parse(monet::core::read_file(path));
}
size_t files_in(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file();
  return n;
}
}  // namespace

TEST_CASE("search --resume refuses an experiment that changed outside its stop limits") {
  TempDir dir;
  const std::string out = dir.path() + "/out";
  const std::string e = dir.write("s.yaml", experiment("momentum", 8, 2));
  REQUIRE(run_cli("search " + shell_quote(e) + " -o " + shell_quote(out)).exit_code == 0);
  REQUIRE(fs::exists(out + "/search.checkpoint.json"));

  // More generations: the same search, continued.
  dir.write("s.yaml", experiment("momentum", 8, 4));
  auto r = run_cli("search " + shell_quote(e) + " -o " + shell_quote(out) + " --resume");
  REQUIRE(r.exit_code == 0);
  auto info = json_file(out + "/search.json");
  // 8 initial + 8 per generation: 24 before, 40 after; this session did 16.
  CHECK(info["evaluations"] == 40);
  CHECK(info["session_evaluations"] == 16);
  CHECK(info["evaluations_per_second"].get<double>() ==
        Approx(16.0 / info["seconds"].get<double>()));
  CHECK_THAT(r.output, Catch::Contains("40 (16 in this session)"));

  // A different optimizer changes every evaluation: the checkpoint no longer applies.
  dir.write("s.yaml", experiment("sgd", 8, 6));
  r = run_cli("search " + shell_quote(e) + " -o " + shell_quote(out) + " --resume");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("experiment section 'training' changed"));
  // So does a different workload file content behind an unchanged name.
  const std::string w = dir.write("w.yaml",
                                  "name: w\nbatch: 2\ninputs: [{name: x, shape: [16]}]\n"
                                  "layers:\n  - {name: fc, type: linear, out_features: 4}\n");
  const std::string ew =
      dir.write("w-exp.yaml",
                "name: w\nworkload: {file: w.yaml}\ntraining: {optimizer: sgd}\n"
                "accelerator: edge-hetero\nsearch: {genes: [allocation], population: 4, "
                "generations: 1}\n");
  REQUIRE(
      run_cli("search " + shell_quote(ew) + " -o " + shell_quote(dir.path() + "/w")).exit_code ==
      0);
  dir.write("w.yaml",
            "name: w\nbatch: 2\ninputs: [{name: x, shape: [16]}]\n"
            "layers:\n  - {name: fc, type: linear, out_features: 8}\n");
  r = run_cli("search " + shell_quote(ew) + " -o " + shell_quote(dir.path() + "/w") + " --resume");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("workload file (content) changed"));
}

TEST_CASE("a search rerun into its folder replaces the whole previous output") {
  TempDir dir;
  const std::string out = dir.path() + "/out";
  const std::string e = dir.write("s.yaml", experiment("sgd", 16, 3));
  REQUIRE(run_cli("search " + shell_quote(e) + " -o " + shell_quote(out)).exit_code == 0);
  dir.write("s.yaml", experiment("sgd", 4, 1));
  REQUIRE(run_cli("search " + shell_quote(e) + " -o " + shell_quote(out)).exit_code == 0);
  const auto pareto = json_file(out + "/pareto.json");
  // One replayable experiment per member of this front, and nothing left of the larger one.
  CHECK(files_in(out + "/front") == pareto["members"].size());
}

TEST_CASE("1, 2 and 8 evaluation threads give bit-identical pareto.json and summary.json") {
  TempDir dir;
  const std::string e = dir.write("s.yaml", experiment("momentum", 12, 3));
  std::string pareto, summary;
  for (int threads : {1, 2, 8}) {
    const std::string out = dir.path() + "/t" + std::to_string(threads);
    REQUIRE(run_cli("search " + shell_quote(e) + " -o " + shell_quote(out) + " --threads " +
                    std::to_string(threads))
                .exit_code == 0);
    // The front's first member, replayed: its summary.json.
    REQUIRE(run_cli("run " + shell_quote(out + "/front/000.yaml") + " -o " +
                    shell_quote(out + "/replay"))
                .exit_code == 0);
    const std::string p = monet::core::read_file(out + "/pareto.json");
    const std::string s = monet::core::read_file(out + "/replay/summary.json");
    if (threads == 1) {
      pareto = p, summary = s;
    } else {
      CHECK(p == pareto);
      CHECK(s == summary);
    }
  }
}

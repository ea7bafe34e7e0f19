// Command-line overrides, discovery and the search options as a user drives them: values set
// with --set are checked like the file's, `list` and `validate` know every config kind, a
// search stops cleanly on SIGINT.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/file_io.hpp"
#include "run_cli.hpp"

using monet::test::run_cli;
using monet::test::shell_quote;
using monet::test::TempDir;
namespace fs = std::filesystem;

namespace {
const std::string kOptionsHead =
    "name: t\nworkload: {model: resnet18}\ntraining: {optimizer: sgd}\naccelerator: edge-hetero\n";

nlohmann::json summary_of(const std::string& dir) {
  return nlohmann::json::parse(monet::core::read_file(dir + "/summary.json"));
}
}  // namespace

TEST_CASE("run --set and --accelerator change the experiment before it is read") {
  TempDir dir;
  auto exp = dir.write("e.yaml", kOptionsHead + "fusion: {stacks: blocks, tiles: 2}\n");
  auto base = run_cli("run " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/a"));
  REQUIRE(base.exit_code == 0);
  auto r = run_cli("run " + shell_quote(exp) + " --set fusion.tiles=4 --set workload.batch=2 " +
                   "--accelerator jetson-orin-nano -o " + shell_quote(dir.path() + "/b"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output,
             Catch::Contains("fusion.tiles=4, workload.batch=2, accelerator=jetson-orin-nano"));
  auto a = summary_of(dir.path() + "/a"), b = summary_of(dir.path() + "/b");
  CHECK(b["plan"]["tiles"] == 4);
  CHECK(b["accelerator"] == "jetson-orin-nano");
  // Every MAC of a ResNet training step scales with the batch.
  CHECK(b["counts"]["macs"].get<double>() == 2 * a["counts"]["macs"].get<double>());
  CHECK(b["overrides"] ==
        nlohmann::json({"fusion.tiles=4", "workload.batch=2", "accelerator=jetson-orin-nano"}));
  CHECK_FALSE(a.contains("overrides"));
}

TEST_CASE("a bad --set is refused like a bad file, naming the option") {
  TempDir dir;
  auto exp = dir.write("e.yaml", kOptionsHead + "fusion: {stacks: blocks, tiles: 2}\n");
  struct Case {
    std::string option, expect;
  };
  const Case cases[] = {
      {"--set fusion.tiles=500", "larger than the longest split axis"},
      {"--set fusion.tilez=4", "unknown field"},
      {"--set workload.batch=0", "must be at least 1"},
      {"--set training.optimizer=rmsprop", "training.optimizer"},
      {"--set fusion.tiles", "expected FIELD=VALUE"},
      {"--set 'fusion..tiles=4'", "not a field path"},
      {"--set allocation[0].cores=x", "no list"},
      {"--accelerator nonesuch", "neither an accelerator file nor a preset"},
  };
  for (const auto& c : cases) {
    auto r = run_cli("run " + shell_quote(exp) + " --no-files " + c.option);
    INFO(c.option << " --> " << r.output);
    CHECK(r.exit_code == 2);
    std::string shown = c.option;
    shown.erase(std::remove(shown.begin(), shown.end(), '\''), shown.end());
    CHECK_THAT(r.output, Catch::Contains(shown) && Catch::Contains(c.expect));
  }
}

TEST_CASE("run --ops lists the longest ops with what bounds them") {
  TempDir dir;
  auto exp = dir.write("e.yaml", kOptionsHead);
  auto r = run_cli("run " + shell_quote(exp) + " --no-files --ops 3");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("3 ops with the longest busy time") &&
                           Catch::Contains("bound by") && Catch::Contains("energy by phase"));
}

TEST_CASE("list names workloads, accelerator presets and experiments") {
  auto all = run_cli("list");
  REQUIRE(all.exit_code == 0);
  for (auto name : {"resnet18", "gpt2-small", "configs/workloads/mlp.yaml", "edge-hetero",
                    "jetson-orin-nano", "configs/experiments/search/resnet18-codesign.yaml"})
    CHECK_THAT(all.output, Catch::Contains(name));
  auto acc = run_cli("list accelerators");
  REQUIRE(acc.exit_code == 0);
  CHECK_THAT(acc.output, Catch::Contains("tpu-like") && !Catch::Contains("gpt2-small"));
  CHECK_THAT(run_cli("list experiments").output,
             Catch::Contains("[search]") && Catch::Contains("[run]"));
  CHECK(run_cli("list everything").exit_code == 2);
}

TEST_CASE("validate checks experiment and workload files too") {
  const std::string src = MONET_SOURCE_DIR;
  auto e = run_cli("validate " +
                   shell_quote(src + "/configs/experiments/search/resnet18-codesign.yaml"));
  INFO(e.output);
  CHECK(e.exit_code == 0);
  CHECK_THAT(e.output, Catch::Contains("experiment 'resnet18-codesign' is valid") &&
                           Catch::Contains("search") && Catch::Contains("CNs"));
  auto w = run_cli("validate " + shell_quote(src + "/configs/workloads/mlp.yaml"));
  CHECK(w.exit_code == 0);
  // The file's header comment: 535,818 parameters, 535,040 MACs per sample.
  CHECK_THAT(w.output, Catch::Contains("535,818 parameters") && Catch::Contains("535,040 MACs"));
  TempDir dir;
  auto bad = dir.write("bad.yaml", kOptionsHead + "allocation:\n  - {kind: conv, cores: [tpu9]}\n");
  auto b = run_cli("validate " + shell_quote(bad));
  CHECK(b.exit_code == 2);
  CHECK_THAT(b.output, Catch::Contains(bad + ":6") && Catch::Contains("unknown core"));
  auto other = dir.write("other.yaml", "hello: 1\n");
  auto o = run_cli("validate " + shell_quote(other));
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Catch::Contains("experiments `workload` and `accelerator`"));
}

TEST_CASE("search options: budget, population, seed and front files") {
  TempDir dir;
  auto exp = dir.write("s.yaml", kOptionsHead +
                                     "search: {genes: [fusion], objectives: [latency, energy],"
                                     " population: 64, evaluations: 100000, seed: 1}\n");
  auto r = run_cli("search " + shell_quote(exp) + " --generations 2 --population 6 --seed 5 " +
                   "--front-files 2 -o " + shell_quote(dir.path() + "/s"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto pareto = nlohmann::json::parse(monet::core::read_file(dir.path() + "/s/pareto.json"));
  CHECK(pareto["generations"] == 2);  // the file's 100000 evaluations are replaced
  CHECK(pareto["population"] == 6);
  CHECK(pareto["seed"] == 5);
  CHECK(pareto["overrides"] ==
        nlohmann::json({"search.generations=2", "search.population=6", "search.seed=5"}));
  const size_t members = pareto["members"].size();
  const size_t files = std::min<size_t>(2, members);
  CHECK(pareto["front_files"] == files);
  size_t yaml = 0, with_file = 0;
  for (const auto& f : fs::directory_iterator(dir.path() + "/s/front"))
    yaml += f.path().extension() == ".yaml";
  for (const auto& m : pareto["members"]) with_file += !m["experiment"].get<std::string>().empty();
  CHECK(yaml == files);
  CHECK(with_file == files);
  // Every member is in pareto.csv: header + one line each.
  const std::string csv = monet::core::read_file(dir.path() + "/s/pareto.csv");
  CHECK(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) == members + 1);
  // The output names the objectives with units and says exactly what was written.
  CHECK_THAT(r.output, Catch::Contains("latency") && Catch::Contains(" ms") &&
                           Catch::Contains("mJ") &&
                           Catch::Contains("front/ (" + std::to_string(files)));
  CHECK(
      run_cli("search " + shell_quote(exp) + " --population 2 -o " + shell_quote(dir.path() + "/t"))
          .output.find("--population 2") != std::string::npos);
  CHECK_THAT(run_cli("search --help").output,
             Catch::Contains("run-length coded") && Catch::Contains("checkpoint K|KD|-P"));
}

TEST_CASE("a checkpoint-chain search writes no front files and says so") {
  TempDir dir;
  auto exp = dir.write("c.yaml",
                       "workload: resnet18\ntraining: {optimizer: sgd}\n"
                       "accelerator: edge-hetero\n"
                       "search: {problem: checkpoint-chain, population: 8, generations: 1}\n");
  auto r = run_cli("search " + shell_quote(exp) + " -o " + shell_quote(dir.path() + "/c"));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output,
             Catch::Contains(
                 "{pareto.json, pareto.csv, history.csv, search.json, search.checkpoint.json}"));
  CHECK_FALSE(fs::exists(dir.path() + "/c/front"));
}

TEST_CASE("SIGINT stops a search after the current generation, saves it and says how to resume") {
  TempDir dir;
  auto exp = dir.write("s.yaml", kOptionsHead +
                                     "search: {genes: [fusion], objectives: [latency, energy],"
                                     " population: 6, generations: 100000, seed: 1}\n");
  const std::string out = dir.path() + "/s";
  // Interrupt once the first generation's checkpoint exists (the handler is in place by then).
  const std::string script = shell_quote(MONET_CLI) + " search " + shell_quote(exp) + " -o " +
                             shell_quote(out) + " > " + shell_quote(dir.path() + "/log") +
                             " 2>&1 & pid=$!; for i in $(seq 600); do [ -f " +
                             shell_quote(out + "/search.checkpoint.json") +
                             " ] && break; sleep 0.1; done; kill -INT $pid; wait $pid; echo $?";
  FILE* pipe = popen(("sh -c " + shell_quote(script)).c_str(), "r");
  REQUIRE(pipe);
  char buf[64] = {};
  REQUIRE(fgets(buf, sizeof buf, pipe));
  pclose(pipe);
  CHECK(std::string(buf) == "130\n");
  const std::string log = monet::core::read_file(dir.path() + "/log");
  INFO(log);
  CHECK_THAT(log, Catch::Contains("interrupted by SIGINT") && Catch::Contains("Resume with:") &&
                      Catch::Contains("--resume"));
  auto pareto = nlohmann::json::parse(monet::core::read_file(out + "/pareto.json"));
  CHECK(pareto["members"].size() > 0);
  CHECK(pareto["generations"].get<int>() < 100000);
  auto info = nlohmann::json::parse(monet::core::read_file(out + "/search.json"));
  CHECK(info["stop_reason"] == "interrupted by SIGINT");
  // The resume continues from the checkpoint.
  auto resumed =
      run_cli("search " + shell_quote(exp) + " -o " + shell_quote(out) + " --generations " +
              std::to_string(pareto["generations"].get<int>() + 1) + " --resume");
  CHECK(resumed.exit_code == 0);
  auto after = nlohmann::json::parse(monet::core::read_file(out + "/pareto.json"));
  CHECK(after["generations"] == pareto["generations"].get<int>() + 1);
}

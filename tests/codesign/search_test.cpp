// The searches: GA vs the exact checkpointing front, determinism, resume, replay.
#include <catch2/catch.hpp>

#include <filesystem>

#include "codesign/search.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "fusion/experiment.hpp"
#include "fusion/experiment_writer.hpp"
#include "support/experiment_text.hpp"

using namespace monet;
using test::experiment;

namespace {
double ga_share_of_exact(const std::string& workload, const std::string& granularity) {
  auto e = experiment("workload: " + workload +
                      "\ntraining: {optimizer: adam, activation_bits: 16}\n"
                      "accelerator: edge-hetero\n"
                      "search: {problem: checkpoint-chain, granularity: " +
                      granularity + ", population: 64, evaluations: 20000, seed: 7, threads: 2}\n");
  auto spec = codesign::parse_search(e);
  auto out = codesign::run_search(e, spec, "", false);
  REQUIRE(out.exact_hypervolume);
  REQUIRE(*out.exact_hypervolume > 0);
  CHECK(out.result.evaluations <= 20000 + 64);
  return out.hypervolume / *out.exact_hypervolume;
}
}  // namespace

TEST_CASE("the GA front reaches 99% of the exact checkpointing front's hypervolume") {
  // The exact front comes from the DP (training/checkpoint_dp), which tests/training checks
  // against brute force; both are scored on the same reference point.
  CHECK(ga_share_of_exact("{model: resnet18}", "block") >= 0.99);
  CHECK(ga_share_of_exact("{model: resnet18}", "activation") >= 0.99);
  CHECK(ga_share_of_exact("{model: gpt2-small, seq: 128}", "block") >= 0.99);
}

namespace {
const char* kCodesign = R"(
name: tiny-codesign
workload: {model: resnet18}
training: {optimizer: momentum, activation_bits: 16, weight_bits: 16, gradient_bits: 16,
           optimizer_state_bits: 16}
accelerator: edge-hetero
search:
  genes: [allocation, fusion, checkpoint]
  objectives: [latency, energy, footprint]
  population: 8
  generations: 3
  seed: 3
  threads: 2
)";
}  // namespace

TEST_CASE("same seed and threads give the same front, and stop + resume equals one run") {
  auto e = experiment(kCodesign);
  auto spec = codesign::parse_search(e);
  auto a = codesign::run_search(e, spec, "", false);
  auto b = codesign::run_search(e, spec, "", false);
  REQUIRE(a.front.size() == b.front.size());
  for (size_t i = 0; i < a.front.size(); ++i) {
    CHECK(a.front[i].genome == b.front[i].genome);
    CHECK(a.front[i].evaluation == b.front[i].evaluation);
  }
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("monet-resume-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string ckpt = (dir / "state.json").string();
  auto first = spec;
  first.nsga.max_generations = 1;
  codesign::run_search(e, first, ckpt, false);
  auto resumed = codesign::run_search(e, spec, ckpt, true);
  REQUIRE(resumed.front.size() == a.front.size());
  for (size_t i = 0; i < a.front.size(); ++i) {
    CHECK(resumed.front[i].genome == a.front[i].genome);
    CHECK(resumed.front[i].evaluation == a.front[i].evaluation);
  }
  CHECK(resumed.result.history == a.result.history);
  // Outputs: pareto.json is identical between the two runs, and every member replays.
  codesign::write_search_outputs(e, spec, a, (dir / "a").string());
  codesign::write_search_outputs(e, spec, resumed, (dir / "b").string());
  CHECK(core::read_file((dir / "a" / "pareto.json").string()) ==
        core::read_file((dir / "b" / "pareto.json").string()));
  codesign::CodesignProblem problem(e, spec.codesign);
  for (size_t i = 0; i < a.front.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "front/%03zu.yaml", i);
    auto replay = fusion::load_experiment((dir / "a" / name).string());
    auto prepared = fusion::prepare(replay);
    auto plan = prepared.sim->plan(replay.plan);
    auto s = prepared.sim->evaluate(plan);
    const auto& obj = a.front[i].evaluation.objectives;
    CHECK(s.summary.latency_s == Approx(obj[0]).epsilon(1e-12));
    CHECK(s.summary.energy.total_pj() == Approx(obj[1]).epsilon(1e-12));
    CHECK(s.summary.peak_footprint_bytes == Approx(obj[2]).epsilon(1e-12));
  }
  fs::remove_all(dir);
}

TEST_CASE("bad search sections are rejected with their line") {
  auto bad = [](const std::string& search) {
    auto e = experiment("workload: resnet18\naccelerator: edge-hetero\nsearch:\n" + search);
    try {
      codesign::parse_search(e);
    } catch (const core::ConfigError& err) {
      return std::string(err.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(bad("  genes: []\n  generations: 2\n"),
             Catch::Contains("test.yaml:4") && Catch::Contains("search.genes") &&
                 Catch::Contains("at least one gene group"));
  CHECK_THAT(bad("  objectives: [latency, speed]\n  generations: 2\n"),
             Catch::Contains("test.yaml:4") && Catch::Contains("speed") &&
                 Catch::Contains("unknown objective"));
  CHECK_THAT(bad("  population: 2\n  generations: 2\n"),
             Catch::Contains("search.population") && Catch::Contains("at least 4"));
  CHECK_THAT(bad("  population: 8\n"), Catch::Contains("no stopping budget"));
  CHECK_THAT(bad("  genes: [hardware]\n  generations: 2\n"), Catch::Contains("knobs"));
}

TEST_CASE("every shipped search experiment parses and builds its problem") {
  namespace fs = std::filesystem;
  size_t n = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(MONET_SOURCE_DIR) / "configs/experiments/search")) {
    INFO(entry.path().string());
    auto e = fusion::load_experiment(entry.path().string());
    auto spec = codesign::parse_search(e);
    if (spec.kind == codesign::SearchSpec::Kind::kCodesign) {
      codesign::CodesignProblem problem(e, spec.codesign);
      auto seeds = problem.seeds();
      REQUIRE(!seeds.empty());
      CHECK(problem.evaluate(seeds[0]).objectives.size() == spec.codesign.objectives.size());
    }
    if (spec.kind == codesign::SearchSpec::Kind::kGenerate) {
      codesign::GenerateProblem problem(e, spec.generate, spec.codesign.objectives);
      auto seeds = problem.seeds();
      REQUIRE(!seeds.empty());
      CHECK(problem.evaluate(seeds[0]).objectives.size() == spec.codesign.objectives.size());
    }
    ++n;
  }
  CHECK(n >= 3);
}

TEST_CASE("search.mutation_prob is read: changing it changes the search; out of range refused") {
  auto front_genomes = [](const std::string& prob) {
    auto e = experiment(
        "workload: {model: resnet18}\ntraining: {optimizer: adam, activation_bits: 16}\n"
        "accelerator: edge-hetero\n"
        "search: {problem: checkpoint-chain, population: 16, generations: 6, seed: 11, "
        "crossover_prob: 0" +
        (prob.empty() ? std::string() : ", mutation_prob: " + prob) + "}\n");
    auto spec = codesign::parse_search(e);
    auto out = codesign::run_search(e, spec, "", false);
    std::vector<ga::Genome> genomes;
    for (const auto& m : out.front) genomes.push_back(m.genome);
    return std::make_pair(spec.mutation_prob, genomes);
  };
  auto [none, by_default] = front_genomes("");
  auto [low, rare] = front_genomes("0.02");
  auto [high, frequent] = front_genomes("0.6");
  CHECK(!none);
  REQUIRE(low);
  CHECK(*low == 0.02);
  REQUIRE(high);
  CHECK(*high == 0.6);
  // Same seed, same everything else: only the mutation rate differs, so the fronts differ.
  CHECK(rare != frequent);
  CHECK(by_default != frequent);

  auto bad =
      "accelerator: edge-hetero\nworkload: {model: resnet18}\n"
      "search: {genes: [fusion], generations: 1, mutation_prob: 1.5}\n";
  CHECK_THROWS_WITH(codesign::parse_search(experiment(bad)), Catch::Contains("test.yaml:3") &&
                                                                 Catch::Contains("mutation_prob") &&
                                                                 Catch::Contains("[0, 1]"));
}

TEST_CASE("a front member's replay file keeps every field but the searched ones") {
  // FP16 workload, a cost objective, a CIM write fraction, outputs, allocation rules: the
  // replay must run what the member was scored on, so all of these come back unchanged.
  auto e = experiment(
      "name: keep\nworkload: {model: resnet18, batch: 2, element_bits: 16}\n"
      "training: {optimizer: adam, activation_bits: 16, weight_bits: 16, gradient_bits: 16}\n"
      "accelerator: edge-hetero\nfusion: {stacks: blocks, tiles: 2}\n"
      "allocation: [{kind: conv, pass: backward-weight, cores: [simd]}]\n"
      "allocation_default: follow\n"
      "cost: {objective: energy, cim_written_fraction: 0.05}\noutputs: {dir: /tmp/keep-out}\n"
      "search: {genes: [fusion, checkpoint], generations: 1, population: 4}\n");
  auto spec = codesign::parse_search(e);
  codesign::CodesignProblem problem(e, spec.codesign);
  auto seeds = problem.seeds();
  REQUIRE(!seeds.empty());
  auto replay = fusion::parse_experiment_yaml(problem.experiment_yaml(seeds.back(), "keep-000", ""),
                                              "r.yaml");
  CHECK(replay.name == "keep-000");
  CHECK(replay.workload.params.elem_bits_set);
  CHECK(replay.workload.params.elem_bits == 16);
  // What the genes decide (name, plan, checkpoint plan) taken over, everything else equal.
  auto expected = e;
  expected.name = replay.name;
  expected.plan_name = replay.plan_name;
  expected.plan.rule = replay.plan.rule;
  expected.plan.starts = replay.plan.starts;
  expected.plan.stack_tiles = replay.plan.stack_tiles;
  expected.plan.tiles = replay.plan.tiles;
  expected.plan.mirror_backward = replay.plan.mirror_backward;
  expected.training_options.checkpoint = replay.training_options.checkpoint;
  CHECK(fusion::same_experiment(expected, replay));
}

TEST_CASE("front files go to members spread over the front") {
  // Eleven members on the line f1 + f2 = 10: the two ends first, then the middle, then the
  // quarter points.
  std::vector<codesign::FrontMember> front;
  for (int i = 0; i <= 10; ++i) {
    codesign::FrontMember m;
    m.evaluation.objectives = {static_cast<double>(i), static_cast<double>(10 - i)};
    front.push_back(m);
  }
  CHECK(codesign::spread_members(front, 2) == std::vector<size_t>{0, 10});
  CHECK(codesign::spread_members(front, 3) == std::vector<size_t>{0, 5, 10});
  auto five = codesign::spread_members(front, 5);
  CHECK(five.size() == 5);
  CHECK(five[0] == 0);
  CHECK(five[2] == 5);
  CHECK(five[4] == 10);
  CHECK(std::abs(static_cast<int>(five[1]) - 2) <= 1);
  CHECK(std::abs(static_cast<int>(five[3]) - 8) <= 1);
  CHECK(codesign::spread_members(front, 50).size() == 11);
  CHECK(codesign::spread_members(front, 0).empty());
  // A feasible member is chosen before any infeasible one.
  front[0].evaluation.violation = 100;
  auto two = codesign::spread_members(front, 2);
  CHECK(std::find(two.begin(), two.end(), size_t{0}) == two.end());
}

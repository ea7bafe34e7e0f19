// Few-shot episodes: the episode graph counted by hand on PEFSL's ResNet-9, feature outputs
// of the built-in backbones, fine-tuning parts, the per-episode sums, shipped files and bad
// input.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fusion/episode.hpp"
#include "support/source_path.hpp"
#include "tests/cli/run_cli.hpp"
#include "training/episode.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"
#include "workloads/yaml_workload.hpp"

using namespace monet;
using test::source;
namespace fs = std::filesystem;

namespace {

workloads::Graph pefsl(int64_t batch) {
  return workloads::load_workload_file(source("configs/workloads/pefsl-resnet9.yaml"),
                                       {.batch = batch, .batch_set = true});
}

training::FewShotSpec spec(int ways, int shots, int queries) {
  training::FewShotSpec s;
  s.ways = ways;
  s.shots = shots;
  s.queries = queries;
  return s;
}

fusion::Experiment episode_experiment(const std::string& yaml) {
  return fusion::parse_experiment_yaml(yaml, "episode.yaml");
}

// PEFSL's ResNet-9, 5-way 1-shot with 15 queries, 20 fine-tuning steps of the head.
fusion::Experiment pefsl_head_episode(const std::string& accelerator) {
  return episode_experiment(
      "workload: {file: " + source("configs/workloads/pefsl-resnet9.yaml") +
      "}\n"
      "mode: few-shot\n"
      "few_shot: {ways: 5, shots: 1, queries: 15, finetune: {steps: 20, trains: head}}\n"
      "training: {optimizer: adam}\n"
      "accelerator: " +
      accelerator + "\n");
}
}  // namespace

TEST_CASE("PEFSL ResNet-9 5-way 1-shot episode, counted by hand") {
  auto s = spec(5, 1, 15);
  REQUIRE(s.images() == 80);
  auto g = training::episode_graph(pefsl(80), s);
  const int64_t backbone = 16'029'696, d = 80, queries = 75, ways = 5;
  // Backbone for 80 images, then query·prototype scores: 75 x 5 x 80 MACs.
  CHECK(g.totals().macs == 80 * backbone + queries * ways * d);
  CHECK(g.totals().parameters == 188'576);  // the episode adds no parameter
  // Prototypes: mean over 1 shot of 5 x 80 features; norms: a square and a sum per element.
  CHECK(g.op(g.find_op("episode.prototypes")).elements == ways * 1 * d);
  CHECK(g.op(g.find_op("episode.prototype_squares")).elements == ways * d);
  CHECK(g.op(g.find_op("episode.prototype_norms")).elements == ways * d);
  const auto& probs = g.op(g.find_op("episode.probabilities"));
  CHECK(probs.elements == queries * ways);
  CHECK(probs.ops_per_element == 7);
  REQUIRE(g.outputs().size() == 1);
  CHECK(g.tensor(g.outputs()[0]).shape == workloads::Shape{queries, ways});
  // 5-shot: the prototype mean reads 5 features per class.
  auto five = training::episode_graph(pefsl(100), spec(5, 5, 15));
  CHECK(five.op(five.find_op("episode.prototypes")).elements == 5 * 5 * d);
}

TEST_CASE("Feature outputs: the last global pool, the classifier cut off") {
  auto s = spec(5, 1, 15);
  auto xxs = workloads::mobilevit({.batch = 80});
  CHECK(xxs.tensor(training::feature_tensor(xxs, s)).name == "head.pool");
  auto g = training::episode_graph(xxs, s);
  // MobileViT-XXS without its 320 -> 1000 classifier.
  CHECK(g.totals().parameters == 1'272'024 - (320 * 1000 + 1000));
  CHECK(g.find_op("head.fc") < 0);
  auto r12 = workloads::resnet12({.batch = 80});
  CHECK(r12.tensor(training::feature_tensor(r12, s)).shape == workloads::Shape{80, 640});

  workloads::Gpt2Options o;
  o.layers = 1;
  o.seq = 16;
  CHECK_THROWS_WITH(training::feature_tensor(workloads::gpt2(o), s),
                    Catch::Contains("few_shot.features") && Catch::Contains("no feature output"));
  s.features = "layer1.relu3";  // a 4-D map is not a feature vector
  CHECK_THROWS_WITH(training::feature_tensor(r12, s),
                    Catch::Contains("few_shot.features") && Catch::Contains("[batch, dim]"));
}

TEST_CASE("Fine-tuning steps: a head on cached features, or the backbone with adapters") {
  auto s = spec(5, 5, 15);
  s.finetune_steps = 10;
  auto head = training::finetune_graph(pefsl(100), s);
  CHECK(head.totals().parameters == 80 * 5 + 5);
  CHECK(head.totals().macs == 25 * 80 * 5);
  auto step = training::expand(head, training::finetune_options({}, s));
  CHECK(step.trainable_parameters == 405);

  s.finetune = training::FinetuneTarget::kBackbone;
  training::TrainingOptions o;
  o.adapters = {training::AdapterSpec{}};
  o.adapters[0].kind = training::AdapterKind::kLiteResidual;
  o.adapters[0].targets = {"block3"};
  auto backbone = training::finetune_graph(pefsl(25), s);
  CHECK(backbone.totals().macs == 25 * 16'029'696 + 25 * 80 * 5);
  auto adapted = training::expand(backbone, training::finetune_options(o, s));
  // The head and the lite residual branch of block3 train; the backbone is frozen.
  // block3: 40 -> 80 at 8x8 -> 4x4; pooled 4x4, 5x5 kernel shrinks to 3x3; width 40.
  const int64_t lite = 20 * 40 * 9 + 2 * 40 + 40 * 80 + 2 * 80;
  CHECK(adapted.trainable_parameters == 405 + lite);
}

TEST_CASE("An episode sums its parts: repeats times the step plus the inference") {
  auto e = pefsl_head_episode("pynq-z1-tensil");
  auto p = fusion::prepare_episode(e);
  REQUIRE(p.parts.size() == 2);
  CHECK(p.parts[0].name == "finetune-step");
  CHECK(p.parts[0].repeat == 20);
  CHECK(p.feature == "avgpool");
  CHECK(p.feature_dim == 80);
  auto r = fusion::run_episode(p);
  const auto& step = r.parts[0].schedule.summary;
  const auto& inference = r.parts[1].schedule.summary;
  CHECK(step.latency_s > 0);
  CHECK(inference.latency_s > step.latency_s);  // 80 backbone passes vs. a 80x5 head
  CHECK(r.latency_s == Approx(20 * step.latency_s + inference.latency_s));
  CHECK(r.energy_pj == Approx(20 * step.energy.total_pj() + inference.energy.total_pj()));
  CHECK(r.peak_dram_bytes == std::max(step.peak_dram_bytes, inference.peak_dram_bytes));
  auto doc = fusion::episode_json(e, p, r);
  CHECK(doc["schema"] == "monet.episode/1");
  CHECK(doc["support_images"] == 5);
  CHECK(doc["query_images"] == 75);
  CHECK(doc["parts"][0]["training"]["trainable_parameters"] == 405);
  // The PYNQ-Z1 preset states no static power: the episode's power is its dynamic energy.
  CHECK_FALSE(r.power.static_described);
  CHECK(r.power.average_w == Approx(r.energy_pj * 1e-12 / r.latency_s));
  CHECK(doc["power"]["static_described"] == false);
}

// The ZCU104 preset's 13.8 W board baseline (its idle 12 V input, configs/accelerators/
// zcu104-tensil.yaml) draws for the whole episode, fine-tuning steps included; no regulators.
TEST_CASE("An episode's power: its dynamic energy plus the board baseline over its time") {
  auto e = pefsl_head_episode("zcu104-tensil");
  auto p = fusion::prepare_episode(e);
  auto r = fusion::run_episode(p);
  REQUIRE(r.latency_s > 0);
  CHECK(r.power.static_described);
  CHECK(r.power.board_energy_j == Approx(13.8 * r.latency_s));
  CHECK(r.power.supply_energy_j == Approx(r.energy_pj * 1e-12 + 13.8 * r.latency_s));
  CHECK(r.power.average_w == Approx(13.8 + r.energy_pj * 1e-12 / r.latency_s));
  CHECK(r.power.peak_w == std::max(r.parts[0].schedule.summary.power.peak_w,
                                   r.parts[1].schedule.summary.power.peak_w));
  CHECK(r.power.peak_w >= r.power.average_w);
  CHECK(fusion::episode_json(e, p, r)["power"]["board_baseline_w"] == 13.8);
}

TEST_CASE("Every shipped few-shot experiment runs") {
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(source("configs/experiments/few-shot"))) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    auto e = fusion::load_experiment(entry.path().string());
    REQUIRE(e.few_shot);
    auto r = fusion::run_episode(fusion::prepare_episode(e));
    CHECK(r.latency_s > 0);
    CHECK(r.energy_pj > 0);
    ++n;
  }
  CHECK(n >= 5);
}

TEST_CASE("Bad few-shot experiments are rejected naming the field") {
  const std::string base = "accelerator: tpu-like\nmode: few-shot\n";
  CHECK_THROWS_WITH(episode_experiment(base + "workload: resnet12\n"),
                    Catch::Contains("few_shot") && Catch::Contains("required field"));
  CHECK_THROWS_WITH(episode_experiment(base + "workload: {model: resnet12, batch: 4}\n"
                                              "few_shot: {ways: 5, shots: 1, queries: 15}\n"),
                    Catch::Contains("workload.batch") && Catch::Contains("sets the batch"));
  CHECK_THROWS_WITH(episode_experiment(base + "workload: resnet12\n"
                                              "few_shot: {ways: 1, shots: 1, queries: 15}\n"),
                    Catch::Contains("few_shot.ways"));
  CHECK_THROWS_WITH(episode_experiment(base + "workload: resnet12\n"
                                              "few_shot: {ways: 5, shots: 1, queries: 1}\n"
                                              "training: {optimizer: adam}\n"),
                    Catch::Contains("no fine-tuning steps"));
  CHECK_THROWS_WITH(
      episode_experiment(base + "workload: resnet12\n"
                                "few_shot: {ways: 5, shots: 1, queries: 1,"
                                " finetune: {steps: 2, trains: head}}\n"
                                "training: {adapters: [{kind: da3, targets: [layer1]}]}\n"),
      Catch::Contains("training.adapters") && Catch::Contains("trains: backbone"));
  CHECK_THROWS_WITH(episode_experiment("accelerator: tpu-like\nworkload: resnet12\n"
                                       "few_shot: {ways: 5, shots: 1, queries: 1}\n"),
                    Catch::Contains("needs mode: few-shot"));
  auto gpt = episode_experiment(base +
                                "workload: {model: gpt2-small, seq: 16}\n"
                                "few_shot: {ways: 5, shots: 1, queries: 1}\n");
  CHECK_THROWS_WITH(fusion::prepare_episode(gpt),
                    Catch::Contains("episode.yaml") && Catch::Contains("few_shot.features"));
}

TEST_CASE("monet-sim run writes the episode summary and one folder per part") {
  test::TempDir dir;
  auto r = test::run_cli(
      "run " +
      test::shell_quote(source("configs/experiments/few-shot/pefsl-resnet9-pynq-z1-tensil.yaml")) +
      " -o " + test::shell_quote(dir.path()));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("episode") && Catch::Contains("80-d"));
  const fs::path out(dir.path());
  CHECK(fs::exists(out / "summary.json"));
  CHECK(fs::exists(out / "inference" / "summary.json"));
  CHECK(fs::exists(out / "inference" / "schedule.trace.json"));
  auto bad = dir.write("gpt.yaml",
                       "workload: {model: gpt2-small, seq: 16}\nmode: few-shot\n"
                       "few_shot: {ways: 5, shots: 1, queries: 1}\naccelerator: tpu-like\n");
  r = test::run_cli("run " + test::shell_quote(bad));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("few_shot.features"));
}

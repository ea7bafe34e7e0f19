// parse(write(e)) == e: the experiment writer keeps every field, over every shipped
// experiment and over a hand-written one that sets each field away from its default.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>

#include "fusion/experiment.hpp"
#include "fusion/experiment_writer.hpp"

using namespace monet;
namespace fs = std::filesystem;

namespace {

fusion::Experiment round_trip(const fusion::Experiment& e) {
  // Parsed as if from another folder: the written paths must not depend on the original's.
  return fusion::parse_experiment_yaml(fusion::write_experiment_yaml(e, "round trip"),
                                       "/nonexistent/roundtrip.yaml");
}

// Every field set away from its default (the workload file path is made absolute so the test
// runs from any folder).
std::string every_field() {
  std::string mlp = (fs::path(MONET_SOURCE_DIR) / "configs/workloads/mlp.yaml").string();
  std::string acc = (fs::path(MONET_SOURCE_DIR) / "configs/accelerators/tpu-like.yaml").string();
  return "name: every-field\ndescription: \"every field: set, written, read back\"\n"
         "workload: {model: resnet18, batch: 3, element_bits: 16}\n"
         "mode: training\n"
         "distillation: {teacher: {file: " +
         mlp + ", batch: 3}}\n" +
         "training:\n"
         "  loss: distillation\n"
         "  optimizer: adamw\n"
         "  activation_bits: 16\n  weight_bits: 8\n  gradient_bits: 12\n"
         "  optimizer_state_bits: 24\n"
         "  checkpoint: [layer1.0.relu1, layer2.0.relu1]\n"
         "  trainable: [\"layer4.*\", fc]\n"
         "  frozen_weight_bits: 4\n"
         "  frozen_batchnorm: running-statistics\n"
         "  relu_saves: mask\n"
         "  adapters:\n"
         "    - {kind: lora, rank: 4, alpha: 0.3, targets: [fc]}\n"
         "    - {kind: lite-residual, downsample: 4, kernel: 3, groups: 1, expand: 0.75,\n"
         "       targets: [\"layer3.*\"]}\n"
         "accelerator: " +
         acc +
         "\n"
         "fusion: {stacks: explicit, starts: [conv1, layer2.0.conv1], tiles: [2, 4],\n"
         "         backward: layer-by-layer, ops_per_stack: 7}\n"
         "allocation:\n"
         "  - {ops: \"layer1.*\", kind: conv, pass: backward-weight, cores: [array]}\n"
         "  - {cores: [array]}\n"
         "allocation_default: follow\n"
         "cost: {objective: energy, cim_written_fraction: 0.123456789}\n"
         "outputs: {dir: /tmp/monet-every-field}\n"
         "search: {genes: [fusion], generations: 2, mutation_prob: 0.125}\n";
}

}  // namespace

TEST_CASE("every shipped experiment survives write and parse") {
  size_t n = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(MONET_SOURCE_DIR) / "configs/experiments")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    auto e = fusion::load_experiment(entry.path().string());
    auto back = round_trip(e);
    CHECK(fusion::same_experiment(e, back));
    // Writing is stable: the document of the copy is the document of the original.
    CHECK(fusion::write_experiment_yaml(back) == fusion::write_experiment_yaml(e));
    ++n;
  }
  CHECK(n >= 25);  // 18 top-level experiments, 5 few-shot episodes, 4 searches
}

TEST_CASE("a hand-written experiment with every field survives write and parse") {
  auto e = fusion::parse_experiment_yaml(every_field(), "every.yaml");
  // The values as written above (not as the writer prints them).
  CHECK(e.workload.params.elem_bits == 16);
  CHECK(e.training_options.adapters.size() == 2);
  CHECK(e.plan.stack_tiles == std::vector<int>{2, 4});
  CHECK(e.cost.written_fraction == 0.123456789);
  auto back = round_trip(e);
  CHECK(fusion::same_experiment(e, back));
  CHECK(back.description == "every field: set, written, read back");
  CHECK(back.workload.params.elem_bits_set);
  CHECK(back.workload.params.elem_bits == 16);
  CHECK(back.workload.params.batch == 3);
  CHECK(back.training_options.weight_bits == 8);
  CHECK(back.training_options.trainable.patterns == std::vector<std::string>{"layer4.*", "fc"});
  CHECK(back.training_options.adapters[0].alpha == 0.3);
  CHECK(back.training_options.adapters[1].expand == 0.75);
  CHECK(back.plan.starts == std::vector<std::string>{"conv1", "layer2.0.conv1"});
  CHECK(!back.plan.mirror_backward);
  CHECK(back.plan.ops_per_stack == 7);
  CHECK(back.plan.allocation.size() == 2);
  CHECK(back.plan.allocation_default == fusion::AllocationDefault::kFollow);
  CHECK(back.cost.written_fraction == 0.123456789);
  CHECK(back.output_dir == "/tmp/monet-every-field");
  REQUIRE(back.teacher);
  CHECK(back.teacher->params.batch == 3);
  REQUIRE(back.root.has("search"));
  CHECK(back.root["search"]["mutation_prob"].as_double() == 0.125);
}

TEST_CASE("same_experiment notices a change in any field") {
  const auto base = fusion::parse_experiment_yaml(every_field(), "every.yaml");
  std::vector<std::pair<const char*, std::function<void(fusion::Experiment&)>>> edits = {
      {"name", [](auto& e) { e.name = "other"; }},
      {"description", [](auto& e) { e.description.clear(); }},
      {"model", [](auto& e) { e.workload.model = "resnet12"; }},
      {"batch", [](auto& e) { e.workload.params.batch = 4; }},
      {"element_bits", [](auto& e) { e.workload.params.elem_bits = 8; }},
      {"element_bits set", [](auto& e) { e.workload.params.elem_bits_set = false; }},
      {"seq", [](auto& e) { e.workload.params.seq = 64; }},
      {"mode", [](auto& e) { e.training = false; }},
      {"optimizer", [](auto& e) { e.training_options.optimizer = training::Optimizer::kSgd; }},
      {"loss", [](auto& e) { e.training_options.loss = training::Loss::kAuto; }},
      {"activation_bits", [](auto& e) { e.training_options.activation_bits = 32; }},
      {"weight_bits", [](auto& e) { e.training_options.weight_bits = 32; }},
      {"gradient_bits", [](auto& e) { e.training_options.gradient_bits = 32; }},
      {"optimizer_state_bits", [](auto& e) { e.training_options.optimizer_state_bits = 32; }},
      {"checkpoint", [](auto& e) { e.training_options.checkpoint.names.pop_back(); }},
      {"trainable", [](auto& e) { e.training_options.trainable.patterns.pop_back(); }},
      {"frozen_weight_bits", [](auto& e) { e.training_options.frozen_weight_bits = 0; }},
      {"frozen_batchnorm",
       [](auto& e) {
         e.training_options.frozen_batchnorm = training::FrozenBatchNorm::kBatchStatistics;
       }},
      {"relu_saves", [](auto& e) { e.training_options.relu_saves = training::ReluSaves::kOutput; }},
      {"adapter rank", [](auto& e) { e.training_options.adapters[0].rank = 8; }},
      {"adapter expand", [](auto& e) { e.training_options.adapters[1].expand = 1; }},
      {"accelerator", [](auto& e) { e.accelerator = "edge-hetero"; }},
      {"stacks", [](auto& e) { e.plan.rule = fusion::StackRule::kBlocks; }},
      {"tiles", [](auto& e) { e.plan.stack_tiles[1] = 8; }},
      {"starts", [](auto& e) { e.plan.starts.pop_back(); }},
      {"backward", [](auto& e) { e.plan.mirror_backward = true; }},
      {"ops_per_stack", [](auto& e) { e.plan.ops_per_stack = 4; }},
      {"allocation", [](auto& e) { e.plan.allocation[0].pass = "forward"; }},
      {"allocation_default",
       [](auto& e) { e.plan.allocation_default = fusion::AllocationDefault::kFastest; }},
      {"objective", [](auto& e) { e.cost.objective = mapping::Objective::kLatency; }},
      {"cim_written_fraction", [](auto& e) { e.cost.written_fraction = 0.5; }},
      {"outputs", [](auto& e) { e.output_dir = "/tmp/elsewhere"; }},
      {"teacher", [](auto& e) { e.teacher->params.batch = 5; }},
  };
  CHECK(fusion::same_experiment(base, base));
  for (const auto& [field, edit] : edits) {
    INFO(field);
    auto changed = base;
    edit(changed);
    CHECK(!fusion::same_experiment(base, changed));
  }
  // The search section (read by codesign/) is compared as a whole. Built from new text:
  // assigning a YamlNode would write through to the node the copies share.
  std::string text = every_field();
  text.replace(text.find("0.125"), 5, "0.25");
  CHECK(!fusion::same_experiment(base, fusion::parse_experiment_yaml(text, "every.yaml")));
}

TEST_CASE("plan rules: one definition for files and for experiments edited in code") {
  fusion::PlanSpec p;
  p.rule = fusion::StackRule::kLayerByLayer;
  p.tiles = 4;
  auto broken = fusion::plan_rule_breaks(p);
  REQUIRE(broken.size() == 1);
  CHECK(broken[0].field == "tiles");
  // The file says the same and is refused at the line of `tiles`.
  const std::string head = "name: t\nworkload: {model: resnet18}\naccelerator: edge-hetero\n";
  CHECK_THROWS_WITH(fusion::parse_experiment_yaml(
                        head + "fusion: {stacks: layer-by-layer,\n  tiles: 4}\n", "t.yaml"),
                    Catch::Contains("t.yaml:5") && Catch::Contains("fusion.tiles") &&
                        Catch::Contains(broken[0].rule));
  // An experiment edited in code after parsing is refused by prepare with the same rule.
  auto e = fusion::parse_experiment_yaml(head + "fusion: {stacks: blocks, tiles: 4}\n", "t.yaml");
  e.plan.rule = fusion::StackRule::kLayerByLayer;
  e.plan_name = "layer-by-layer";
  CHECK_THROWS_WITH(fusion::prepare(e), Catch::Contains(broken[0].rule));
  // Explicit stacks: `starts` required, and a tile count per stack.
  fusion::PlanSpec x;
  x.rule = fusion::StackRule::kExplicit;
  CHECK(fusion::plan_rule_breaks(x).size() == 1);
  x.starts = {"conv1", "layer2.0.conv1"};
  x.stack_tiles = {2, 2, 2};
  auto forward = fusion::build_forward(e.workload);
  auto fit = fusion::plan_fit_breaks(x, forward);
  REQUIRE(fit.size() == 1);
  CHECK(fit[0].rule == "one tile count per stack (2 stacks)");
}

TEST_CASE("workload.fold_batchnorm: written and read back; refused outside inference") {
  const std::string inference =
      "name: folded\nworkload: {model: resnet18, batch: 1, fold_batchnorm: true}\n"
      "mode: inference\naccelerator: tpu-like\n";
  auto e = fusion::parse_experiment_yaml(inference, "folded.yaml");
  CHECK(e.workload.fold_batchnorm);
  auto back = round_trip(e);
  CHECK(back.workload.fold_batchnorm);
  CHECK(fusion::same_experiment(e, back));
  // The prepared graph lost ResNet-18's 20 BatchNorms: each follows a convolution.
  auto p = fusion::prepare(e);
  CHECK(p.folded.folded.size() == 20);
  CHECK(p.sim->graph().find_op("bn1") < 0);

  std::string training = inference;
  training.replace(training.find("mode: inference"), 15, "mode: training");
  try {
    fusion::parse_experiment_yaml(training, "folded.yaml");
    FAIL("fold_batchnorm accepted in a training experiment");
  } catch (const core::ConfigError& err) {
    CHECK(std::string(err.what()).find("inference transform") != std::string::npos);
    CHECK(err.issues().at(0).where.line == 2);
  }
}

// Adapters as forward-graph rewrites: parameter and MAC counts derived by hand from each
// module's definition (training/adapters.hpp), wiring, training behaviour and bad input.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/yaml.hpp"
#include "tests/cli/run_cli.hpp"
#include "tests/training/training_helpers.hpp"
#include "training/adapters.hpp"
#include "training/expand.hpp"
#include "workloads/builder.hpp"
#include "workloads/models.hpp"

using namespace monet;
using namespace monet::test;
using training::AdapterKind;
using training::AdapterSpec;
using workloads::Pass;

namespace {
AdapterSpec lora(std::vector<std::string> targets, int rank, double alpha = 0) {
  AdapterSpec a;
  a.kind = AdapterKind::kLora;
  a.targets = std::move(targets);
  a.rank = rank;
  a.alpha = alpha;
  return a;
}

AdapterSpec block_adapter(AdapterKind kind, std::vector<std::string> targets) {
  AdapterSpec a;
  a.kind = kind;
  a.targets = std::move(targets);
  return a;
}

workloads::Graph small_gpt2() {
  workloads::Gpt2Options o;
  o.layers = 2;
  o.seq = 128;
  return workloads::gpt2(o);
}

int64_t macs_of(const workloads::Graph& g, const std::string& op) {
  int id = g.find_op(op);
  REQUIRE(id >= 0);
  return g.op(id).macs();
}
}  // namespace

TEST_CASE("LoRA rank r on a d_in x d_out projection adds r(d_in + d_out) parameters") {
  auto base = small_gpt2();
  auto adapted = training::apply_adapters(base, {lora({"h*.attn.c_attn"}, 8)});
  const auto& g = adapted.graph;
  // c_attn: 768 -> 2304; 128 tokens; two layers.
  const int64_t per_layer = 8 * (768 + 2304);
  CHECK(per_layer == 24'576);
  CHECK(g.totals().parameters - base.totals().parameters == 2 * per_layer);
  CHECK(g.totals().macs - base.totals().macs == 2 * 128 * per_layer);
  CHECK(macs_of(g, "h0.attn.c_attn.lora_A") == 128 * 8 * 768);
  CHECK(macs_of(g, "h0.attn.c_attn.lora_B") == 128 * 2304 * 8);
  CHECK(adapted.adapter_params.size() == 4);
  // Readers of the projection read the adapted sum; the frozen projection is unchanged.
  const auto& split = g.op(g.find_op("h0.attn.split_heads"));
  CHECK(g.tensor(split.inputs[0]).name == "h0.attn.c_attn.lora");
  CHECK(macs_of(g, "h0.attn.c_attn") == macs_of(base, "h0.attn.c_attn"));
  CHECK(g.op(g.find_op("h0.attn.c_attn.lora")).block == "h0");
  // α = r folds the scaling away; any other α multiplies every output element.
  CHECK(g.op(g.find_op("h0.attn.c_attn.lora")).ops_per_element == 1);
  auto scaled = training::apply_adapters(base, {lora({"h0.attn.c_attn"}, 8, 16)});
  CHECK(scaled.graph.op(scaled.graph.find_op("h0.attn.c_attn.lora")).ops_per_element == 2);
}

TEST_CASE("LoRA training: only the adapters train, gradients reach earlier adapters") {
  training::TrainingOptions o;
  o.adapters = {lora({"h*.attn.c_attn", "h*.mlp.c_fc"}, 4)};
  auto step = training::expand(small_gpt2(), o);
  const auto& g = step.graph;
  const int64_t expected = 2 * (4 * (768 + 2304) + 4 * (768 + 3072));
  CHECK(step.trainable_parameters == expected);
  CHECK(step.adapter_parameters.size() == 8);
  // The first adapter's input (h0.ln_1) has nothing trainable upstream: no dX there; the
  // second layer's is fed by h0's adapters, so its input gradient flows to them.
  CHECK(g.find_op("h0.attn.c_attn.lora_A.dX") < 0);
  CHECK(g.find_op("h1.attn.c_attn.lora_A.dX") >= 0);
  CHECK(g.find_op("h0.attn.c_attn.lora_A.dW") >= 0);
  // Frozen projections pass dX only where needed and never get dW.
  CHECK(g.find_op("h1.attn.c_attn.dW") < 0);
  CHECK(g.find_op("lm_head.dW") < 0);
  int updates = 0;
  for (const auto& op : g.ops()) updates += op.pass == Pass::kOptimizer;
  CHECK(updates == 8);
}

TEST_CASE("LoRA works on any projection, including a tied LM head and ResNet's fc") {
  auto fc = training::apply_adapters(workloads::resnet18(), {lora({"fc"}, 4)});
  CHECK(fc.graph.totals().parameters - 11'689'512 == 4 * (512 + 1000));
  CHECK(fc.graph.outputs().size() == 1);
  CHECK(fc.graph.tensor(fc.graph.outputs()[0]).name == "fc.lora");
  auto head = training::apply_adapters(small_gpt2(), {lora({"lm_head"}, 2)});
  CHECK(head.graph.totals().parameters - small_gpt2().totals().parameters == 2 * (768 + 50257));
}

TEST_CASE("LoRA on a grouped-query Llama decoder (TinyLlama): q and v adapters on a frozen base") {
  // TinyLlama-1.1B config.json: hidden 2048, 22 layers, 32 query heads and 4 KV heads of 64,
  // so q_proj is 2048 -> 2048 and v_proj 2048 -> 4 x 64 = 256. Rank 8 on both:
  // 8 (2048 + 2048) + 8 (2048 + 256) = 51,200 adapter parameters per layer.
  const int64_t per_layer = 8 * (2048 + 2048) + 8 * (2048 + 256);
  CHECK(per_layer == 51'200);
  auto fwd = workloads::build_model("tinyllama-1.1b", {.batch = 1, .seq = 64, .elem_bits = 16});
  const int64_t base_params = fwd.totals().parameters;
  CHECK(base_params == 1'100'048'384);  // TinyLlama's published parameter count
  training::TrainingOptions o;
  o.optimizer = training::Optimizer::kAdam;
  o.adapters = {lora({"model.layers.*.self_attn.q_proj", "model.layers.*.self_attn.v_proj"}, 8)};
  auto step = training::expand(fwd, o);
  CHECK(step.trainable_parameters == 22 * per_layer);
  CHECK(step.adapter_parameters.size() == 22 * 4);  // A and B of two targets per layer
  // One 64-token pass through layer 0's q adapter: A is 8 x 2048, B is 2048 x 8.
  CHECK(forward_macs_of(step.graph, "model.layers.0.self_attn.q_proj.lora_A") == 64 * 8 * 2048);
  CHECK(forward_macs_of(step.graph, "model.layers.0.self_attn.v_proj.lora_B") == 64 * 256 * 8);
  // The frozen base gets no weight gradients and no updates; only the adapters do.
  CHECK(step.graph.find_op("model.layers.0.self_attn.q_proj.dW") < 0);
  CHECK(step.graph.find_op("model.layers.0.mlp.down_proj.dW") < 0);
  CHECK(step.graph.find_op("model.layers.21.self_attn.v_proj.lora_B.dW") >= 0);
  int updates = 0;
  for (const auto& op : step.graph.ops()) updates += op.pass == Pass::kOptimizer;
  CHECK(updates == 22 * 4);
  // Full fine-tuning of the same model trains every published parameter.
  training::TrainingOptions full;
  full.optimizer = training::Optimizer::kAdam;
  CHECK(training::expand(fwd, full).trainable_parameters == base_params);
}

TEST_CASE("DA3 adaptor on ResNet-18 layer2.0: pooled 1x1 conv with the block's stride") {
  auto base = workloads::resnet18();
  auto adapted = training::apply_adapters(base, {block_adapter(AdapterKind::kDa3, {"layer2.0"})});
  const auto& g = adapted.graph;
  // layer2.0: 64x56x56 -> 128x28x28. Pool 2 -> 28x28, conv 1x1 stride 2 -> 14x14.
  CHECK(g.totals().parameters - base.totals().parameters == 64 * 128 + 2 * 128);
  CHECK(g.totals().macs - base.totals().macs == 64 * 128 * 14 * 14);
  const auto& up = g.op(g.find_op("layer2.0.da3.up"));
  // Bilinear upsampling 14x14 -> 28x28: a 2x2 weighted average per output, 7 ops.
  CHECK(up.kind == workloads::OpKind::kAvgPool);
  CHECK(up.elements == 128 * 28 * 28);
  CHECK(up.window == 4);
  CHECK(up.ops_per_element == 7);
  // The next block reads the sum.
  const auto& next = g.op(g.find_op("layer2.1.conv1"));
  CHECK(g.tensor(next.inputs[0]).name == "layer2.0.da3");
}

TEST_CASE("TinyTL lite residual on layer1.0 and layer4.1: group conv, kernel fitted to the map") {
  auto base = workloads::resnet18();
  auto adapted = training::apply_adapters(
      base, {block_adapter(AdapterKind::kLiteResidual, {"layer1.0", "layer4.1"})});
  const auto& g = adapted.graph;
  // layer1.0: 64 -> 64 at 56x56, pooled to 28x28; 5x5 conv in 2 groups to mid 64, 1x1 back.
  const int64_t l1_params = 32 * 64 * 25 + 2 * 64 + 64 * 64 + 2 * 64;
  const int64_t l1_macs = 64 * 32 * 25 * 28 * 28 + 64 * 64 * 28 * 28;
  // layer4.1: 512 at 7x7, pooled to 3x3: the 5x5 kernel shrinks to 3x3.
  const int64_t l4_params = 256 * 512 * 9 + 2 * 512 + 512 * 512 + 2 * 512;
  const int64_t l4_macs = 512 * 256 * 9 * 3 * 3 + 512 * 512 * 3 * 3;
  CHECK(g.totals().parameters - base.totals().parameters == l1_params + l4_params);
  CHECK(g.totals().macs - base.totals().macs == l1_macs + l4_macs);
  CHECK((*g.op(g.find_op("layer4.1.lite.conv1")).nest)[workloads::Dim::kFY] == 3);
  CHECK((*g.op(g.find_op("layer1.0.lite.conv1")).nest)[workloads::Dim::kG] == 2);
}

TEST_CASE("Lite residual on a 2x2 map pools globally with a 1x1 kernel, as TinyTL") {
  workloads::Builder b("tiny");
  b.set_block("stem");
  int x = b.conv("conv", b.input("x", {1, 3, 4, 4}), 16, 3, 2);  // 16x2x2
  b.set_block("blk");
  x = b.conv("blk.conv", x, 16, 3);
  x = b.unary("blk.relu", x, workloads::OpKind::kRelu);
  b.set_block("head");
  b.global_avgpool("pool", x);
  auto adapted =
      training::apply_adapters(b.finish(), {block_adapter(AdapterKind::kLiteResidual, {"blk"})});
  const auto& g = adapted.graph;
  CHECK(g.op(g.find_op("blk.lite.pool")).kind == workloads::OpKind::kGlobalAvgPool);
  CHECK((*g.op(g.find_op("blk.lite.conv1")).nest)[workloads::Dim::kFY] == 1);
  CHECK(g.op(g.find_op("blk.lite.up")).elements == 16 * 2 * 2);
}

TEST_CASE("DA3 on every block with a frozen backbone keeps a fraction of fine-tuning's memory") {
  training::TrainingOptions full;
  auto ft = training::expand(workloads::resnet18({.batch = 8}), full);
  training::TrainingOptions da3;
  da3.adapters = {block_adapter(AdapterKind::kDa3, {"layer*"})};
  da3.trainable = training::parse_trainable("fc");
  da3.frozen_batchnorm = training::FrozenBatchNorm::kRunningStatistics;
  auto step = training::expand(workloads::resnet18({.batch = 8}), da3);
  // Invariants rather than a published ratio (docs/validation.md compares with the paper):
  // fewer trainable parameters, less saved activation memory, fewer backward MACs.
  CHECK(step.trainable_parameters < ft.trainable_parameters / 10);
  CHECK(step.memory.saved_activation_bytes < ft.memory.saved_activation_bytes);
  CHECK(macs_of_pass(step.graph, Pass::kBackwardWeight) <
        macs_of_pass(ft.graph, Pass::kBackwardWeight) / 10);
}

TEST_CASE("Bad adapters are errors naming the field") {
  auto base = workloads::resnet18();
  CHECK_THROWS_WITH(training::apply_adapters(base, {lora({"layer1.0.relu1"}, 4)}),
                    Catch::Contains("not a projection"));
  CHECK_THROWS_WITH(training::apply_adapters(small_gpt2(), {lora({"h0.attn.qk"}, 4)}),
                    Catch::Contains("not a projection"));
  CHECK_THROWS_WITH(training::apply_adapters(base, {lora({"nothing*"}, 4)}),
                    Catch::Contains("matches no op"));
  CHECK_THROWS_WITH(training::apply_adapters(base, {lora({"fc"}, 0)}),
                    Catch::Contains("rank") && Catch::Contains(">= 1"));
  CHECK_THROWS_WITH(training::apply_adapters(base, {lora({"fc", "f?"}, 2)}),
                    Catch::Contains("adapted twice"));
  CHECK_THROWS_WITH(
      training::apply_adapters(base, {block_adapter(AdapterKind::kDa3, {"layer9.*"})}),
      Catch::Contains("matches no block"));
  CHECK_THROWS_WITH(
      training::apply_adapters(small_gpt2(), {block_adapter(AdapterKind::kDa3, {"h0"})}),
      Catch::Contains("4-D"));

  auto doc = core::parse_yaml(
      "adapters:\n"
      "  - {kind: lora, rank: 4, targets: [fc]}\n"
      "  - kind: lora\n"
      "    rank: 0\n"
      "    targets: [fc]\n"
      "  - {kind: dora, targets: [fc]}\n",
      "exp.yaml");
  try {
    training::adapters_from_yaml(doc["adapters"]);
    FAIL("expected a ConfigError");
  } catch (const core::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("exp.yaml:4") && Catch::Contains("rank") &&
                             Catch::Contains("exp.yaml:6") && Catch::Contains("lite-residual"));
  }
  auto one = training::adapters_from_yaml(
      core::parse_yaml("- {kind: lora, rank: 4, targets: [layer1.0.conv1]}\n", "a.yaml"));
  try {
    training::apply_adapters(base, one);
    FAIL("expected a ConfigError");
  } catch (const core::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("a.yaml:1") && Catch::Contains("not a projection"));
  }
}

TEST_CASE("describe --adapters reports adapter parameters; bad adapters exit 2") {
  auto r = run_cli(
      "describe resnet18 --training --adapters '[{kind: lora, rank: 4, targets: [fc]}]' --json");
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.output);
  CHECK(doc["totals"]["adapter_parameters"] == 4 * (512 + 1000));
  CHECK(doc["totals"]["trainable_parameters"] == 4 * (512 + 1000));
  CHECK(doc["options"]["trainable"] == "none (adapters only)");
  r = run_cli("describe resnet18 --training --adapters '[{kind: lora, rank: -1, targets: [fc]}]'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("rank"));
  r = run_cli("describe resnet18 --training --adapters '[{kind: lora, rank: 0, targets: [fc]}]'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("rank") && Catch::Contains("0"));
  r = run_cli("describe resnet18 --training --adapters '[{kind: lora, targets: [avgpool]}]'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("not a projection"));
}

TEST_CASE("An adapter's YAML form reads back as the same adapter") {
  AdapterSpec a = block_adapter(AdapterKind::kLiteResidual, {"layer*", "odd\"name"});
  a.kernel = 3;
  a.expand = 0.5;
  AdapterSpec l = lora({"h*.attn.c_attn"}, 4, 8);
  for (const AdapterSpec& spec : {a, l}) {
    auto back = training::adapters_from_yaml(core::parse_yaml("[" + spec.yaml() + "]", "x.yaml"));
    REQUIRE(back.size() == 1);
    CHECK(back[0].str() == spec.str());
    CHECK(back[0].targets == spec.targets);
  }
}

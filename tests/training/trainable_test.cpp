// Partial training: trainable sets, gradients only where something upstream trains, saved
// tensors only for the backward ops that remain. Every figure is derived by hand from the
// ResNet-18 structure (shared/reference/workloads.md).
#include <catch2/catch.hpp>

#include "core/yaml.hpp"
#include "support/published_counts.hpp"
#include "tests/cli/run_cli.hpp"
#include "tests/training/training_helpers.hpp"
#include "training/expand.hpp"
#include "training/report.hpp"
#include "workloads/builder.hpp"
#include "workloads/models.hpp"

using namespace monet;
using namespace monet::test;
using workloads::Pass;

namespace {
constexpr int64_t kConv1Macs = int64_t{64} * 3 * 7 * 7 * 112 * 112;
// BatchNorm channels of ResNet-18: stem 64; layer1 4x64; layer2 4x128 + downsample 128;
// layer3 5x256; layer4 5x512.
constexpr int64_t kBnChannels = 64 + 4 * 64 + 5 * 128 + 5 * 256 + 5 * 512;

training::TrainingStep expand_with(const std::string& trainable, training::TrainingOptions o = {}) {
  o.trainable = training::parse_trainable(trainable);
  return training::expand(workloads::resnet18(), o);
}

int64_t backward_macs(const workloads::Graph& g) {
  return macs_of_pass(g, Pass::kBackwardData) + macs_of_pass(g, Pass::kBackwardWeight);
}

int count_pass(const workloads::Graph& g, Pass p) {
  int n = 0;
  for (const auto& op : g.ops()) n += op.pass == p;
  return n;
}
}  // namespace

TEST_CASE("ResNet-18 training only fc: 513,000 parameters, 512,000 backward MACs, 2 KiB saved") {
  training::TrainingOptions o;
  o.optimizer = training::Optimizer::kMomentum;
  o.trainable = training::parse_trainable("fc");
  auto step = training::expand(workloads::resnet18(), o);
  const auto& g = step.graph;
  CHECK(step.trainable_parameters == 512 * 1000 + 1000);
  CHECK(step.parameters == kResNet18Params);
  // fc dW only: 512 x 1000 MACs; no input gradient anywhere (nothing upstream trains).
  CHECK(macs_of_pass(g, Pass::kBackwardWeight) == 512 * 1000);
  CHECK(macs_of_pass(g, Pass::kBackwardData) == 0);
  CHECK(count_pass(g, Pass::kBackwardData) == 0);
  // Saved: the fc input, 512 fp32 values.
  CHECK(step.memory.saved_activation_bytes == 512 * 4);
  REQUIRE(step.saved_tensors.size() == 1);
  CHECK(g.tensor(step.saved_tensors[0]).name == "avgpool");
  // Gradients and momentum for fc's weight and bias only; every parameter is still stored.
  CHECK(step.memory.gradient_bytes == 513'000 * 4);
  CHECK(step.memory.optimizer_state_bytes == 513'000 * 4);
  CHECK(step.memory.parameter_bytes == kResNet18Params * 4);
  CHECK(count_pass(g, Pass::kOptimizer) == 2);
  // Frozen layers keep no BatchNorm statistics or max-pool indices.
  CHECK(g.find_tensor("bn1.stats") < 0);
  CHECK(g.find_tensor("maxpool.indices") < 0);

  auto doc = training::training_json(step, o);
  CHECK(doc["totals"]["trainable_parameters"] == 513'000);
  CHECK(doc["totals"]["backward_macs"] == 512'000);
  CHECK(doc["phases"]["backward-weight"]["macs"] == 512'000);
  CHECK(doc["options"]["trainable"] == "fc");
}

TEST_CASE("last:1 is ResNet-18's head block, the same step as fc") {
  auto last = expand_with("last:1");
  auto fc = expand_with("fc");
  CHECK(last.trainable_parameters == fc.trainable_parameters);
  CHECK(backward_macs(last.graph) == backward_macs(fc.graph));
  CHECK(last.memory.saved_activation_bytes == fc.memory.saved_activation_bytes);
}

TEST_CASE("Training layer4.1 and fc: dX stops at the first trained layer") {
  auto step = expand_with("block:layer4.1,fc");
  const auto& g = step.graph;
  const int64_t conv = int64_t{512} * 512 * 9;  // each 3x3 512->512 conv
  CHECK(step.trainable_parameters == 2 * conv + 2 * 2 * 512 + 513'000);
  const int64_t conv_macs = conv * 7 * 7;
  // dW of both convs; dX of conv2 (conv1 trains upstream of it) but not of conv1 (its input
  // comes from the frozen layer4.0); fc dW and dX.
  CHECK(macs_of_pass(g, Pass::kBackwardWeight) == 2 * conv_macs + 512'000);
  CHECK(macs_of_pass(g, Pass::kBackwardData) == conv_macs + 512'000);
  CHECK(g.find_op("layer4.1.conv1.dX") < 0);
  CHECK(g.find_op("layer4.1.conv2.dX") >= 0);
  CHECK(g.find_op("layer4.0.conv2.dX") < 0);
}

TEST_CASE("bias-only trains BatchNorm shifts and the fc bias; dX runs back to bn1") {
  auto step = expand_with("bias-only");
  const auto& g = step.graph;
  CHECK(step.trainable_parameters == kBnChannels + 1000);
  // No weight gradient has MACs (dβ is a sum); every conv after bn1 and fc pass dX.
  CHECK(macs_of_pass(g, Pass::kBackwardWeight) == 0);
  CHECK(macs_of_pass(g, Pass::kBackwardData) == kResNet18Macs - kConv1Macs);
  CHECK(g.find_op("conv1.dX") < 0);
  // Frozen convs keep no input; BatchNorms keep input and statistics for their dX.
  for (int t : step.saved_tensors)
    for (int c : g.tensor(t).consumers)
      if (g.op(c).pass == Pass::kBackwardData)
        CHECK(g.op(g.op(c).forward_op).kind != workloads::OpKind::kConv);

  auto norm = expand_with("norm-only");
  CHECK(norm.trainable_parameters == 2 * kBnChannels);
  // Policies and globs combine: TinyTL's "bias" update with a trained classifier.
  auto bias_fc = expand_with("bias-only,fc");
  CHECK(bias_fc.trainable_parameters == kBnChannels + 1000 + 512 * 1000);
  auto last_bias = expand_with("last:2,bias-only");
  CHECK(last_bias.trainable_parameters ==
        kBnChannels + 1000 + 512 * 1000 + 2 * 512 * 512 * 9 + 2 * 2 * 512 - 2 * 512);
  CHECK_THROWS_WITH(training::parse_trainable("all,fc"), Catch::Contains("cannot be combined"));
}

TEST_CASE("A frozen BatchNorm on running statistics keeps nothing for its input gradient") {
  // Training layer4.1.conv2 and fc: the path back is fc, avgpool, relu2, add, bn2, conv2.
  const int64_t map = int64_t{512} * 7 * 7 * 4;  // one 512x7x7 fp32 map
  auto batch = expand_with("layer4.1.conv2,fc");
  // fc input, relu2 output, conv2 input (relu1 output), bn2 input and statistics.
  CHECK(batch.memory.saved_activation_bytes == 512 * 4 + map + map + map + 2 * 512 * 4);

  training::TrainingOptions o;
  o.frozen_batchnorm = training::FrozenBatchNorm::kRunningStatistics;
  auto running = expand_with("layer4.1.conv2,fc", o);
  CHECK(running.memory.saved_activation_bytes == 512 * 4 + map + map);
  const auto& g = running.graph;
  const auto& bn2 = g.op(g.find_op("layer4.1.bn2"));
  CHECK(bn2.outputs.size() == 1);   // no statistics output
  CHECK(bn2.ops_per_element == 2);  // scale and shift
  const auto& dx = g.op(g.find_op("layer4.1.bn2.dX"));
  CHECK(dx.ops_per_element == 1);  // dy·γ·rstd
  CHECK(g.tensor(dx.inputs[0]).kind == workloads::TensorKind::kParameter);
}

TEST_CASE("ReLU masks and eval-mode BatchNorm with a trained shift keep less") {
  const int64_t map = int64_t{512} * 7 * 7;  // one 512x7x7 map, elements
  training::TrainingOptions o;
  o.relu_saves = training::ReluSaves::kMask;
  o.frozen_batchnorm = training::FrozenBatchNorm::kRunningStatistics;
  // fc input (fp32), relu2's 1-bit mask, conv2's input (relu1's fp32 output, for its dW).
  auto step = expand_with("layer4.1.conv2,fc", o);
  CHECK(step.memory.saved_activation_bytes == 512 * 4 + map / 8 + map * 4);
  CHECK(step.graph.tensor(step.graph.find_tensor("layer4.1.relu2.mask")).elem_bits == 1);
  // bias-only on running statistics: every BatchNorm's dβ is Σ dy, no statistics kept.
  auto bias = expand_with("bias-only", o);
  const auto& g = bias.graph;
  CHECK(g.find_tensor("layer1.0.bn1.stats") < 0);
  const auto& dbeta = g.op(g.find_op("layer1.0.bn1.dW"));
  CHECK(dbeta.pass == Pass::kBackwardWeight);
  REQUIRE(dbeta.inputs.size() == 1);
  CHECK(g.tensor(dbeta.inputs[0]).kind == workloads::TensorKind::kGradient);
  for (int t : bias.saved_tensors)
    CHECK(g.op(g.tensor(t).producer).kind != workloads::OpKind::kBatchNorm);
  CHECK(bias.trainable_parameters == kBnChannels + 1000);
}

TEST_CASE("Frozen parameters can be stored at their own element size") {
  training::TrainingOptions o;
  o.frozen_weight_bits = 8;
  auto step = expand_with("fc", o);
  CHECK(step.memory.parameter_bytes == 513'000 * 4 + (kResNet18Params - 513'000));
}

TEST_CASE("Trainable text forms") {
  CHECK(training::parse_trainable("all").policy == training::TrainablePolicy::kAll);
  CHECK(training::parse_trainable("last:3").last_blocks == 3);
  auto p = training::parse_trainable("layer4.*, fc");
  REQUIRE(p.patterns.size() == 2);
  CHECK(p.patterns[1] == "fc");
  CHECK(p.str() == "layer4.*,fc");
  CHECK_THROWS_WITH(training::parse_trainable("last:0"), Catch::Contains("N must be"));
  CHECK_THROWS_WITH(training::parse_trainable(","), Catch::Contains("names nothing"));
  CHECK(training::resolved_trainable_str({}, false) == "all");
  CHECK(training::resolved_trainable_str({}, true) == "none (adapters only)");
}

TEST_CASE("Trainable sets that select nothing are errors naming the pattern") {
  CHECK_THROWS_WITH(expand_with("fc,layer9.*"),
                    Catch::Contains("'layer9.*'") || Catch::Contains("layer9.*"));
  CHECK_THROWS_WITH(expand_with("last:11"), Catch::Contains("10"));
  CHECK_THROWS_WITH(expand_with("none"), Catch::Contains("leaves no parameter"));
  // A network of one bias-free conv has no bias to train.
  workloads::Builder b("conv-only");
  b.global_avgpool("pool", b.conv("conv", b.input("x", {1, 3, 8, 8}), 4, 3));
  training::TrainingOptions o;
  o.trainable = training::parse_trainable("bias-only");
  CHECK_THROWS_WITH(training::expand(b.finish(), o), Catch::Contains("has no bias parameter"));

  auto yaml = core::parse_yaml("trainable: [fc, nothing.*]\n", "exp.yaml");
  auto spec = training::trainable_from_yaml(yaml["trainable"]);
  o.trainable = spec;
  try {
    training::expand(workloads::resnet18(), o);
    FAIL("expected a ConfigError");
  } catch (const core::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("exp.yaml:1") && Catch::Contains("nothing.*") &&
                             Catch::Contains("matches no op"));
  }
}

TEST_CASE("describe --trainable prints the partial step and rejects bad sets with exit 2") {
  auto r = run_cli("describe resnet18 --training --trainable fc --json");
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.output);
  CHECK(doc["totals"]["trainable_parameters"] == 513'000);
  CHECK(doc["totals"]["backward_macs"] == 512'000);
  CHECK(doc["memory"]["saved_activation_bytes"] == 2048);

  r = run_cli("describe resnet18 --training --trainable 'layer9.*'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("trainable") && Catch::Contains("layer9.*"));
  r = run_cli("describe resnet18 --trainable fc");  // needs --training
  CHECK(r.exit_code == 2);
  r = run_cli("cost resnet18 --accelerator tpu-like --training --trainable fc --json");
  REQUIRE(r.exit_code == 0);
  auto cost = nlohmann::json::parse(r.output);
  int backward = 0;
  for (const auto& op : cost["ops"])
    backward += op["pass"] == "backward-data" || op["pass"] == "backward-weight";
  CHECK(backward == 1);  // fc.dW
}

// Training MACs: forward + dX + dW, where dX and dW each repeat the forward nest of every
// conv / linear / matmul op (Training rules of thumb, shared/reference/workloads.md).
#include <catch2/catch.hpp>

#include "support/published_counts.hpp"
#include "tests/training/training_helpers.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"

using namespace monet;
using namespace monet::test;
using workloads::Pass;

TEST_CASE("ResNet-18 training MACs are forward + dX + dW, no dX for conv1") {
  auto step = training::expand(workloads::resnet18(), {});
  const auto& g = step.graph;
  // conv1: 64 filters of 3x7x7 over a 112x112 output.
  const int64_t conv1 = int64_t{64} * 3 * 7 * 7 * 112 * 112;
  REQUIRE(conv1 == 118'013'952);
  CHECK(macs_of_pass(g, Pass::kForward) == kResNet18Macs);
  CHECK(macs_of_pass(g, Pass::kBackwardData) == kResNet18Macs - conv1);
  CHECK(macs_of_pass(g, Pass::kBackwardWeight) == kResNet18Macs);
  CHECK(macs_of_pass(g, Pass::kBackwardData) + macs_of_pass(g, Pass::kBackwardWeight) ==
        2 * kResNet18Macs - 118'013'952);
  CHECK(macs_of_pass(g, Pass::kRecompute) == 0);
  CHECK(g.find_op("conv1.dX") < 0);
  CHECK(g.find_op("conv1.dW") >= 0);
  // Every backward nest costs exactly its forward nest.
  for (const auto& op : g.ops())
    if (op.is_compute() && op.pass != Pass::kForward)
      CHECK(op.macs() == g.op(op.forward_op).macs());
}

TEST_CASE("GPT-2 small: training MACs are 3x forward, attention backward is 2x forward") {
  auto step = training::expand(workloads::gpt2(), {});
  const auto& g = step.graph;
  CHECK(macs_of_pass(g, Pass::kForward) == kGpt2SmallMacs);
  // The first layer is the embedding lookup (no MACs), so every matmul has dX and dW.
  CHECK(macs_of_pass(g, Pass::kBackwardData) + macs_of_pass(g, Pass::kBackwardWeight) ==
        2 * kGpt2SmallMacs);
  // QKᵀ and A·V per layer: 12 heads x 1024 x 1024 x 64 each, 12 layers.
  const int64_t per_product = int64_t{12} * 1024 * 1024 * 64;
  const int64_t attention_forward = 2 * 12 * per_product;
  int64_t attention_backward = 0, attention_ops = 0;
  for (const auto& op : g.ops()) {
    if (op.pass == Pass::kForward || op.forward_op < 0) continue;
    const auto& f = g.op(op.forward_op);
    bool attention = f.name.find(".attn.qk") != std::string::npos ||
                     f.name.find(".attn.av") != std::string::npos;
    if (!attention || !op.is_compute()) continue;
    attention_backward += op.macs();
    ++attention_ops;
    CHECK(op.pass == Pass::kBackwardData);  // both operands are activations
  }
  CHECK(attention_ops == 4 * 12);  // two gradient matmuls per product
  CHECK(attention_backward == 2 * attention_forward);
  CHECK(attention_backward == 38'654'705'664);
}

TEST_CASE("GPT-2 tied embedding accumulates one weight gradient") {
  workloads::Gpt2Options o;
  o.layers = 2;
  o.seq = 64;
  auto step = training::expand(workloads::gpt2(o), {});
  const auto& g = step.graph;
  int wte = g.find_tensor("wte.weight");
  int grad = step.gradient_of.at(wte);
  REQUIRE(grad >= 0);
  const auto& sum = g.op(g.tensor(grad).producer);
  CHECK(sum.kind == workloads::OpKind::kGradSum);
  REQUIRE(sum.inputs.size() == 2);
  std::vector<std::string> producers;
  for (int t : sum.inputs) producers.push_back(g.op(g.tensor(t).producer).name);
  std::sort(producers.begin(), producers.end());
  CHECK(producers == std::vector<std::string>{"lm_head.dW", "wte.dW"});
  int updates = 0;
  for (const auto& op : g.ops())
    if (op.kind == workloads::OpKind::kOptimizer)
      updates += std::count(op.inputs.begin(), op.inputs.end(), wte);
  CHECK(updates == 1);
}

TEST_CASE("Optimizer state is 0x, 1x and 2x the parameters") {
  using training::Optimizer;
  auto g = workloads::resnet18();
  for (auto [opt, copies] : {std::pair{Optimizer::kSgd, 0}, std::pair{Optimizer::kMomentum, 1},
                             std::pair{Optimizer::kAdam, 2}, std::pair{Optimizer::kAdamW, 2}}) {
    training::TrainingOptions o;
    o.optimizer = opt;
    auto m = training::expand(g, o).memory;
    CHECK(m.parameter_bytes == kResNet18Params * 4);
    CHECK(m.gradient_bytes == kResNet18Params * 4);
    CHECK(m.optimizer_state_bytes == copies * kResNet18Params * 4);
  }
  training::TrainingOptions mixed;
  mixed.optimizer = Optimizer::kAdam;
  mixed.activation_bits = 16;
  mixed.gradient_bits = 16;
  auto m = training::expand(workloads::gpt2(), mixed).memory;
  CHECK(m.parameter_bytes == kGpt2SmallParams * 4);  // fp32 master weights, tied head once
  CHECK(m.gradient_bytes == kGpt2SmallParams * 2);
  CHECK(m.optimizer_state_bytes == 2 * kGpt2SmallParams * 4);
}

// Saved tensors (autograd semantics) and the sequential liveness sweep.
#include <catch2/catch.hpp>
#include <cmath>

#include "tests/training/training_helpers.hpp"
#include "training/expand.hpp"
#include "workloads/builder.hpp"
#include "workloads/models.hpp"

using namespace monet;
using namespace monet::test;

namespace {
std::vector<std::string> names(const workloads::Graph& g, const std::vector<int>& ids) {
  std::vector<std::string> out;
  for (int t : ids) out.push_back(g.tensor(t).name);
  return out;
}
}  // namespace

TEST_CASE("Each forward op saves what its backward reads") {
  auto step = training::expand(workloads::resnet18(), {});
  const auto& g = step.graph;
  auto saved = [&](const std::string& op) {
    return names(g, training::saved_by(step, g.find_op(op)));
  };
  CHECK(saved("conv1") == std::vector<std::string>{"input"});  // dW needs the input
  CHECK(saved("layer1.0.conv2") == std::vector<std::string>{"layer1.0.relu1"});
  CHECK(saved("bn1") == std::vector<std::string>{"conv1", "bn1.stats"});
  CHECK(saved("relu") == std::vector<std::string>{"relu"});  // ReLU keeps its output
  CHECK(saved("maxpool") == std::vector<std::string>{"maxpool.indices"});
  CHECK(saved("layer1.0.add").empty());
  CHECK(saved("avgpool").empty());
  CHECK(saved("fc") == std::vector<std::string>{"avgpool"});

  workloads::Gpt2Options o;
  o.layers = 1;
  o.seq = 32;
  o.dropout = true;
  auto lm = training::expand(workloads::gpt2(o), {});
  const auto& h = lm.graph;
  auto lsaved = [&](const std::string& op) {
    return names(h, training::saved_by(lm, h.find_op(op)));
  };
  CHECK(lsaved("h0.mlp.gelu") == std::vector<std::string>{"h0.mlp.c_fc"});  // GELU keeps input
  CHECK(lsaved("h0.attn.softmax") == std::vector<std::string>{"h0.attn.softmax"});
  CHECK(lsaved("h0.attn.attn_dropout") == std::vector<std::string>{"h0.attn.attn_dropout.mask"});
  CHECK(lsaved("h0.attn.qk") ==
        std::vector<std::string>{"h0.attn.split_heads.0", "h0.attn.split_heads.1"});
  CHECK(lsaved("h0.ln_1") == std::vector<std::string>{"embed.dropout", "h0.ln_1.stats"});
  // A dropout mask is one byte per element whatever the activation size.
  CHECK(tensor_bytes(h, "h0.attn.attn_dropout.mask") == 12 * 32 * 32);
}

// Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models",
// section 4.1: a transformer layer with 16-bit activations stores s·b·h·(34 + 5·a·s/h) bytes,
// counting 1-byte dropout masks. This test builds GPT-2 small WITH dropout (Gpt2Options::
// dropout = true), as the formula assumes.
TEST_CASE("GPT-2 small saved activations per layer match Korthikanti's formula") {
  const double s = 1024, b = 1, h = 768, a = 12;
  const double expected = s * b * h * (34 + 5 * a * s / h);
  REQUIRE(expected == 89'653'248.0);
  training::TrainingOptions opt;
  opt.activation_bits = 16;
  opt.gradient_bits = 16;
  auto saved_bytes = [&](int64_t layers) {
    workloads::Gpt2Options o;
    o.layers = layers;
    o.dropout = true;
    o.elem_bits = 16;
    return training::expand(workloads::gpt2(o), opt).memory.saved_activation_bytes;
  };
  const int64_t twelve = saved_bytes(12);
  const double per_layer = static_cast<double>(twelve - saved_bytes(11));
  CHECK(std::abs(per_layer - expected) / expected < 0.10);
  // The embedding and head keep little, so the 12-layer average agrees as well.
  CHECK(std::abs(static_cast<double>(twelve) / 12 - expected) / expected < 0.10);
}

// input [1,8] -> fc (8->4, no bias) -> relu -> MSE, plain SGD, fp32. Ops in order:
// 0 fc, 1 relu, 2 loss, 3 relu.dX, 4 fc.dW, 5 fc.weight.update. Bytes: weight 128, input 32,
// labels 16, fc out 16, relu out 16, loss 4, relu.grad 16, fc.grad 16, weight grad 128.
TEST_CASE("Sequential liveness sweep on a hand-checked graph") {
  workloads::Builder b("tiny");
  int x = b.input("x", {1, 8});
  int y = b.linear("fc", x, 4, /*bias=*/false);
  b.unary("relu", y, workloads::OpKind::kRelu);
  training::TrainingOptions o;
  o.loss = training::Loss::kMse;
  auto step = training::expand(b.finish(), o);
  const auto& g = step.graph;
  REQUIRE(g.ops().size() == 6);
  CHECK(g.op(3).name == "relu.dX");
  CHECK(g.op(4).name == "fc.dW");
  auto l = training::sweep_liveness(g);
  const std::vector<int64_t> expected = {
      128 + 32 + 16 + 16,           // fc: weight, x, labels, fc out
      128 + 32 + 16 + 16 + 16,      // relu: + relu out
      128 + 32 + 16 + 16 + 4 + 16,  // loss: fc out freed; loss value, relu.grad
      128 + 32 + 16 + 16 + 16,      // relu.dX: relu out, relu.grad, fc.grad
      128 + 32 + 16 + 128,          // fc.dW: x, fc.grad, weight grad
      128 + 128,                    // update in place
  };
  CHECK(l.live_bytes == expected);
  CHECK(step.memory.sequential_peak_bytes == 304);
  CHECK(g.op(step.memory.peak_op).name == "fc.dW");
  CHECK(step.memory.saved_activation_bytes == 16);  // relu keeps its output; x is an input
  CHECK(step.memory.parameter_bytes == 128);
  CHECK(step.memory.gradient_bytes == 128);
}

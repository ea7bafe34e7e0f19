// Training options: names, YAML, losses.
#include <catch2/catch.hpp>

#include "core/yaml.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"
#include "workloads/yaml_workload.hpp"

using namespace monet;
using training::Loss;
using training::Optimizer;

TEST_CASE("Optimizer and loss names parse, unknown names list the valid ones") {
  CHECK(training::parse_optimizer("adamw") == Optimizer::kAdamW);
  CHECK(training::parse_optimizer("momentum") == Optimizer::kMomentum);
  CHECK(training::parse_loss("mse") == Loss::kMse);
  CHECK_THROWS_WITH(
      training::parse_optimizer("lion"),
      Catch::Contains("unknown optimizer 'lion'") && Catch::Contains("sgd, momentum, adam, adamw"));
  CHECK_THROWS_WITH(training::parse_loss("hinge"),
                    Catch::Contains("unknown loss 'hinge'") && Catch::Contains("cross-entropy"));
}

TEST_CASE("Training options from YAML, with located errors") {
  auto ok = core::parse_yaml(
      "training:\n  optimizer: adam\n  activation_bits: 16\n  checkpoint: [a, b]\n", "t.yaml");
  auto o = training::training_options_from_yaml(ok["training"]);
  CHECK(o.optimizer == Optimizer::kAdam);
  CHECK(o.activation_bits == 16);
  CHECK(o.weight_bits == 0);  // not set: the workload's element size
  CHECK(o.checkpoint.names == std::vector<std::string>{"a", "b"});

  auto bad =
      core::parse_yaml("training:\n  optimizer: adamx\n  weight_bits: 0\n  lr: 1\n", "t.yaml");
  CHECK_THROWS_WITH(training::training_options_from_yaml(bad["training"]),
                    Catch::Contains("t.yaml:4") && Catch::Contains("unknown field"));
  auto bad2 = core::parse_yaml("training:\n  optimizer: adamx\n  weight_bits: 0\n", "t.yaml");
  CHECK_THROWS_WITH(training::training_options_from_yaml(bad2["training"]),
                    Catch::Contains("t.yaml:2") && Catch::Contains("unknown optimizer 'adamx'") &&
                        Catch::Contains("t.yaml:3") && Catch::Contains("at least 1"));

  auto relu =
      core::parse_yaml("training:\n  relu_saves: mask\n  trainable: [bias-only, fc]\n", "t.yaml");
  auto r = training::training_options_from_yaml(relu["training"]);
  CHECK(r.relu_saves == training::ReluSaves::kMask);
  CHECK(r.trainable.patterns == std::vector<std::string>{"bias-only", "fc"});
  auto bad3 = core::parse_yaml("training:\n  relu_saves: bits\n  trainable: [fc, all]\n", "t.yaml");
  CHECK_THROWS_WITH(training::training_options_from_yaml(bad3["training"]),
                    Catch::Contains("t.yaml:2") && Catch::Contains("unknown relu_saves 'bits'") &&
                        Catch::Contains("output, mask") && Catch::Contains("t.yaml:3") &&
                        Catch::Contains("cannot be combined"));
}

TEST_CASE("Losses: labels and element counts follow the output") {
  auto resnet = training::expand(workloads::resnet18(), {});
  CHECK(resnet.loss == Loss::kCrossEntropy);
  const auto& loss = resnet.graph.op(resnet.loss_op);
  CHECK(loss.kind == workloads::OpKind::kLoss);
  CHECK(resnet.graph.tensor(loss.inputs[1]).shape == workloads::Shape{1});  // one class id
  CHECK(loss.elements == 1000);

  workloads::Gpt2Options g;
  g.layers = 1;
  g.seq = 16;
  auto lm = training::expand(workloads::gpt2(g), {});
  CHECK(lm.loss == Loss::kNextTokenCrossEntropy);
  const auto& lm_loss = lm.graph.op(lm.loss_op);
  CHECK(lm.graph.tensor(lm_loss.inputs[1]).shape == workloads::Shape{1, 16});
  CHECK(lm_loss.elements == 15 * 50257);  // the last position predicts nothing

  training::TrainingOptions mse;
  mse.loss = Loss::kMse;
  mse.activation_bits = 16;
  auto reg = training::expand(workloads::resnet12(), mse);
  const auto& reg_loss = reg.graph.op(reg.loss_op);
  CHECK(reg.graph.tensor(reg_loss.inputs[1]).shape == workloads::Shape{1, 640});
  CHECK(reg.graph.tensor(reg_loss.inputs[1]).bytes() == 640 * 2);

  training::TrainingOptions next;
  next.loss = Loss::kNextTokenCrossEntropy;
  CHECK_THROWS_WITH(training::expand(workloads::resnet18(), next),
                    Catch::Contains("needs [B, T, vocab]"));
}

TEST_CASE("Training precision follows the workload's element_bits unless set (#11 item 2)") {
  // 64 → 32 → 10 MLP at 16 bit: fc1 64·32 + 32, fc2 32·10 + 10 = 2,410 parameters.
  const auto forward = workloads::parse_workload_yaml(
      "name: mlp16\nbatch: 4\nelement_bits: 16\ninputs:\n  - {name: x, shape: [64]}\n"
      "layers:\n  - {name: fc1, type: linear, out_features: 32}\n"
      "  - {name: relu1, type: relu}\n  - {name: fc2, type: linear, out_features: 10}\n",
      "mlp16.yaml");
  const int64_t params = 64 * 32 + 32 + 32 * 10 + 10;
  CHECK(training::workload_element_bits(forward) == 16);
  training::TrainingOptions adam;
  adam.optimizer = Optimizer::kAdam;
  const auto step = training::expand(forward, adam);
  CHECK(step.precision == training::TrainingPrecision{16, 16, 16, 16, 16});
  CHECK(step.memory.parameter_bytes == params * 2);
  CHECK(step.memory.gradient_bytes == params * 2);
  CHECK(step.memory.optimizer_state_bytes == 2 * params * 2);  // Adam: m and v
  // fc1's output [4, 32] is saved for relu1's backward at 2 B per element.
  CHECK(step.graph.tensor(step.graph.find_tensor("fc1")).bytes() == 4 * 32 * 2);

  // An explicit size overrides the workload's; the others still follow it.
  training::TrainingOptions master32 = adam;
  master32.weight_bits = 32;
  const auto mixed = training::expand(forward, master32);
  CHECK(mixed.precision == training::TrainingPrecision{16, 32, 16, 16, 32});
  CHECK(mixed.memory.parameter_bytes == params * 4);
  CHECK(mixed.memory.gradient_bytes == params * 2);
  CHECK(mixed.memory.optimizer_state_bytes == 2 * params * 2);
}

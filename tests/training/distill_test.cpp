// Knowledge distillation steps: the frozen teacher's ops before the student's step, its
// logits read by the loss, the memory of both models, and bad input.
#include <catch2/catch.hpp>

#include <algorithm>

#include "support/published_counts.hpp"
#include "tests/training/training_helpers.hpp"
#include "training/distill.hpp"
#include "training/memory.hpp"
#include "workloads/models.hpp"

using namespace monet;
using test::kResNet18Macs;
using test::kResNet18Params;
using workloads::Pass;

namespace {}  // namespace

TEST_CASE("Distilling ResNet-18 from a 16-bit ResNet-18: teacher ops first, frozen, logits kept") {
  auto student = workloads::resnet18({.batch = 2});
  auto teacher = workloads::resnet18({.batch = 2, .elem_bits = 16});
  auto step = training::expand_distillation(student, teacher, {});
  const auto& g = step.graph;
  const int teacher_ops = static_cast<int>(teacher.ops().size());
  // The teacher's forward ops come first, then the student's step.
  for (int i = 0; i < teacher_ops; ++i) {
    CHECK(g.op(i).pass == Pass::kForward);
    CHECK(g.op(i).name.rfind("teacher.", 0) == 0);
  }
  CHECK(step.forward_op_count == 2 * teacher_ops);
  CHECK(g.op(step.loss_op).pass == Pass::kLoss);
  // No op derives from a teacher op: no gradient, no update for the teacher.
  for (const auto& op : g.ops()) CHECK((op.forward_op < 0 || op.forward_op >= teacher_ops));
  CHECK(step.trainable_parameters == kResNet18Params);
  // Teacher MACs once (forward); the student's forward, dX (no conv1 dX) and dW as usual.
  const int64_t conv1 = int64_t{2} * 64 * 3 * 7 * 7 * 112 * 112;
  CHECK(test::macs_of_pass(g, Pass::kForward) == 2 * (2 * kResNet18Macs));
  CHECK(test::macs_of_pass(g, Pass::kBackwardData) == 2 * kResNet18Macs - conv1);
  // The teacher runs its BatchNorm on running statistics.
  CHECK(g.op(g.find_op("teacher.bn1")).ops_per_element == 2);
  // Same input shape: the teacher reads the student's images.
  CHECK(g.find_tensor("teacher.input") < 0);
  // The loss reads the student's and the teacher's logits: 2 x 1000 elements, 26 ops each.
  const auto& loss = g.op(step.loss_op);
  const int logits = g.find_tensor(training::kTeacherLogits);
  REQUIRE(logits >= 0);
  CHECK(std::find(loss.inputs.begin(), loss.inputs.end(), logits) != loss.inputs.end());
  CHECK(g.tensor(logits).producer == g.find_op("teacher.fc"));
  CHECK(loss.elements == 2 * 1000);
  CHECK(loss.ops_per_element == 26);
  CHECK(step.loss == training::Loss::kDistillation);
  // Memory: both models' parameters (the teacher at 16 bit), the teacher's logits at 16 bit.
  CHECK(step.memory.parameter_bytes == kResNet18Params * 4 + kResNet18Params * 2);
  REQUIRE(step.teacher);
  CHECK(step.teacher->parameters == kResNet18Params);
  CHECK(step.teacher->parameter_bytes == kResNet18Params * 2);
  CHECK(step.teacher->logits_bytes == 2 * 1000 * 2);
  CHECK(step.teacher->macs == 2 * kResNet18Macs);
  // The logits live from the teacher's last op to the loss.
  auto live = training::sweep_liveness(g);
  for (int i = g.find_op("teacher.fc"); i <= step.loss_op; ++i)
    CHECK(live.live_bytes[static_cast<size_t>(i)] >= step.teacher->logits_bytes);
}

TEST_CASE("A teacher at another resolution reads its own input; a student can use adapters") {
  auto student = workloads::mobilevit({.batch = 1});
  auto teacher = workloads::resnet18({.batch = 1});
  training::TrainingOptions o;
  o.adapters = {training::AdapterSpec{}};
  o.adapters[0].targets = {"head.fc"};
  o.adapters[0].rank = 4;
  auto step = training::expand_distillation(student, teacher, o);
  CHECK(step.graph.find_tensor("teacher.input") >= 0);
  CHECK(step.trainable_parameters == 4 * (320 + 1000));
}

TEST_CASE("Distillation rejects mismatched logits and other losses") {
  auto student = workloads::resnet18({.batch = 2});
  CHECK_THROWS_WITH(training::expand_distillation(student, workloads::resnet12({.batch = 2}), {}),
                    Catch::Contains("[2x640]") && Catch::Contains("[2x1000]"));
  CHECK_THROWS_WITH(training::expand_distillation(student, workloads::resnet18({.batch = 4}), {}),
                    Catch::Contains("same batch"));
  training::TrainingOptions mse;
  mse.loss = training::Loss::kMse;
  CHECK_THROWS_WITH(training::expand_distillation(student, workloads::resnet18({.batch = 2}), mse),
                    Catch::Contains("distillation loss"));
  training::TrainingOptions kd;
  kd.loss = training::Loss::kDistillation;
  CHECK_THROWS_WITH(training::expand(student, kd), Catch::Contains("teacher.logits"));
}

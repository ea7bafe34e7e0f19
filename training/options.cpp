#include "training/options.hpp"

#include <algorithm>
#include <utility>

#include "core/error.hpp"

namespace monet::training {

const core::NameTable<Loss>& loss_names() {
  static const core::NameTable<Loss> table(
      "loss",
      {{Loss::kAuto, "auto"},
       {Loss::kCrossEntropy, "cross-entropy"},
       {Loss::kNextTokenCrossEntropy, "next-token-cross-entropy"},
       {Loss::kMse, "mse"},
       {Loss::kDistillation, "distillation"}},
      {{Loss::kNextTokenCrossEntropy, "next-token"}});
  return table;
}

const core::NameTable<Optimizer>& optimizer_names() {
  static const core::NameTable<Optimizer> table("optimizer",
                                                {{Optimizer::kSgd, "sgd"},
                                                 {Optimizer::kMomentum, "momentum"},
                                                 {Optimizer::kAdam, "adam"},
                                                 {Optimizer::kAdamW, "adamw"}},
                                                {{Optimizer::kMomentum, "sgd-momentum"}});
  return table;
}

const core::NameTable<FrozenBatchNorm>& frozen_batchnorm_names() {
  static const core::NameTable<FrozenBatchNorm> table(
      "frozen_batchnorm", {{FrozenBatchNorm::kBatchStatistics, "batch-statistics"},
                           {FrozenBatchNorm::kRunningStatistics, "running-statistics"}});
  return table;
}

std::string_view loss_name(Loss l) {
  return loss_names().name(l);
}

std::string_view optimizer_name(Optimizer o) {
  return optimizer_names().name(o);
}

Loss parse_loss(std::string_view name) {
  return loss_names().parse(name);
}

Optimizer parse_optimizer(std::string_view name) {
  return optimizer_names().parse(name);
}

std::string_view frozen_batchnorm_name(FrozenBatchNorm f) {
  return frozen_batchnorm_names().name(f);
}

FrozenBatchNorm parse_frozen_batchnorm(std::string_view name) {
  return frozen_batchnorm_names().parse(name);
}

const core::NameTable<ReluSaves>& relu_saves_names() {
  static const core::NameTable<ReluSaves> table(
      "relu_saves", {{ReluSaves::kOutput, "output"}, {ReluSaves::kMask, "mask"}});
  return table;
}

std::string_view relu_saves_name(ReluSaves r) {
  return relu_saves_names().name(r);
}

ReluSaves parse_relu_saves(std::string_view name) {
  return relu_saves_names().parse(name);
}

int workload_element_bits(const workloads::Graph& forward) {
  int parameter_bits = 0, activation_bits = 0;
  for (const auto& t : forward.tensors()) {
    if (t.kind == workloads::TensorKind::kParameter)
      parameter_bits = std::max(parameter_bits, t.elem_bits);
    if (t.kind == workloads::TensorKind::kActivation)
      activation_bits = std::max(activation_bits, t.elem_bits);
  }
  if (parameter_bits > 0) return parameter_bits;
  return activation_bits > 0 ? activation_bits : 32;
}

TrainingOptions with_element_bits(TrainingOptions o, int element_bits) {
  for (int* bits : {&o.activation_bits, &o.weight_bits, &o.gradient_bits, &o.optimizer_state_bits})
    if (*bits == 0) *bits = element_bits;
  return o;
}

TrainingPrecision precision_of(const TrainingOptions& o) {
  return {o.activation_bits, o.weight_bits, o.gradient_bits, o.optimizer_state_bits,
          o.frozen_weight_bits ? o.frozen_weight_bits : o.weight_bits};
}

int optimizer_state_count(Optimizer o) {
  switch (o) {
    case Optimizer::kSgd:
      return 0;
    case Optimizer::kMomentum:
      return 1;
    case Optimizer::kAdam:
    case Optimizer::kAdamW:
      return 2;
  }
  return 0;
}

double optimizer_ops_per_element(Optimizer o) {
  switch (o) {
    case Optimizer::kSgd:
      return 2;  // w -= lr·g
    case Optimizer::kMomentum:
      return 4;  // v = μ·v + g; w -= lr·v
    // m = β1·m + (1-β1)·g (3); v = β2·v + (1-β2)·g² (4); w -= lr·m̂ / (sqrt(v̂) + ε) (5)
    case Optimizer::kAdam:
      return 12;
    case Optimizer::kAdamW:
      return 14;  // + decoupled weight decay w -= lr·λ·w
  }
  return 0;
}

TrainingOptions training_options_from_yaml(const core::YamlNode& node) {
  if (!node.is_map()) node.fail("must be a map of training options");
  node.reject_unknown_keys({"loss", "optimizer", "activation_bits", "weight_bits", "gradient_bits",
                            "optimizer_state_bits", "checkpoint", "trainable", "frozen_weight_bits",
                            "frozen_batchnorm", "relu_saves", "adapters"});
  TrainingOptions o;
  core::IssueList issues;
  auto guarded = [&](auto&& f) {
    try {
      f();
    } catch (const core::ConfigError& e) {
      issues.append(e);
    }
  };
  auto name_field = [&](const char* key, auto parse, auto& out) {
    core::YamlNode n = node[key];
    if (!n.defined()) return;
    guarded([&] {
      std::string text = n.as_string();
      try {
        out = parse(text);
      } catch (const core::ConfigError&) {
        throw;
      } catch (const core::Error& e) {
        n.fail(e.what());
      }
    });
  };
  name_field("loss", parse_loss, o.loss);
  name_field("optimizer", parse_optimizer, o.optimizer);
  name_field("frozen_batchnorm", parse_frozen_batchnorm, o.frozen_batchnorm);
  name_field("relu_saves", parse_relu_saves, o.relu_saves);
  auto bits = [&](const char* key, int& out) {
    core::YamlNode n = node[key];
    if (n.defined()) guarded([&] { out = static_cast<int>(n.as_int(1, 64)); });
  };
  bits("activation_bits", o.activation_bits);
  bits("weight_bits", o.weight_bits);
  bits("gradient_bits", o.gradient_bits);
  bits("optimizer_state_bits", o.optimizer_state_bits);
  bits("frozen_weight_bits", o.frozen_weight_bits);
  if (node["checkpoint"].defined())
    guarded([&] { o.checkpoint = checkpoint_plan_from_yaml(node["checkpoint"]); });
  if (node["adapters"].defined())
    guarded([&] { o.adapters = adapters_from_yaml(node["adapters"]); });
  if (node["trainable"].defined())
    guarded([&] { o.trainable = trainable_from_yaml(node["trainable"]); });
  issues.throw_if_any();
  return o;
}

}  // namespace monet::training

// Options of the forward → training-step expansion.
#pragma once

#include <string>
#include <string_view>

#include "core/names.hpp"
#include "core/yaml.hpp"
#include "training/adapters.hpp"
#include "training/checkpoint.hpp"
#include "training/trainable.hpp"
#include "workloads/graph.hpp"

namespace monet::training {

enum class Loss {
  kAuto,                   // next-token cross-entropy for [B, T, V] outputs, else cross-entropy
  kCrossEntropy,           // class ids over the last dim
  kNextTokenCrossEntropy,  // language modelling: T-1 shifted targets per sequence
  kMse,                    // targets shaped like the output
  // Knowledge distillation (Hinton et al. 2015): KL divergence to a teacher's softened
  // logits plus cross-entropy on class ids; the forward graph carries the teacher's logits as
  // input `teacher.logits` (distill.hpp builds it).
  kDistillation,
};

enum class Optimizer { kSgd, kMomentum, kAdam, kAdamW };

// How a BatchNorm whose γ is frozen normalises: with the batch's statistics (PyTorch's train
// mode, the default: its input and statistics are kept when a gradient must pass through it)
// or with its running statistics (eval mode: a per-channel scale and shift whose input and β
// gradients read no activation).
enum class FrozenBatchNorm { kBatchStatistics, kRunningStatistics };
// Operations per element of a BatchNorm on its running statistics (eval mode, inference, a
// distillation teacher): x·scale + shift with the statistics folded into scale and shift.
inline constexpr double kRunningBatchNormOps = 2;

// What a ReLU keeps for its backward: its output (PyTorch) or a 1-bit mask of the positive
// elements (memory-efficient training engines; TinyTL counts ReLUs this way).
enum class ReluSaves { kOutput, kMask };

struct TrainingOptions {
  Loss loss = Loss::kAuto;
  Optimizer optimizer = Optimizer::kSgd;
  // Element sizes. Activations cover forward outputs (graph inputs keep their own size);
  // gradients cover activation and parameter gradients; weights are the (master) parameters.
  // 0 = the workload's element size (workload_element_bits): a 16-bit workload trains at 16
  // bit unless a size is set here.
  int activation_bits = 0;
  int weight_bits = 0;
  int gradient_bits = 0;
  int optimizer_state_bits = 0;
  CheckpointPlan checkpoint;
  // Which parameters train (trainable.hpp); frozen ones get no gradient or optimizer state.
  TrainableSpec trainable;
  int frozen_weight_bits = 0;  // element size of frozen parameters; 0 = weight_bits
  FrozenBatchNorm frozen_batchnorm = FrozenBatchNorm::kBatchStatistics;
  ReluSaves relu_saves = ReluSaves::kOutput;
  // Rewrites of the forward graph before the expansion (adapters.hpp); their parameters
  // always train, and with adapters the default trainable set is "none" (adapters only).
  std::vector<AdapterSpec> adapters;
};

// The element sizes a training step used, every 0 of TrainingOptions resolved.
struct TrainingPrecision {
  int activation_bits = 0;
  int weight_bits = 0;
  int gradient_bits = 0;
  int optimizer_state_bits = 0;
  int frozen_weight_bits = 0;
  bool operator==(const TrainingPrecision&) const = default;
};

// The workload's element size: that of the forward graph's parameters (the largest when they
// differ), else of its activations, else 32 — builders, workload files and ONNX imports give
// every parameter the workload's element_bits.
int workload_element_bits(const workloads::Graph& forward);
// `o` with each 0 element size replaced by `element_bits` (frozen_weight_bits stays 0 = the
// weight size).
TrainingOptions with_element_bits(TrainingOptions o, int element_bits);
// The sizes of `o` once resolved (no 0 left; frozen_weight_bits 0 reads as weight_bits).
TrainingPrecision precision_of(const TrainingOptions& o);

// The name tables: "auto", "cross-entropy", "next-token-cross-entropy", "mse";
// "sgd", "momentum", "adam", "adamw".
const core::NameTable<Loss>& loss_names();
const core::NameTable<Optimizer>& optimizer_names();
std::string_view loss_name(Loss l);
std::string_view optimizer_name(Optimizer o);
// Throw core::Error listing the valid names.
Loss parse_loss(std::string_view name);
Optimizer parse_optimizer(std::string_view name);
const core::NameTable<FrozenBatchNorm>& frozen_batchnorm_names();
std::string_view frozen_batchnorm_name(FrozenBatchNorm f);  // "batch-statistics", ...
FrozenBatchNorm parse_frozen_batchnorm(std::string_view name);
const core::NameTable<ReluSaves>& relu_saves_names();
std::string_view relu_saves_name(ReluSaves r);  // "output", "mask"
ReluSaves parse_relu_saves(std::string_view name);

// State tensors per parameter tensor (momentum 1, Adam 2) and arithmetic per element.
int optimizer_state_count(Optimizer o);
double optimizer_ops_per_element(Optimizer o);

// A `training:` map: loss, optimizer, activation_bits, weight_bits, gradient_bits,
// optimizer_state_bits, checkpoint, trainable, frozen_weight_bits, frozen_batchnorm,
// relu_saves, adapters.
// Unknown keys and bad values are ConfigErrors.
TrainingOptions training_options_from_yaml(const core::YamlNode& node);

}  // namespace monet::training

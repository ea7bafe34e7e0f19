#include "cli/training_report.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/units.hpp"
#include "training/expand.hpp"
#include "training/report.hpp"

namespace monet::cli {

namespace {
bool is_yaml_path(const std::string& s) {
  auto ends = [&](const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".yaml") || ends(".yml");
}

std::string bytes(int64_t b) {
  return core::format_count(static_cast<double>(b)) + " (" +
         core::format_bytes(static_cast<double>(b)) + ")";
}
}  // namespace

training::TrainingOptions to_training_options(const TrainingArgs& a) {
  training::TrainingOptions o;
  o.optimizer = training::parse_optimizer(a.optimizer);
  o.loss = training::parse_loss(a.loss);
  o.activation_bits = a.activation_bits;
  o.weight_bits = a.weight_bits;
  o.gradient_bits = a.gradient_bits;
  o.optimizer_state_bits = a.optimizer_state_bits;
  o.checkpoint = is_yaml_path(a.checkpoint) ? training::load_checkpoint_plan(a.checkpoint)
                                            : training::parse_checkpoint_plan(a.checkpoint);
  try {
    o.trainable = training::parse_trainable(a.trainable);
  } catch (const core::Error& e) {
    throw core::Error(std::string("--trainable: ") + e.what());
  }
  o.frozen_weight_bits = a.frozen_weight_bits;
  o.frozen_batchnorm = training::parse_frozen_batchnorm(a.frozen_batchnorm);
  o.relu_saves = training::parse_relu_saves(a.relu_saves);
  if (!a.adapters.empty()) o.adapters = training::parse_adapters(a.adapters, "--adapters");
  return o;
}

void add_adapters_option(CLI::App* cmd, std::string& adapters, CLI::Option* needs) {
  cmd->add_option("--adapters", adapters,
                  "Adapters before the expansion: a YAML file or YAML text such as "
                  "'[{kind: lora, rank: 8, targets: [\"*.qkv\"]}]' (kinds lora, da3, "
                  "lite-residual; configs/experiments/README.md)")
      ->needs(needs);
}

void add_trainable_option(CLI::App* cmd, std::string& trainable, CLI::Option* needs) {
  cmd->add_option("--trainable", trainable,
                  "Parameters that train: all (default), none, last:N (last N blocks), "
                  "bias-only, norm-only, or a list of op-name globs (block:GLOB for block "
                  "names) and bias-only/norm-only/last:N trained together: \"layer4.*,fc\", "
                  "\"bias-only,fc\"")
      ->needs(needs);
}

void add_training_options(CLI::App* cmd, TrainingArgs& a) {
  auto* t = cmd->add_flag("--training", a.training,
                          "Describe a training step: forward, loss, backward, optimizer");
  auto bits = CLI::Range(1, 64);
  cmd->add_option("--optimizer", a.optimizer, "sgd, momentum, adam or adamw")->needs(t);
  cmd->add_option("--loss", a.loss, "auto, cross-entropy, next-token-cross-entropy or mse")
      ->needs(t);
  cmd->add_option("--checkpoint", a.checkpoint,
                  "Activations not kept for backward: none, all-but-inputs-of-blocks, sqrt, "
                  "every:K, drop:NAME[,NAME...] or a YAML file")
      ->needs(t);
  cmd->add_option("--activation-bits", a.activation_bits,
                  "Bits per activation element (default: the workload's element size)")
      ->check(bits)
      ->needs(t);
  cmd->add_option("--weight-bits", a.weight_bits,
                  "Bits per (master) weight element (default: the workload's element size)")
      ->check(bits)
      ->needs(t);
  cmd->add_option("--gradient-bits", a.gradient_bits,
                  "Bits per gradient element (default: the workload's element size)")
      ->check(bits)
      ->needs(t);
  cmd->add_option("--optimizer-state-bits", a.optimizer_state_bits,
                  "Bits per optimizer state element (default: the workload's element size)")
      ->check(bits)
      ->needs(t);
  add_trainable_option(cmd, a.trainable, t);
  add_adapters_option(cmd, a.adapters, t);
  cmd->add_option("--frozen-weight-bits", a.frozen_weight_bits,
                  "Bits per frozen parameter element (default: --weight-bits)")
      ->check(bits)
      ->needs(t);
  cmd->add_option("--frozen-batchnorm", a.frozen_batchnorm,
                  "BatchNorm with a frozen γ: batch-statistics (train mode, default) or "
                  "running-statistics (eval mode)")
      ->needs(t);
  cmd->add_option("--relu-saves", a.relu_saves,
                  "What a ReLU keeps for backward: output (default) or mask (1 bit per element)")
      ->needs(t);
}

void print_training_report(const workloads::Graph& forward, const TrainingArgs& a, bool json) {
  training::TrainingOptions o = to_training_options(a);
  training::TrainingStep step = training::expand(forward, o);
  const bool planned = o.checkpoint.kind != training::CheckpointKind::kNone;
  training::MemoryReport baseline;
  if (planned) {
    training::TrainingOptions none = o;
    none.checkpoint = {};
    baseline = training::expand(forward, none).memory;
  }
  if (json) {
    std::cout << core::json_text(training::training_json(step, o, planned ? &baseline : nullptr), 2)
              << "\n";
    return;
  }
  std::printf("%s training step: optimizer %s, loss %s, checkpoint %s\n", forward.name().c_str(),
              std::string(training::optimizer_name(o.optimizer)).c_str(),
              std::string(training::loss_name(step.loss)).c_str(), o.checkpoint.str().c_str());
  std::printf("element sizes: %s\n", training::precision_text(step.precision).c_str());
  for (const auto& ad : o.adapters) std::printf("adapter: %s\n", ad.str().c_str());
  std::printf(
      "trainable: %s — %s of %s parameters train%s\n\n",
      training::resolved_trainable_str(o.trainable, !step.adapter_parameters.empty()).c_str(),
      core::format_count(static_cast<double>(step.trainable_parameters)).c_str(),
      core::format_count(static_cast<double>(step.parameters)).c_str(),
      o.frozen_weight_bits
          ? (" (frozen at " + std::to_string(step.precision.frozen_weight_bits) + " bit)").c_str()
          : "");
  static const char* labels[] = {"forward",     "loss",      "backward dX",
                                 "backward dW", "optimizer", "recompute"};
  std::printf("%-14s %8s %26s %26s\n", "phase", "ops", "MACs", "element ops");
  int64_t ops = 0, macs = 0;
  double elems = 0;
  for (const auto& p : training::phase_totals(step.graph)) {
    std::printf("%-14s %8lld %26s %26s\n", labels[static_cast<int>(p.pass)],
                static_cast<long long>(p.ops),
                core::format_count(static_cast<double>(p.macs)).c_str(),
                core::format_count(p.element_ops).c_str());
    ops += p.ops;
    macs += p.macs;
    elems += p.element_ops;
  }
  std::printf("%-14s %8lld %26s %26s\n\n", "total", static_cast<long long>(ops),
              core::format_count(static_cast<double>(macs)).c_str(),
              core::format_count(elems).c_str());
  const auto& m = step.memory;
  std::printf("%-19s %32s", "memory (bytes)", ("checkpoint " + o.checkpoint.str()).c_str());
  std::printf(planned ? " %32s\n" : "\n", "no checkpoint");
  auto row = [&](const char* name, int64_t v, int64_t base) {
    std::printf("%-19s %32s", name, bytes(v).c_str());
    if (planned) std::printf(" %32s", bytes(base).c_str());
    std::printf("\n");
  };
  row("parameters", m.parameter_bytes, baseline.parameter_bytes);
  row("gradients", m.gradient_bytes, baseline.gradient_bytes);
  row("optimizer state", m.optimizer_state_bytes, baseline.optimizer_state_bytes);
  row("saved activations", m.saved_activation_bytes, baseline.saved_activation_bytes);
  row("sequential peak", m.sequential_peak_bytes, baseline.sequential_peak_bytes);
  if (m.peak_op >= 0)
    std::printf("(peak while running %s; %zu saved tensors)\n",
                step.graph.op(m.peak_op).name.c_str(), step.saved_tensors.size());
}

}  // namespace monet::cli

// Per-phase totals of a training step and its JSON form (schema monet.training/1).
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "training/expand.hpp"

namespace monet::training {

inline constexpr int kPassCount = 6;

struct PhaseTotals {
  workloads::Pass pass = workloads::Pass::kForward;
  int64_t ops = 0;
  int64_t macs = 0;
  double element_ops = 0;
};

// One entry per Pass, in enum order (forward, loss, dX, dW, optimizer, recompute).
std::array<PhaseTotals, kPassCount> phase_totals(const workloads::Graph& g);

inline constexpr const char* kTrainingSchema = "monet.training/1";
// `baseline` (optional) is the memory of the same step without a checkpoint plan.
nlohmann::json training_json(const TrainingStep& step, const TrainingOptions& options,
                             const MemoryReport* baseline = nullptr);
nlohmann::json memory_json(const MemoryReport& m);

// What a run reports about the training step besides its memory: parameter counts and the
// trainable set and adapters as resolved.
struct TrainingSummary {
  int64_t parameters = 0;
  int64_t trainable_parameters = 0;
  int64_t adapter_parameters = 0;
  std::string trainable;                  // resolved_trainable_str
  std::vector<std::string> adapters;      // AdapterSpec::str()
  std::optional<TeacherSummary> teacher;  // distillation steps
  TrainingPrecision precision;            // element sizes used
};
TrainingSummary training_summary(const TrainingStep& step);
nlohmann::json training_summary_json(const TrainingSummary& s);
nlohmann::json teacher_json(const TeacherSummary& t);
// {activation_bits, weight_bits, gradient_bits, optimizer_state_bits, frozen_weight_bits}.
nlohmann::json precision_json(const TrainingPrecision& p);
// "activations 16 bit, weights 16, gradients 16, optimizer state 16[, frozen weights 8]".
std::string precision_text(const TrainingPrecision& p);

}  // namespace monet::training

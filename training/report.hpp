// Per-phase totals of a training step and its JSON form (schema monet.training/1).
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

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

}  // namespace monet::training

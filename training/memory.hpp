// Memory accounting of a training step: persistent state, saved activations and the peak of
// a sequential execution (ops one after another in graph order, every tensor freed after its
// last reader).
#pragma once

#include <cstdint>
#include <vector>

#include "workloads/graph.hpp"

namespace monet::training {

struct MemoryReport {
  int64_t parameter_bytes = 0;         // parameters (no producer), at the weight size
  int64_t gradient_bytes = 0;          // final parameter gradients, one per parameter tensor
  int64_t optimizer_state_bytes = 0;   // momentum / Adam moments
  int64_t saved_activation_bytes = 0;  // forward activations kept for backward or recompute
  int64_t sequential_peak_bytes = 0;   // largest live set of the sequential sweep
  int peak_op = -1;                    // op running at that peak
};

struct Liveness {
  std::vector<int64_t> live_bytes;  // per op: bytes live while it runs
  int64_t peak_bytes = 0;
  int peak_op = -1;
};

// Parameters and optimizer state without a producer live throughout; graph inputs and
// labels from the start to their last reader; any other tensor from its producer to its
// last reader (only its producer's step when nobody reads it). Outputs of optimizer ops are
// the parameters and state updated in place and add nothing.
Liveness sweep_liveness(const workloads::Graph& g);

// `saved` are the forward activations kept for backward (TrainingStep::saved_tensors).
MemoryReport memory_report(const workloads::Graph& g, const std::vector<int>& saved);

}  // namespace monet::training

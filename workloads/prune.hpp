// Pruning as a MAC and weight reduction: every weighted compute op (a conv or linear whose
// weight operand is a parameter used by that op alone) keeps round((1 - ratio) * C) of its C
// input channels per group, and its weight tensor shrinks with it. This is the form of
// channel pruning that removes input channels of each layer (He, Zhang & Sun, ICCV 2017):
// the op reads fewer channels of its input and holds fewer weights. The activation tensors
// keep their shapes (the producer of a pruned channel is not removed), so activation traffic
// is not reduced — an upper bound on a fully propagated pruning's cost.
#pragma once

#include <cstdint>

#include "workloads/graph.hpp"

namespace monet::workloads {

struct PruneReport {
  int64_t macs_before = 0, macs_after = 0;        // forward compute ops
  int64_t weights_before = 0, weights_after = 0;  // parameter elements read by pruned ops
  int pruned_ops = 0;
  // Ops left whole: depthwise (one channel per group), shared weights, no parameter weight.
  int kept_ops = 0;
};

// `ratio` in [0, 1): the fraction of each op's input channels removed. Throws core::Error
// outside that range.
PruneReport prune_input_channels(Graph& g, double ratio);

}  // namespace monet::workloads

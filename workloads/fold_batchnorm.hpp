// Folding inference BatchNorms into the convolution or linear layer before them, as deployment
// compilers do (TensorRT's layer fusion, ONNX export optimisers, and the programs Tensil
// compiles: docs/validation.md, "What the compiled programs contain"): on running statistics a
// BatchNorm is y = x·s + t per channel, which the weights (scaled by s) and the bias (t) of
// the layer before it absorb, so the BatchNorm op and its element pass disappear.
#pragma once

#include <string>
#include <vector>

#include "workloads/graph.hpp"

namespace monet::workloads {

struct FoldReport {
  std::vector<std::string> folded;  // the BatchNorm ops removed, in graph order
  std::vector<std::string> into;    // the op each was folded into
};

// Folds every BatchNorm whose input is the only output of a forward conv or matmul with a
// parameter weight, read by that BatchNorm alone. The layer then writes the BatchNorm's output
// tensor and takes the BatchNorm's shift (its bias parameter) as its bias when it has none;
// the scale parameter is dropped. Other BatchNorms (after an addition, a pooling, an input)
// stay. An inference transform: the graph must be a forward graph.
FoldReport fold_batchnorm(Graph& g);

}  // namespace monet::workloads

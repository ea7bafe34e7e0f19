// What the importer takes for granted about the ONNX ops it reads (default domain), in one
// table: the fewest inputs it reads, how an op's `axis` attribute is bounded, and which inputs
// are the data and weight of a sliding window. onnx_check.cpp enforces the inputs before
// anything reads a shape; onnx_infer.cpp the axis and window rules before libonnx's inference
// functions, which index dims with them unchecked.
#pragma once

#include <cstdint>
#include <string>

namespace monet::workloads::onnx_detail {

enum class AxisRange {
  kAnyRank,     // in [-32, 32]: the largest rank a model may declare
  kWithinRank,  // in [-r, r-1] for a first input of rank r: the axis indexes one of its dims
  kFlatten,     // in [-r, r]: Flatten splits the dims before `axis` from those after
};

struct OpRule {
  int min_inputs = 0;  // 0: not one the importer converts or folds (see min_inputs())
  AxisRange axis = AxisRange::kAnyRank;
  int window_data = -1;    // a convolution or pooling: its data input, else -1
  int window_weight = -1;  // and its weight input (-1: none, a pooling)
  // min_inputs holds from this opset on; before it the op read its other operands from
  // attributes and needs 1 input (0: every opset).
  int64_t inputs_since_opset = 0;
};

// The rule of an op type; an op the table does not list gets the defaults.
const OpRule& op_rule(const std::string& op_type);

// Fewest inputs the importer reads for an op type it converts or folds (0: not one of them),
// for the model's opset (OpRule::inputs_since_opset).
int min_inputs(const std::string& op_type, int64_t opset);

}  // namespace monet::workloads::onnx_detail

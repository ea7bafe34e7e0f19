// Internal to the ONNX importer: compile-time tensors and the evaluation of the sub-graphs that
// compute them. Exporters spell sizes as small graphs (PyTorch: Shape → Gather → Unsqueeze →
// Concat → Reshape; Range, ConstantOfShape, Expand and Where for masks and position ids;
// Cast → Div → Floor for integer arithmetic). The importer folds every such node whose inputs
// are all constant before it converts the model, so slices, reshapes, pads and resizes see
// numbers (onnx_infer.cpp runs the folding together with shape inference).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "workloads/onnx_model.hpp"

namespace monet::workloads::onnx_detail {

// Larger constants are never shape arithmetic (attention masks, weights): they are not folded.
inline constexpr int64_t kMaxFoldElements = int64_t{1} << 16;

struct ConstTensor {
  int32_t type = onnx::TensorProto::INT64;  // ONNX element type
  Shape shape;                              // empty for a scalar; dims may be 0
  std::vector<int64_t> ints;                // integer and bool types
  std::vector<double> reals;                // floating types

  bool integral() const { return !is_real_type(type); }
  int64_t size() const { return static_cast<int64_t>(integral() ? ints.size() : reals.size()); }
  double real(int64_t i) const { return integral() ? static_cast<double>(ints[i]) : reals[i]; }
  static bool is_real_type(int32_t t);
  // Element types the folder computes with (numbers and bool; not strings or complex).
  static bool is_numeric_type(int32_t t);
};

// The data of a stored tensor; nullopt when none is stored (external data, weights exported
// as graph inputs), its type has no arithmetic, or it is larger than kMaxFoldElements.
// Throws ModelError when the stored data does not match its dims.
std::optional<ConstTensor> const_of(const onnx::TensorProto& t);
// The tensor as libonnx's shape inference reads it (getInputData); nullopt for types it does
// not need there.
std::optional<onnx::TensorProto> proto_of(const ConstTensor& c, const std::string& name);

// Evaluates one node from its constant inputs (nullptr: absent or not constant) and the
// static shapes of its inputs (for Shape and Size). nullopt when the op is not one the folder
// knows, a needed input is not constant, or the result is invalid (division by zero, integer
// overflow) or larger than kMaxFoldElements; the converters then report what they miss.
std::optional<ConstTensor> fold(const onnx::NodeProto& n, int64_t opset,
                                const std::vector<const ConstTensor*>& inputs,
                                const std::vector<std::optional<Shape>>& input_shapes);

// True for the op types fold() evaluates.
bool foldable(const std::string& op_type);

// One axis of a Slice (ONNX rules: negative bounds count from the end, then clamp; a negative
// step walks backwards). Shared by the folder and the Slice converter.
struct SliceAxis {
  int64_t begin = 0;
  int64_t length = 0;
};
SliceAxis slice_axis(int64_t dim, int64_t start, int64_t end, int64_t step);

}  // namespace monet::workloads::onnx_detail

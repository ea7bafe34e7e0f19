// Internal to the ONNX folder (onnx_fold.cpp dispatches to these): the tensor helpers, the
// element-wise kernels (onnx_fold_elementwise.cpp) and the layout kernels
// (onnx_fold_layout.cpp). Every kernel returns nullopt rather than a guess: a result over
// kMaxFoldElements, an integer that overflows its type, a division by zero.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "workloads/onnx_const.hpp"

namespace monet::workloads::onnx_detail::fold_ops {

using TP = onnx::TensorProto;
using Ints = std::vector<int64_t>;
using Result = std::optional<ConstTensor>;

// ---- tensors (onnx_fold_tensor.cpp)
// Elements of a folded shape, or nullopt beyond the fold limit.
std::optional<int64_t> fold_size(const Shape& s);
// Whether an integer value is representable in the ONNX integer type.
bool fits(int32_t type, int64_t v);
// A result with `shape`, values filled by the caller; nullopt beyond the fold limit.
Result make(int32_t type, const Shape& shape);
// The result, or nullopt when an integer value does not fit its type.
Result checked(Result r);
Ints strides_of(const Shape& s);
// numpy broadcasting of the shapes; nullopt when they do not broadcast.
std::optional<Shape> broadcast(const std::vector<const Shape*>& shapes);
// Flat index into `in` (broadcast to `out`) of the element at flat output index `i`.
int64_t source_index(int64_t i, const Shape& out, const Shape& in);
// A possibly negative axis of a tensor of `rank` dims, or nullopt when out of range.
std::optional<int64_t> axis_of(int64_t axis, size_t rank);

// ---- element-wise (onnx_fold_elementwise.cpp)
bool is_comparison(const std::string& op);
Result binary(const std::string& op, const ConstTensor& a, const ConstTensor& b, bool fmod);
Result unary(const std::string& op, const ConstTensor& x);
Result cast(const ConstTensor& x, int64_t to);

// ---- layout and reductions (onnx_fold_layout.cpp)
Result reshape(const ConstTensor& x, const Ints& target, bool allowzero);
Result unsqueeze(const ConstTensor& x, const Ints& axes);
Result squeeze(const ConstTensor& x, const Ints& axes);
Result concat(const std::vector<const ConstTensor*>& parts, int64_t axis_attr);
Result gather(const ConstTensor& x, const ConstTensor& idx, int64_t axis_attr);
Result slice(const ConstTensor& x, const Ints& starts, const Ints& ends, Ints axes, Ints steps);
Result transpose(const ConstTensor& x, Ints perm);
Result expand(const ConstTensor& x, const Ints& target);
Result where(const ConstTensor& c, const ConstTensor& x, const ConstTensor& y);
Result tile(const ConstTensor& x, const Ints& repeats);
Result range(const ConstTensor& start, const ConstTensor& limit, const ConstTensor& delta);
Result constant_of_shape(const onnx::NodeProto& n, const ConstTensor& shape);
Result reduce(const std::string& op, const ConstTensor& x, std::optional<Ints> axes, bool keepdims,
              bool noop_with_empty);

}  // namespace monet::workloads::onnx_detail::fold_ops

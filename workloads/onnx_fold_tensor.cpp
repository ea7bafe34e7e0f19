// Tensor helpers of the ONNX folder: sizes within the fold limit, integer ranges per ONNX
// type, strides and numpy broadcasting.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_set>

#include "core/checked_math.hpp"
#include "workloads/onnx_fold_ops.hpp"

namespace monet::workloads::onnx_detail::fold_ops {

// Number of elements of a folded shape, or nullopt beyond the fold limit.
std::optional<int64_t> fold_size(const Shape& s) {
  for (int64_t d : s)
    if (d < 0) return std::nullopt;
  auto n = core::checked_product(s);
  if (!n || *n > kMaxFoldElements) return std::nullopt;
  return n;
}

bool fits(int32_t type, int64_t v) {
  switch (type) {
    case TP::BOOL:
      return v == 0 || v == 1;
    case TP::INT8:
      return v >= INT8_MIN && v <= INT8_MAX;
    case TP::UINT8:
      return v >= 0 && v <= UINT8_MAX;
    case TP::INT16:
      return v >= INT16_MIN && v <= INT16_MAX;
    case TP::UINT16:
      return v >= 0 && v <= UINT16_MAX;
    case TP::INT32:
      return v >= INT32_MIN && v <= INT32_MAX;
    case TP::UINT32:
      return v >= 0 && v <= UINT32_MAX;
    default:
      return true;
  }
}

// A result with `shape`, values filled by the caller; nullopt beyond the fold limit.
Result make(int32_t type, const Shape& shape) {
  auto n = fold_size(shape);
  if (!n) return std::nullopt;
  ConstTensor c;
  c.type = type;
  c.shape = shape;
  if (c.integral())
    c.ints.assign(*n, 0);
  else
    c.reals.assign(*n, 0.0);
  return c;
}

Result checked(Result r) {
  if (r && r->integral())
    for (int64_t v : r->ints)
      if (!fits(r->type, v)) return std::nullopt;
  if (r && !r->integral())
    for (double& v : r->reals) {
      // Not folded when float32 cannot hold the value (the conversion would be undefined).
      if (r->type == TP::FLOAT && !(std::abs(v) <= std::numeric_limits<float>::max()))
        return std::nullopt;
      if (r->type == TP::FLOAT) v = static_cast<float>(v);  // keep float32 rounding
    }
  return r;
}

// An empty tensor (a 0 dim) is never indexed, and its other dims may be as large as int64
// allows, so their product could overflow: its strides are all 0.
Ints strides_of(const Shape& s) {
  Ints st(s.size(), 1);
  if (std::find(s.begin(), s.end(), 0) != s.end()) return Ints(s.size(), 0);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

std::optional<Shape> broadcast(const std::vector<const Shape*>& shapes) {
  size_t rank = 0;
  for (auto* s : shapes) rank = std::max(rank, s->size());
  Shape out(rank, 1);
  for (auto* s : shapes)
    for (size_t i = 0; i < s->size(); ++i) {
      int64_t& o = out[rank - s->size() + i];
      const int64_t d = (*s)[i];
      if (d == o || d == 1) continue;
      if (o != 1) return std::nullopt;
      o = d;
    }
  return out;
}

// Flat index into `in` (broadcast to `out`) of the element at flat output index `i`.
int64_t source_index(int64_t i, const Shape& out, const Shape& in) {
  const size_t off = out.size() - in.size();
  int64_t src = 0, stride = 1;
  for (size_t d = out.size(); d-- > 0;) {
    const int64_t coord = i % out[d];
    i /= out[d];
    if (d < off) continue;
    const int64_t dim = in[d - off];
    if (dim != 1) src += coord * stride;
    stride *= dim;
  }
  return src;
}

std::optional<int64_t> axis_of(int64_t axis, size_t rank) {
  return norm_axis(axis, rank);
}

}  // namespace monet::workloads::onnx_detail::fold_ops

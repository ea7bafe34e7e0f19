// fold(): numpy-style evaluation of the ops exporters use for shape arithmetic, with
// broadcasting, on tensors of at most kMaxFoldElements elements. Integer results that overflow
// their type, a division by zero or a float that does not convert to an integer leave the node
// unfolded rather than guessing.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_set>

#include "core/checked_math.hpp"
#include "workloads/onnx_const.hpp"

namespace monet::workloads::onnx_detail {

namespace {

using TP = onnx::TensorProto;
using Ints = std::vector<int64_t>;
using Result = std::optional<ConstTensor>;

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

// ---------------------------------------------------------------- elementwise

std::optional<int64_t> int_op(const std::string& op, int64_t x, int64_t y, bool fmod) {
  if (op == "Add") return core::checked_add(x, y);
  if (op == "Sub") {
    if (y == std::numeric_limits<int64_t>::min()) return std::nullopt;
    return core::checked_add(x, -y);
  }
  if (op == "Mul") return core::checked_mul(x, y);
  if (op == "Div" || op == "Mod") {
    if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1)) return std::nullopt;
    if (op == "Div") return x / y;  // truncation, as ONNX Runtime does for integers
    int64_t m = x % y;
    if (!fmod && m != 0 && ((m < 0) != (y < 0))) m += y;  // Python's sign rule
    return m;
  }
  if (op == "Pow") {
    if (y < 0) return std::nullopt;
    if (x == -1) return y % 2 ? -1 : 1;  // (and 0, 1 below stop at once): no 2^62-step loop
    int64_t r = 1;
    for (int64_t k = 0; k < y; ++k) {
      auto next = core::checked_mul(r, x);
      if (!next) return std::nullopt;
      r = *next;
      if (r == 0 || r == 1) break;
    }
    return r;
  }
  if (op == "Min") return std::min(x, y);
  if (op == "Max") return std::max(x, y);
  if (op == "Equal") return x == y;
  if (op == "Less") return x < y;
  if (op == "Greater") return x > y;
  if (op == "LessOrEqual") return x <= y;
  if (op == "GreaterOrEqual") return x >= y;
  if (op == "And") return x && y;
  if (op == "Or") return x || y;
  if (op == "Xor") return (x != 0) != (y != 0);
  return std::nullopt;
}

std::optional<double> real_op(const std::string& op, double x, double y) {
  if (op == "Add") return x + y;
  if (op == "Sub") return x - y;
  if (op == "Mul") return x * y;
  if (op == "Div") return x / y;
  if (op == "Mod") return std::fmod(x, y);
  if (op == "Pow") return std::pow(x, y);
  if (op == "Min") return std::min(x, y);
  if (op == "Max") return std::max(x, y);
  return std::nullopt;
}

bool is_comparison(const std::string& op) {
  static const std::unordered_set<std::string> c = {"Equal", "Less", "Greater", "LessOrEqual",
                                                    "GreaterOrEqual"};
  return c.count(op) > 0;
}

Result binary(const std::string& op, const ConstTensor& a, const ConstTensor& b, bool fmod) {
  auto shape = broadcast({&a.shape, &b.shape});
  if (!shape) return std::nullopt;
  const bool logic = op == "And" || op == "Or" || op == "Xor";
  const bool compare = is_comparison(op);
  if (a.integral() != b.integral() && !compare) return std::nullopt;
  if (logic && !(a.integral() && b.integral())) return std::nullopt;
  Result r = make(compare || logic ? TP::BOOL : a.type, *shape);
  if (!r) return std::nullopt;
  for (int64_t i = 0; i < r->size(); ++i) {
    const int64_t ia = source_index(i, *shape, a.shape), ib = source_index(i, *shape, b.shape);
    if (a.integral() && b.integral()) {
      auto v = int_op(op, a.ints[ia], b.ints[ib], fmod);
      if (!v) return std::nullopt;
      r->ints[i] = *v;
    } else if (compare) {
      const double x = a.real(ia), y = b.real(ib);
      r->ints[i] = op == "Equal"         ? x == y
                   : op == "Less"        ? x < y
                   : op == "Greater"     ? x > y
                   : op == "LessOrEqual" ? x <= y
                                         : x >= y;
    } else {
      auto v = real_op(op, a.reals[ia], b.reals[ib]);
      if (!v) return std::nullopt;
      r->reals[i] = *v;
    }
  }
  return r;
}

Result unary(const std::string& op, const ConstTensor& x) {
  ConstTensor r = x;
  if (op == "Not") {
    if (!x.integral()) return std::nullopt;
    for (auto& v : r.ints) v = !v;
    r.type = TP::BOOL;
    return r;
  }
  if (x.integral()) {
    for (auto& v : r.ints) {
      if (op == "Neg" || op == "Abs") {
        if (v == std::numeric_limits<int64_t>::min()) return std::nullopt;
        v = op == "Neg" ? -v : std::abs(v);
      } else if (op == "Sign") {
        v = (v > 0) - (v < 0);
      } else if (op == "Relu") {
        v = std::max<int64_t>(v, 0);
      } else if (op != "Floor" && op != "Ceil" && op != "Round") {
        return std::nullopt;  // Sqrt, Reciprocal of integers: not exporter arithmetic
      }
    }
    return r;
  }
  for (auto& v : r.reals) {
    if (op == "Neg")
      v = -v;
    else if (op == "Abs")
      v = std::fabs(v);
    else if (op == "Floor")
      v = std::floor(v);
    else if (op == "Ceil")
      v = std::ceil(v);
    else if (op == "Round")
      v = std::nearbyint(v);  // half to even, as ONNX specifies
    else if (op == "Sqrt")
      v = std::sqrt(v);
    else if (op == "Reciprocal")
      v = 1.0 / v;
    else if (op == "Sign")
      v = (v > 0) - (v < 0);
    else if (op == "Relu")
      v = std::max(v, 0.0);
    else
      return std::nullopt;
  }
  return r;
}

Result cast(const ConstTensor& x, int64_t to) {
  if (to > std::numeric_limits<int32_t>::max() ||
      !ConstTensor::is_numeric_type(static_cast<int32_t>(to)))
    return std::nullopt;
  ConstTensor r;
  r.type = static_cast<int32_t>(to);
  r.shape = x.shape;
  if (!r.integral()) {
    for (int64_t i = 0; i < x.size(); ++i) r.reals.push_back(x.real(i));
    return r;
  }
  for (int64_t i = 0; i < x.size(); ++i) {
    if (x.integral()) {
      r.ints.push_back(r.type == TP::BOOL ? x.ints[i] != 0 : x.ints[i]);
      continue;
    }
    const double v = x.reals[i];
    if (r.type == TP::BOOL) {
      r.ints.push_back(v != 0);
      continue;
    }
    // Beyond int64 (or NaN) the conversion is undefined: do not fold.
    if (!(v > -9.2e18 && v < 9.2e18)) return std::nullopt;
    r.ints.push_back(static_cast<int64_t>(v));
  }
  return r;
}

// ---------------------------------------------------------------- layout

// Copies the elements of `x` at the flat indices `from` into a tensor of `shape`.
Result gathered(const ConstTensor& x, const Shape& shape, const Ints& from) {
  Result r = make(x.type, shape);
  if (!r) return std::nullopt;
  for (size_t i = 0; i < from.size(); ++i) {
    if (r->integral())
      r->ints[i] = x.ints[from[i]];
    else
      r->reals[i] = x.reals[from[i]];
  }
  return r;
}

// A tensor of shape `out` whose element at each coordinate is x's element at the flat index
// sum over the output axes d of offset(d, coordinate along d): slices, tiles, transposes.
template <class Offset>
Result remap(const ConstTensor& x, const Shape& out, Offset offset) {
  auto n = fold_size(out);
  if (!n) return std::nullopt;
  Ints from(*n);
  for (int64_t i = 0; i < *n; ++i) {
    int64_t rest = i, src = 0;
    for (size_t d = out.size(); d-- > 0;) {
      src += offset(d, rest % out[d]);
      rest /= out[d];
    }
    from[i] = src;
  }
  return gathered(x, out, from);
}

Result reshape(const ConstTensor& x, const Ints& target, bool allowzero) {
  Shape out;
  int infer = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == 0 && !allowzero) {
      if (i >= x.shape.size()) return std::nullopt;
      d = x.shape[i];
    }
    if (d == -1) {
      if (infer >= 0) return std::nullopt;
      infer = static_cast<int>(i);
      d = 1;
    }
    if (d < 0) return std::nullopt;
    out.push_back(d);
  }
  auto known = fold_size(out);
  if (!known) return std::nullopt;
  if (infer >= 0) {
    if (*known == 0 || x.size() % *known) return std::nullopt;
    out[infer] = x.size() / *known;
  }
  if (fold_size(out) != x.size()) return std::nullopt;
  ConstTensor r = x;
  r.shape = out;
  return r;
}

Result unsqueeze(const ConstTensor& x, const Ints& axes) {
  const size_t rank = x.shape.size() + axes.size();
  std::vector<bool> mark(rank, false);
  for (int64_t a : axes) {
    auto ax = axis_of(a, rank);
    if (!ax || mark[*ax]) return std::nullopt;
    mark[*ax] = true;
  }
  Shape out;
  for (size_t i = 0, j = 0; i < rank; ++i) out.push_back(mark[i] ? 1 : x.shape[j++]);
  ConstTensor r = x;
  r.shape = out;
  return r;
}

Result squeeze(const ConstTensor& x, const Ints& axes) {
  std::vector<bool> mark(x.shape.size(), axes.empty());
  for (int64_t a : axes) {
    auto ax = axis_of(a, x.shape.size());
    if (!ax || x.shape[*ax] != 1) return std::nullopt;
    mark[*ax] = true;
  }
  Shape out;
  for (size_t i = 0; i < x.shape.size(); ++i)
    if (!(mark[i] && x.shape[i] == 1)) out.push_back(x.shape[i]);
  ConstTensor r = x;
  r.shape = out;
  return r;
}

Result concat(const std::vector<const ConstTensor*>& parts, int64_t axis_attr) {
  if (parts.empty()) return std::nullopt;
  const Shape& first = parts[0]->shape;
  auto axis = axis_of(axis_attr, first.size());
  if (!axis) return std::nullopt;
  Shape out = first;
  out[*axis] = 0;
  for (auto* p : parts) {
    if (p->shape.size() != first.size() || p->integral() != parts[0]->integral())
      return std::nullopt;
    for (size_t d = 0; d < first.size(); ++d)
      if (static_cast<int64_t>(d) != *axis && p->shape[d] != first[d]) return std::nullopt;
    out[*axis] += p->shape[*axis];
  }
  Result r = make(parts[0]->type, out);
  if (!r) return std::nullopt;
  int64_t outer = 1;
  for (int64_t d = 0; d < *axis; ++d) outer *= out[d];
  int64_t at = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (auto* p : parts) {
      const int64_t block = p->size() / outer;
      for (int64_t k = 0; k < block; ++k, ++at) {
        if (r->integral())
          r->ints[at] = p->ints[o * block + k];
        else
          r->reals[at] = p->reals[o * block + k];
      }
    }
  return r;
}

Result gather(const ConstTensor& x, const ConstTensor& idx, int64_t axis_attr) {
  auto axis = axis_of(axis_attr, x.shape.size());
  if (!axis || !idx.integral()) return std::nullopt;
  const int64_t dim = x.shape[*axis];
  Shape out(x.shape.begin(), x.shape.begin() + *axis);
  out.insert(out.end(), idx.shape.begin(), idx.shape.end());
  out.insert(out.end(), x.shape.begin() + *axis + 1, x.shape.end());
  if (!fold_size(out)) return std::nullopt;
  int64_t inner = 1, outer = 1;
  for (size_t d = *axis + 1; d < x.shape.size(); ++d) inner *= x.shape[d];
  for (int64_t d = 0; d < *axis; ++d) outer *= x.shape[d];
  Ints from;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : idx.ints) {
      if (i < 0) i += dim;
      if (i < 0 || i >= dim) return std::nullopt;
      for (int64_t k = 0; k < inner; ++k) from.push_back((o * dim + i) * inner + k);
    }
  return gathered(x, out, from);
}

Result slice(const ConstTensor& x, const Ints& starts, const Ints& ends, Ints axes, Ints steps) {
  const size_t rank = x.shape.size();
  if (starts.size() != ends.size()) return std::nullopt;
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size()) return std::nullopt;
  Ints begin(rank, 0), step(rank, 1);
  Shape out = x.shape;
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto ax = axis_of(axes[i], rank);
    if (!ax || seen[*ax] || steps[i] == 0 || steps[i] == std::numeric_limits<int64_t>::min())
      return std::nullopt;
    seen[*ax] = true;
    const SliceAxis a = slice_axis(x.shape[*ax], starts[i], ends[i], steps[i]);
    out[*ax] = a.length;
    begin[*ax] = a.begin;
    step[*ax] = steps[i];
  }
  const Ints in_strides = strides_of(x.shape);
  return remap(x, out,
               [&](size_t d, int64_t c) { return (begin[d] + c * step[d]) * in_strides[d]; });
}

Result transpose(const ConstTensor& x, Ints perm) {
  const size_t rank = x.shape.size();
  if (perm.empty())
    for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  if (perm.size() != rank) return std::nullopt;
  std::vector<bool> used(rank, false);
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(rank) || used[p]) return std::nullopt;
    used[p] = true;
    out.push_back(x.shape[p]);
  }
  const Ints in_strides = strides_of(x.shape);
  return remap(x, out, [&](size_t d, int64_t c) { return c * in_strides[perm[d]]; });
}

Result expand(const ConstTensor& x, const Ints& target) {
  const Shape t(target.begin(), target.end());
  for (int64_t d : t)
    if (d < 0) return std::nullopt;
  auto out = broadcast({&x.shape, &t});
  if (!out) return std::nullopt;
  auto n = fold_size(*out);
  if (!n) return std::nullopt;
  Ints from(*n);
  for (int64_t i = 0; i < *n; ++i) from[i] = source_index(i, *out, x.shape);
  return gathered(x, *out, from);
}

Result where(const ConstTensor& c, const ConstTensor& x, const ConstTensor& y) {
  if (!c.integral() || x.integral() != y.integral()) return std::nullopt;
  auto out = broadcast({&c.shape, &x.shape, &y.shape});
  if (!out) return std::nullopt;
  Result r = make(x.type, *out);
  if (!r) return std::nullopt;
  for (int64_t i = 0; i < r->size(); ++i) {
    const bool pick = c.ints[source_index(i, *out, c.shape)] != 0;
    const ConstTensor& src = pick ? x : y;
    const int64_t j = source_index(i, *out, src.shape);
    if (r->integral())
      r->ints[i] = src.ints[j];
    else
      r->reals[i] = src.reals[j];
  }
  return r;
}

Result tile(const ConstTensor& x, const Ints& repeats) {
  if (repeats.size() != x.shape.size()) return std::nullopt;
  Shape out;
  for (size_t d = 0; d < repeats.size(); ++d) {
    auto m = repeats[d] < 0 ? std::nullopt : core::checked_mul(x.shape[d], repeats[d]);
    if (!m) return std::nullopt;
    out.push_back(*m);
  }
  const Ints in_strides = strides_of(x.shape);
  return remap(x, out, [&](size_t d, int64_t c) { return (c % x.shape[d]) * in_strides[d]; });
}

Result range(const ConstTensor& start, const ConstTensor& limit, const ConstTensor& delta) {
  if (start.size() != 1 || limit.size() != 1 || delta.size() != 1) return std::nullopt;
  if (start.integral()) {
    if (!limit.integral() || !delta.integral() || delta.ints[0] == 0) return std::nullopt;
    const int64_t s = start.ints[0], l = limit.ints[0], d = delta.ints[0];
    // ceil((l - s) / d) without overflow: both fit in int64 after the sign checks.
    if ((d > 0 && l <= s) || (d < 0 && l >= s)) return make(start.type, {0});
    const long double len = std::ceil((static_cast<long double>(l) - s) / d);
    if (len > kMaxFoldElements) return std::nullopt;
    Result r = make(start.type, {static_cast<int64_t>(len)});
    if (!r) return std::nullopt;
    for (int64_t i = 0; i < r->size(); ++i) r->ints[i] = s + i * d;
    return r;
  }
  const double s = start.real(0), l = limit.real(0), d = delta.real(0);
  const double len = std::ceil((l - s) / d);
  if (!(d != 0) || !(len < kMaxFoldElements)) return std::nullopt;
  Result r = make(start.type, {std::max<int64_t>(static_cast<int64_t>(std::max(len, 0.0)), 0)});
  if (!r) return std::nullopt;
  for (int64_t i = 0; i < r->size(); ++i) r->reals[i] = s + static_cast<double>(i) * d;
  return r;
}

Result constant_of_shape(const onnx::NodeProto& n, const ConstTensor& shape) {
  if (!shape.integral() || shape.shape.size() > 1) return std::nullopt;
  ConstTensor value;
  value.type = TP::FLOAT;
  value.reals = {0.0};
  if (const auto* a = find_attr(n, "value"); a && a->has_t()) {
    auto v = const_of(a->t());
    if (!v || v->size() != 1) return std::nullopt;
    value = *v;
  }
  Result r = make(value.type, Shape(shape.ints.begin(), shape.ints.end()));
  if (!r) return std::nullopt;
  if (r->integral())
    std::fill(r->ints.begin(), r->ints.end(), value.ints[0]);
  else
    std::fill(r->reals.begin(), r->reals.end(), value.reals[0]);
  return r;
}

Result reduce(const std::string& op, const ConstTensor& x, std::optional<Ints> axes, bool keepdims,
              bool noop_with_empty) {
  if (!axes || axes->empty()) {
    if (noop_with_empty && axes) return x;
    axes = Ints{};
    for (size_t d = 0; d < x.shape.size(); ++d) axes->push_back(static_cast<int64_t>(d));
  }
  std::vector<bool> reduced(x.shape.size(), false);
  for (int64_t a : *axes) {
    auto ax = axis_of(a, x.shape.size());
    if (!ax) return std::nullopt;
    reduced[*ax] = true;
  }
  Shape out, kept;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (!reduced[d]) out.push_back(x.shape[d]);
    kept.push_back(reduced[d] ? 1 : x.shape[d]);
    if (reduced[d] && keepdims) out.push_back(1);
  }
  if (x.integral() && op == "ReduceMean") return std::nullopt;  // a rounding rule to guess
  const bool ints = x.integral();
  Result r = make(x.type, out);
  if (!r) return std::nullopt;
  const int64_t n = r->size();
  std::vector<std::optional<double>> acc_r(n);
  std::vector<std::optional<int64_t>> acc_i(n);
  std::vector<int64_t> count(n, 0);
  const Ints x_strides = strides_of(x.shape), k_strides = strides_of(kept);
  for (int64_t i = 0; i < x.size(); ++i) {
    int64_t rest = i, o = 0;
    for (size_t d = x.shape.size(); d-- > 0;) {
      const int64_t coord = rest % x.shape[d];
      rest /= x.shape[d];
      if (!reduced[d]) o += coord * k_strides[d];
    }
    ++count[o];
    if (ints) {
      const int64_t v = x.ints[i];
      std::optional<int64_t> next = !acc_i[o]            ? std::optional<int64_t>(v)
                                    : op == "ReduceSum"  ? core::checked_add(*acc_i[o], v)
                                    : op == "ReduceProd" ? core::checked_mul(*acc_i[o], v)
                                    : op == "ReduceMin"
                                        ? std::optional<int64_t>(std::min(*acc_i[o], v))
                                        : std::optional<int64_t>(std::max(*acc_i[o], v));
      if (!next) return std::nullopt;
      acc_i[o] = next;
    } else {
      const double v = x.real(i);
      acc_r[o] = !acc_r[o]            ? v
                 : op == "ReduceProd" ? *acc_r[o] * v
                 : op == "ReduceMin"  ? std::min(*acc_r[o], v)
                 : op == "ReduceMax"  ? std::max(*acc_r[o], v)
                                      : *acc_r[o] + v;  // Sum, Mean
    }
  }
  for (int64_t o = 0; o < n; ++o) {
    if (ints) {
      if (!acc_i[o] && (op == "ReduceMin" || op == "ReduceMax")) return std::nullopt;
      r->ints[o] = acc_i[o].value_or(op == "ReduceProd" ? 1 : 0);
    } else {
      if (!acc_r[o] && (op == "ReduceMin" || op == "ReduceMax" || op == "ReduceMean"))
        return std::nullopt;
      double v = acc_r[o].value_or(op == "ReduceProd" ? 1.0 : 0.0);
      if (op == "ReduceMean") v /= static_cast<double>(count[o]);
      r->reals[o] = v;
    }
  }
  return r;
}

// ---------------------------------------------------------------- dispatch

// Integer operand given as an attribute (older opsets) or as input `i` (newer ones).
std::optional<Ints> int_arg(const onnx::NodeProto& n, const std::string& attr,
                            const std::vector<const ConstTensor*>& in, size_t i, bool required) {
  if (find_attr(n, attr)) return attr_ints(n, attr);
  if (i < in.size() && in[i]) {
    if (!in[i]->integral() || in[i]->shape.size() > 1) return std::nullopt;
    return in[i]->ints;
  }
  if (required) return std::nullopt;
  return Ints{};
}

Result constant(const onnx::NodeProto& n) {
  if (const auto* a = find_attr(n, "value"); a && a->has_t()) return const_of(a->t());
  ConstTensor c;
  if (find_attr(n, "value_int")) {
    c.ints = {attr_int(n, "value_int", 0)};
  } else if (find_attr(n, "value_ints")) {
    c.ints = attr_ints(n, "value_ints");
    c.shape = {static_cast<int64_t>(c.ints.size())};
  } else if (const auto* f = find_attr(n, "value_float")) {
    c.type = TP::FLOAT;
    c.reals = {f->f()};
  } else if (const auto* fs = find_attr(n, "value_floats")) {
    c.type = TP::FLOAT;
    c.reals.assign(fs->floats().begin(), fs->floats().end());
    c.shape = {static_cast<int64_t>(c.reals.size())};
  } else {
    return std::nullopt;
  }
  if (c.size() > kMaxFoldElements) return std::nullopt;
  return c;
}

using Eval =
    std::function<Result(const onnx::NodeProto&, int64_t, const std::vector<const ConstTensor*>&,
                         const std::vector<std::optional<Shape>>&)>;

const std::unordered_map<std::string, Eval>& evaluators() {
  static const std::unordered_map<std::string, Eval> table = [] {
    std::unordered_map<std::string, Eval> t;
    t["Constant"] = [](auto& n, int64_t, auto&, auto&) { return constant(n); };
    t["Shape"] = [](auto& n, int64_t, auto&, auto& shapes) -> Result {
      if (shapes.empty() || !shapes[0]) return std::nullopt;
      const Shape& s = *shapes[0];
      const auto rank = static_cast<int64_t>(s.size());
      int64_t b = attr_int(n, "start", 0), e = attr_int(n, "end", rank);
      b = std::clamp(b < 0 ? b + rank : b, int64_t{0}, rank);
      e = std::clamp(e < 0 ? e + rank : e, int64_t{0}, rank);
      ConstTensor c;
      if (b < e) c.ints.assign(s.begin() + b, s.begin() + e);
      c.shape = {static_cast<int64_t>(c.ints.size())};
      return c;
    };
    t["Size"] = [](auto&, int64_t, auto&, auto& shapes) -> Result {
      if (shapes.empty() || !shapes[0]) return std::nullopt;
      auto n = core::checked_product(*shapes[0]);
      if (!n) return std::nullopt;
      ConstTensor c;
      c.ints = {*n};
      return c;
    };
    auto need = [](const std::vector<const ConstTensor*>& in, size_t k) {
      if (in.size() < k) return false;
      for (size_t i = 0; i < k; ++i)
        if (!in[i]) return false;
      return true;
    };
    for (const char* op : {"Identity", "Neg", "Abs", "Floor", "Ceil", "Round", "Sqrt", "Reciprocal",
                           "Not", "Sign", "Relu"})
      t[op] = [op = std::string(op), need](auto&, int64_t, auto& in, auto&) -> Result {
        if (!need(in, 1)) return std::nullopt;
        return op == "Identity" ? Result(*in[0]) : unary(op, *in[0]);
      };
    for (const char* op : {"Add", "Sub", "Mul", "Div", "Mod", "Pow", "Equal", "Less", "Greater",
                           "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"})
      t[op] = [op = std::string(op), need](auto& n, int64_t, auto& in, auto&) -> Result {
        if (!need(in, 2)) return std::nullopt;
        return binary(op, *in[0], *in[1], attr_int(n, "fmod", 0) != 0);
      };
    for (const char* op : {"Min", "Max"})
      t[op] = [op = std::string(op)](auto&, int64_t, auto& in, auto&) -> Result {
        if (in.empty() || !in[0]) return std::nullopt;
        Result acc = *in[0];
        for (size_t i = 1; i < in.size() && acc; ++i)
          acc = in[i] ? binary(op, *acc, *in[i], false) : std::nullopt;
        return acc;
      };
    t["Cast"] = [need](auto& n, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 1)) return std::nullopt;
      return cast(*in[0], attr_int(n, "to", 0));
    };
    t["Reshape"] = [](auto& n, int64_t, auto& in, auto&) -> Result {
      if (in.empty() || !in[0]) return std::nullopt;
      auto target = int_arg(n, "shape", in, 1, true);
      if (!target) return std::nullopt;
      return reshape(*in[0], *target, attr_int(n, "allowzero", 0) != 0);
    };
    t["Flatten"] = [need](auto& n, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 1)) return std::nullopt;
      const Shape& s = in[0]->shape;
      auto axis = axis_of(attr_int(n, "axis", 1), s.size() + 1);
      if (!axis) return std::nullopt;
      int64_t outer = 1;
      for (int64_t d = 0; d < *axis; ++d) outer *= s[d];
      return reshape(*in[0], {outer, -1}, false);
    };
    t["Unsqueeze"] = [](auto& n, int64_t, auto& in, auto&) -> Result {
      if (in.empty() || !in[0]) return std::nullopt;
      auto axes = int_arg(n, "axes", in, 1, true);
      return axes ? unsqueeze(*in[0], *axes) : std::nullopt;
    };
    t["Squeeze"] = [](auto& n, int64_t, auto& in, auto&) -> Result {
      if (in.empty() || !in[0]) return std::nullopt;
      auto axes = int_arg(n, "axes", in, 1, false);
      return axes ? squeeze(*in[0], *axes) : std::nullopt;
    };
    t["Concat"] = [](auto& n, int64_t, auto& in, auto&) -> Result {
      for (auto* p : in)
        if (!p) return std::nullopt;
      return concat(in, attr_int(n, "axis", 0));
    };
    t["Gather"] = [need](auto& n, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 2)) return std::nullopt;
      return gather(*in[0], *in[1], attr_int(n, "axis", 0));
    };
    t["Slice"] = [](auto& n, int64_t, auto& in, auto&) -> Result {
      if (in.empty() || !in[0]) return std::nullopt;
      if (find_attr(n, "starts"))  // opset < 10
        return slice(*in[0], attr_ints(n, "starts"), attr_ints(n, "ends"), attr_ints(n, "axes"),
                     {});
      auto starts = int_arg(n, "", in, 1, true), ends = int_arg(n, "", in, 2, true);
      auto axes = int_arg(n, "", in, 3, false), steps = int_arg(n, "", in, 4, false);
      if (!starts || !ends || !axes || !steps) return std::nullopt;
      return slice(*in[0], *starts, *ends, *axes, *steps);
    };
    t["Transpose"] = [need](auto& n, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 1)) return std::nullopt;
      return transpose(*in[0], attr_ints(n, "perm"));
    };
    t["Expand"] = [need](auto&, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 2) || !in[1]->integral()) return std::nullopt;
      return expand(*in[0], in[1]->ints);
    };
    t["Tile"] = [need](auto&, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 2) || !in[1]->integral()) return std::nullopt;
      return tile(*in[0], in[1]->ints);
    };
    t["Where"] = [need](auto&, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 3)) return std::nullopt;
      return where(*in[0], *in[1], *in[2]);
    };
    t["Range"] = [need](auto&, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 3)) return std::nullopt;
      return range(*in[0], *in[1], *in[2]);
    };
    t["ConstantOfShape"] = [need](auto& n, int64_t, auto& in, auto&) -> Result {
      if (!need(in, 1)) return std::nullopt;
      return constant_of_shape(n, *in[0]);
    };
    for (const char* op : {"ReduceSum", "ReduceProd", "ReduceMin", "ReduceMax", "ReduceMean"})
      t[op] = [op = std::string(op)](auto& n, int64_t opset, auto& in, auto&) -> Result {
        if (in.empty() || !in[0]) return std::nullopt;
        // Axes moved from an attribute to an input (ReduceSum at 13, the others at 18).
        std::optional<Ints> axes;
        if (find_attr(n, "axes"))
          axes = attr_ints(n, "axes");
        else if (in.size() > 1 && in[1] && in[1]->integral())
          axes = in[1]->ints;
        else if (in.size() > 1 && in[1])
          return std::nullopt;
        (void)opset;
        return reduce(op, *in[0], axes, attr_int(n, "keepdims", 1) != 0,
                      attr_int(n, "noop_with_empty_axes", 0) != 0);
      };
    return t;
  }();
  return table;
}

}  // namespace

bool foldable(const std::string& op_type) {
  return evaluators().count(op_type) > 0;
}

std::optional<ConstTensor> fold(const onnx::NodeProto& n, int64_t opset,
                                const std::vector<const ConstTensor*>& inputs,
                                const std::vector<std::optional<Shape>>& input_shapes) {
  auto it = evaluators().find(n.op_type());
  if (it == evaluators().end() || n.output_size() != 1) return std::nullopt;
  return checked(it->second(n, opset, inputs, input_shapes));
}

}  // namespace monet::workloads::onnx_detail

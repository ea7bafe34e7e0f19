// Layout kernels of the ONNX folder (Reshape, Squeeze/Unsqueeze, Concat, Gather, Slice,
// Transpose, Expand, Where, Tile, Range, ConstantOfShape) and the reductions.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_set>

#include "core/checked_math.hpp"
#include "workloads/onnx_fold_ops.hpp"

namespace monet::workloads::onnx_detail::fold_ops {

namespace {

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

}  // namespace

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

}  // namespace monet::workloads::onnx_detail::fold_ops

// Element-wise kernels of the ONNX folder (binary and unary arithmetic with broadcasting,
// comparisons, Cast), numpy semantics; an integer result that overflows its type, a division
// by zero or a float that does not convert to an integer gives nullopt.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_set>

#include "core/checked_math.hpp"
#include "workloads/onnx_fold_ops.hpp"

namespace monet::workloads::onnx_detail::fold_ops {

namespace {

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

}  // namespace

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

}  // namespace monet::workloads::onnx_detail::fold_ops

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
#include "workloads/onnx_fold_ops.hpp"

namespace monet::workloads::onnx_detail {

namespace {

using namespace fold_ops;

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

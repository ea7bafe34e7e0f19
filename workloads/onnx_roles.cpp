#include "workloads/onnx_roles.hpp"

#include <algorithm>

namespace monet::workloads::onnx_detail {

NodeIndex::NodeIndex(const onnx::GraphProto& g) : graph(g) {
  for (const auto& t : g.initializer()) initializers[t.name()] = &t;
  for (const auto& v : g.input())
    if (!initializers.count(v.name())) graph_inputs.insert(v.name());
  for (const auto& v : g.output()) graph_outputs.insert(v.name());
  for (int i = 0; i < g.node_size(); ++i) {
    const auto& n = g.node(i);
    for (const auto& in : n.input()) {
      if (in.empty()) continue;
      auto& c = consumers[in];
      if (c.empty() || c.back() != i) c.push_back(i);
    }
    for (const auto& out : n.output())
      if (!out.empty()) producer[out] = i;
  }
}

int NodeIndex::producer_of(const std::string& v) const {
  auto it = producer.find(v);
  return it == producer.end() ? -1 : it->second;
}

const std::vector<int>& NodeIndex::consumers_of(const std::string& v) const {
  static const std::vector<int> none;
  auto it = consumers.find(v);
  return it == consumers.end() ? none : it->second;
}

bool NodeIndex::used_only_by(const std::string& v, const std::unordered_set<int>& nodes) const {
  if (graph_outputs.count(v)) return false;
  for (int c : consumers_of(v))
    if (!nodes.count(c)) return false;
  return true;
}

std::string node_label(const NodeIndex& idx, int i) {
  const auto& n = idx.node(i);
  return n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
}

Role Roles::of(const std::string& v) const {
  auto it = role.find(v);
  return it == role.end() ? Role::kActivation : it->second;
}

namespace {

enum class Slot { kData, kWeight, kInt, kBinary, kView };

bool is_view_op(const std::string& op) {
  return op == "Transpose" || op == "Identity" || op == "Cast" || op == "Reshape" ||
         op == "Flatten" || op == "Squeeze" || op == "Unsqueeze";
}

Slot slot_of(const onnx::NodeProto& n, int i) {
  const std::string& op = n.op_type();
  if (op == "Conv" || op == "Gemm") return i == 0 ? Slot::kData : Slot::kWeight;
  if (op == "MatMul") return i == 0 ? Slot::kData : Slot::kWeight;
  if (op == "BatchNormalization" || op == "LayerNormalization")
    return i == 0 ? Slot::kData : Slot::kWeight;
  if (op == "Gather") return i == 0 ? Slot::kWeight : Slot::kData;
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") return Slot::kBinary;
  if (is_view_op(op)) return i == 0 ? Slot::kView : Slot::kInt;
  // Integer operands: targets, axes, sizes, pads, bounds.
  static const std::unordered_set<std::string> int_operands = {
      "Slice", "Split", "ReduceMean", "Expand", "Tile",  "Pad",     "Resize",  "TopK",
      "Clip",  "Pow",   "Dropout",    "Range",  "Where", "Softmax", "Upsample"};
  if (int_operands.count(op)) return i == 0 ? Slot::kData : Slot::kInt;
  if (op == "ConstantOfShape") return Slot::kInt;
  return Slot::kData;
}

struct Uses {
  bool weight = false, data = false, binary = false;
};

// Where `v` is read, following weight views to their readers.
void collect_uses(const NodeIndex& idx, const std::string& v, Uses& u, int depth = 0) {
  for (int c : idx.consumers_of(v)) {
    const auto& n = idx.node(c);
    for (int i = 0; i < n.input_size(); ++i) {
      if (n.input(i) != v) continue;
      switch (slot_of(n, i)) {
        case Slot::kWeight:
          u.weight = true;
          break;
        case Slot::kData:
          u.data = true;
          break;
        case Slot::kBinary:
          u.binary = true;
          break;
        case Slot::kInt:
          break;
        case Slot::kView:
          if (depth < 8 && n.output_size() > 0) collect_uses(idx, n.output(0), u, depth + 1);
          break;
      }
    }
  }
}

Role source_role(const NodeIndex& idx, const TypeTable& declared, const std::string& v,
                 int64_t elements, bool is_graph_input) {
  Uses u;
  collect_uses(idx, v, u);
  if (!is_graph_input)  // initializer or Constant: data stored in the model
    return u.weight || (u.binary && elements > 1) ? Role::kWeight : Role::kConstant;
  auto shape_or_rank = declared.find(v);
  const bool rank1 = shape_or_rank && shape_or_rank->shape && shape_or_rank->shape->size() == 1;
  if (u.data || (u.binary && !rank1)) return Role::kActivation;
  if (u.weight || u.binary) return Role::kWeight;
  return idx.consumers_of(v).empty() ? Role::kActivation : Role::kConstant;
}

}  // namespace

Roles analyse_roles(const NodeIndex& idx, const TypeTable& declared) {
  Roles r;
  for (const auto& [name, t] : idx.initializers) {
    r.role[name] = source_role(idx, declared, name, tensor_elements(*t), false);
    if (r.role[name] == Role::kWeight) r.base[name] = name;
  }
  for (const auto& name : idx.graph_inputs) {
    r.role[name] = source_role(idx, declared, name, 0, true);
    if (r.role[name] == Role::kWeight) r.base[name] = name;
  }
  for (int i = 0; i < idx.graph.node_size(); ++i) {
    const auto& n = idx.node(i);
    const std::string& op = n.op_type();
    Role out = Role::kConstant;
    std::string base;
    if (op == "Constant") {
      const auto* a = find_attr(n, "value");
      int64_t elements = a && a->has_t() ? tensor_elements(a->t()) : 1;
      out = n.output_size() ? source_role(idx, declared, n.output(0), elements, false)
                            : Role::kConstant;
      if (out == Role::kWeight) base = n.output(0);
    } else if (op != "Shape" && op != "Size") {
      bool any_act = false, any_weight = false;
      for (const auto& in : n.input()) {
        if (in.empty()) continue;
        Role ri = r.of(in);
        any_act = any_act || ri == Role::kActivation;
        any_weight = any_weight || ri == Role::kWeight;
      }
      if (any_act) {
        out = Role::kActivation;
      } else if (any_weight && is_view_op(op) && n.input_size() > 0 &&
                 r.is(n.input(0), Role::kWeight)) {
        out = Role::kWeight;
        base = r.base.at(n.input(0));
      } else if (any_weight) {
        out = Role::kActivation;  // computed from parameters only, e.g. a position lookup
      }
    }
    for (const auto& o : n.output()) {
      if (o.empty()) continue;
      r.role[o] = out;
      if (!base.empty()) r.base[o] = base;
    }
  }
  return r;
}

std::optional<std::vector<int64_t>> ConstEval::ints(const std::string& v) {
  auto it = memo_.find(v);
  if (it != memo_.end()) return it->second;
  memo_[v] = std::nullopt;  // guards against cycles in malformed graphs
  std::optional<std::vector<int64_t>> out;
  if (auto init = idx_.initializers.find(v); init != idx_.initializers.end())
    out = tensor_ints(*init->second);
  else if (int p = idx_.producer_of(v); p >= 0)
    out = eval(idx_.node(p), v);
  memo_[v] = out;
  return out;
}

std::optional<std::vector<int64_t>> ConstEval::eval(const onnx::NodeProto& n,
                                                    const std::string& v) {
  const std::string& op = n.op_type();
  if (n.output_size() != 1 || n.output(0) != v) return std::nullopt;
  auto in = [&](int i) -> std::optional<std::vector<int64_t>> {
    if (i >= n.input_size() || n.input(i).empty()) return std::nullopt;
    return ints(n.input(i));
  };
  if (op == "Constant") {
    if (const auto* a = find_attr(n, "value"); a && a->has_t()) return tensor_ints(a->t());
    if (find_attr(n, "value_ints")) return attr_ints(n, "value_ints");
    if (const auto* a = find_attr(n, "value_int")) return std::vector<int64_t>{a->i()};
    return std::nullopt;
  }
  if (op == "Shape") {
    auto s = shape_of_(n.input(0));
    if (!s) return std::nullopt;
    const auto rank = static_cast<int64_t>(s->size());
    int64_t start = attr_int(n, "start", 0), end = attr_int(n, "end", rank);
    start = std::clamp(start < 0 ? start + rank : start, int64_t{0}, rank);
    end = std::clamp(end < 0 ? end + rank : end, int64_t{0}, rank);
    if (start >= end) return std::vector<int64_t>{};
    return std::vector<int64_t>(s->begin() + start, s->begin() + end);
  }
  if (op == "Identity" || op == "Cast" || op == "Unsqueeze" || op == "Squeeze") return in(0);
  if (op == "Concat") {
    std::vector<int64_t> all;
    for (int i = 0; i < n.input_size(); ++i) {
      auto part = in(i);
      if (!part) return std::nullopt;
      all.insert(all.end(), part->begin(), part->end());
    }
    return all;
  }
  if (op == "Gather") {
    auto data = in(0), indices = in(1);
    if (!data || !indices) return std::nullopt;
    std::vector<int64_t> out;
    const auto size = static_cast<int64_t>(data->size());
    for (int64_t i : *indices) {
      if (i < 0) i += size;
      if (i < 0 || i >= size) return std::nullopt;
      out.push_back((*data)[i]);
    }
    return out;
  }
  if (op == "Slice") {
    auto data = in(0), starts = in(1), ends = in(2);
    if (!data || !starts || !ends || starts->size() != 1 || ends->size() != 1) return std::nullopt;
    const auto size = static_cast<int64_t>(data->size());
    int64_t b = (*starts)[0], e = (*ends)[0];
    b = std::clamp(b < 0 ? b + size : b, int64_t{0}, size);
    e = std::clamp(e < 0 ? e + size : e, int64_t{0}, size);
    if (n.input_size() > 4 && !n.input(4).empty()) return std::nullopt;  // steps
    return std::vector<int64_t>(data->begin() + b, data->begin() + std::max(b, e));
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    auto a = in(0), b = in(1);
    if (!a || !b || a->empty() || b->empty()) return std::nullopt;
    if (a->size() != b->size() && a->size() != 1 && b->size() != 1) return std::nullopt;
    std::vector<int64_t> out(std::max(a->size(), b->size()));
    for (size_t i = 0; i < out.size(); ++i) {
      int64_t x = (*a)[a->size() == 1 ? 0 : i], y = (*b)[b->size() == 1 ? 0 : i];
      if (op == "Div" && y == 0) return std::nullopt;
      out[i] = op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y;
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace monet::workloads::onnx_detail

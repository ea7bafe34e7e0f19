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

std::optional<std::vector<int64_t>> Constants::ints(const std::string& v) const {
  const ConstTensor* c = find(v);
  if (!c || !c->integral() || c->shape.size() > 1) return std::nullopt;
  return c->ints;
}

const ConstTensor* Constants::find(const std::string& v) const {
  auto it = values_.find(v);
  return it == values_.end() ? nullptr : &it->second;
}

}  // namespace monet::workloads::onnx_detail

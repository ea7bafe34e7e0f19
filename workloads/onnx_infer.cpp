#include "workloads/onnx_infer.hpp"

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>

#include <map>
#include <set>

#include "core/checked_math.hpp"
#include "core/error.hpp"
#include "workloads/onnx_check.hpp"
#include "workloads/onnx_op_rules.hpp"

namespace monet::workloads::onnx_detail {

namespace {

// libonnx's view of one node: our types and folded values in, its inferred types out.
class NodeContext final : public onnx::InferenceContext {
 public:
  NodeContext(const onnx::NodeProto& n, std::vector<const onnx::TypeProto*> types,
              std::vector<std::optional<onnx::TensorProto>> data)
      : n_(n), types_(std::move(types)), data_(std::move(data)), outputs_(n.output_size()) {}

  const onnx::AttributeProto* getAttribute(const std::string& name) const override {
    return find_attr(n_, name);
  }
  size_t getNumInputs() const override { return types_.size(); }
  const onnx::TypeProto* getInputType(size_t i) const override {
    return i < types_.size() ? types_[i] : nullptr;
  }
  const onnx::TensorProto* getInputData(size_t i) const override {
    return i < data_.size() && data_[i] ? &*data_[i] : nullptr;
  }
  size_t getNumOutputs() const override { return outputs_.size(); }
  onnx::TypeProto* getOutputType(size_t i) override {
    return i < outputs_.size() ? &outputs_[i] : nullptr;
  }
  onnx::GraphInferencer* getGraphAttributeInferencer(const std::string&) override {
    return nullptr;
  }
  const onnx::SparseTensorProto* getInputSparseData(size_t) const override { return nullptr; }
  const onnx::TensorShapeProto* getSymbolicInput(size_t) const override { return nullptr; }

  std::vector<onnx::TypeProto>& outputs() { return outputs_; }

 private:
  const onnx::NodeProto& n_;
  std::vector<const onnx::TypeProto*> types_;
  std::vector<std::optional<onnx::TensorProto>> data_;
  std::vector<onnx::TypeProto> outputs_;
};

onnx::TypeProto type_of(int32_t elem_type, const Shape& shape) {
  onnx::TypeProto t;
  auto* tt = t.mutable_tensor_type();
  tt->set_elem_type(elem_type);
  auto* s = tt->mutable_shape();
  for (int64_t d : shape) s->add_dim()->set_dim_value(d);
  return t;
}

std::optional<Shape> static_shape(const onnx::TypeProto& t) {
  if (!t.has_tensor_type() || !t.tensor_type().has_shape()) return std::nullopt;
  Shape s;
  for (const auto& d : t.tensor_type().shape().dim()) {
    if (!d.has_dim_value()) return std::nullopt;
    s.push_back(d.dim_value());
  }
  return s;
}

int rank_of(const onnx::TypeProto* t) {
  if (!t || !t->has_tensor_type() || !t->tensor_type().has_shape()) return -1;
  return t->tensor_type().shape().dim_size();
}

bool has_graph_attribute(const onnx::NodeProto& n) {
  for (const auto& a : n.attribute())
    if (a.has_g() || a.graphs_size() > 0) return true;
  return false;
}

class Inference {
 public:
  Inference(const onnx::ModelProto& model, const NodeIndex& idx, const Roles& roles,
            const std::string& path)
      : model_(model), idx_(idx), roles_(roles), path_(path), opset_(default_opset(model)) {}

  Inferred run() {
    const auto& g = model_.graph();
    for (const auto& t : g.initializer()) {
      out_.types[t.name()] = type_of(t.data_type(), Shape(t.dims().begin(), t.dims().end()));
      if (auto c = const_of(t)) out_.consts[t.name()] = std::move(*c);
    }
    for (const auto& in : g.input())
      if (!idx_.initializers.count(in.name()) && in.type().has_tensor_type() &&
          in.type().tensor_type().elem_type() != 0)
        out_.types[in.name()] = in.type();
    for (int i = 0; i < g.node_size(); ++i) node(i);
    if (!stale_.empty()) {
      std::string list;
      for (const auto& op : stale_) list += (list.empty() ? "" : ", ") + op;
      out_.warnings.push_back("no shape inference for " + list + " (operator set " +
                              std::to_string(opset_) + " changed them after " +
                              std::to_string(known_opset()) +
                              "); their shapes come from the importer alone");
    }
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(int i, const std::string& why) const {
    throw core::Error(path_ + ": node '" + node_label(idx_, i) + "' (" + idx_.node(i).op_type() +
                      "): " + why);
  }

  void node(int i) {
    const auto& n = idx_.node(i);
    if (!(n.domain().empty() || n.domain() == "ai.onnx") || has_graph_attribute(n)) return;
    std::vector<const onnx::TypeProto*> types;
    std::vector<const ConstTensor*> values;
    std::vector<std::optional<Shape>> shapes;
    bool all_typed = true;
    for (const auto& in : n.input()) {
      auto t = in.empty() ? out_.types.end() : out_.types.find(in);
      auto c = in.empty() ? out_.consts.end() : out_.consts.find(in);
      types.push_back(t == out_.types.end() ? nullptr : &t->second);
      values.push_back(c == out_.consts.end() ? nullptr : &c->second);
      shapes.push_back(t == out_.types.end() ? std::nullopt : static_shape(t->second));
      all_typed = all_typed && (in.empty() || t != out_.types.end());
    }
    if (n.op_type() == "Constant") return constant(i);
    if (constant_outputs(n) && foldable(n.op_type())) {
      try {
        if (auto c = fold(n, opset_, values, shapes)) {
          out_.types[n.output(0)] = type_of(c->type, c->shape);
          out_.consts[n.output(0)] = std::move(*c);
          return;
        }
      } catch (const ModelError& e) {
        fail(i, e.what());
      }
      // Values libonnx would read as data but that did not fold (a zero Range step, an
      // overflow): its inference function is not given the chance to divide by them.
      bool all_values = true;
      for (size_t k = 0; k < values.size(); ++k)
        all_values = all_values && (n.input(static_cast<int>(k)).empty() || values[k]);
      if (all_values) return;
    }
    if (!all_typed) return;  // an input of unknown type (a custom op's output): nothing to infer
    const onnx::OpSchema* schema =
        onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(opset_), "");
    if (!schema || !schema->has_type_and_shape_inference_function()) return;
    if (opset_ > known_opset()) {
      try {
        schema->Verify(n);  // a newer opset's node that the older schema cannot describe
      } catch (const std::exception&) {
        stale_.insert(n.op_type());
        return;
      }
    }
    precheck(i, types);
    std::vector<std::optional<onnx::TensorProto>> data;
    for (size_t k = 0; k < values.size(); ++k)
      data.push_back(values[k] ? proto_of(*values[k], n.input(static_cast<int>(k))) : std::nullopt);
    NodeContext ctx(n, types, std::move(data));
    try {
      schema->GetTypeAndShapeInferenceFunction()(ctx);
    } catch (const std::exception& e) {
      fail(i, std::string("shape inference failed: ") + e.what());
    }
    for (int k = 0; k < n.output_size(); ++k) {
      const std::string& o = n.output(k);
      onnx::TypeProto& t = ctx.outputs()[k];
      if (o.empty() || !t.has_tensor_type() || t.tensor_type().elem_type() == 0) continue;
      bounded(i, o, t);
      out_.types[o] = std::move(t);
    }
  }

  // A Constant's value, whatever its role (a stored weight is typed but rarely folded).
  void constant(int i) {
    const auto& n = idx_.node(i);
    try {
      if (auto c = fold(n, opset_, {}, {})) {
        out_.types[n.output(0)] = type_of(c->type, c->shape);
        out_.consts[n.output(0)] = std::move(*c);
      } else if (const auto* a = find_attr(n, "value"); a && a->has_t()) {
        out_.types[n.output(0)] =
            type_of(a->t().data_type(), Shape(a->t().dims().begin(), a->t().dims().end()));
      }
    } catch (const ModelError& e) {
      fail(i, e.what());
    }
  }

  bool constant_outputs(const onnx::NodeProto& n) const {
    for (const auto& o : n.output())
      if (!o.empty() && !roles_.is(o, Role::kConstant)) return false;
    return true;
  }

  void bounded(int i, const std::string& value, const onnx::TypeProto& t) const {
    if (!t.tensor_type().has_shape()) return;
    const auto& s = t.tensor_type().shape();
    if (s.dim_size() > kMaxRank)
      fail(i, "output '" + value + "' would have rank " + std::to_string(s.dim_size()));
    Shape known;
    for (const auto& d : s.dim()) {
      if (!d.has_dim_value()) continue;
      if (d.dim_value() < 0 || d.dim_value() > kMaxDim)
        fail(i, "output '" + value + "' would have dimension " + std::to_string(d.dim_value()));
      known.push_back(d.dim_value());
    }
    auto n = core::checked_product(known);
    if (!n || *n > kMaxElements)
      fail(i, "output '" + value + "' would have more than 2^48 elements");
  }

  // An `axis` attribute names a dim of the first input; libonnx's inference functions index
  // dims with it, some without a bounds check (a fuzz finding: LayerNormalization with axis
  // 2^31 and its Mean output read past the input's dims). Ops whose axis may also equal the
  // rank are listed with it; every other op's axis is at least bounded by the largest rank.
  void check_axis(int i, const std::vector<const onnx::TypeProto*>& types) const {
    const auto& n = idx_.node(i);
    const auto* a = find_attr(n, "axis");
    if (!a) return;
    if (a->type() != onnx::AttributeProto::INT) fail(i, "attribute 'axis' must be an integer");
    const int64_t axis = a->i();
    const int r = rank_of(types.empty() ? nullptr : types[0]);
    int64_t lo = -kMaxRank, hi = kMaxRank;
    const AxisRange range = op_rule(n.op_type()).axis;
    if (r >= 0 && range == AxisRange::kWithinRank) lo = -r, hi = r - 1;
    if (r >= 0 && range == AxisRange::kFlatten) lo = -r, hi = r;
    if (axis < lo || axis > hi)
      fail(i, "attribute 'axis' is " + std::to_string(axis) + ", outside [" + std::to_string(lo) +
                  ", " + std::to_string(hi) + "]" +
                  (r >= 0 ? " for an input of rank " + std::to_string(r) : std::string()));
  }

  // What libonnx's inference functions take for granted about their inputs and attributes.
  void precheck(int i, const std::vector<const onnx::TypeProto*>& types) const {
    check_axis(i, types);
    const auto& n = idx_.node(i);
    const OpRule& rule = op_rule(n.op_type());
    if (rule.window_data < 0) return;
    const int x_rank =
        rank_of(types.size() > size_t(rule.window_data) ? types[rule.window_data] : nullptr);
    const int w_rank = rule.window_weight >= 0 && types.size() > size_t(rule.window_weight)
                           ? rank_of(types[rule.window_weight])
                           : -1;
    if (x_rank >= 0 && x_rank < 3)
      fail(i, "the input has rank " + std::to_string(x_rank) +
                  "; a convolution or pooling needs batch, channels and spatial axes");
    if (x_rank >= 0 && w_rank >= 0 && x_rank != w_rank)
      fail(i, "the input has rank " + std::to_string(x_rank) + " but the weight rank " +
                  std::to_string(w_rank));
    const int spatial = (x_rank >= 0 ? x_rank : w_rank) - 2;
    auto check = [&](const std::string& attr, size_t count, int64_t lo) {
      const auto* a = find_attr(n, attr);
      if (!a) return;
      if (a->type() != onnx::AttributeProto::INTS)
        fail(i, "attribute '" + attr + "' must be a list of integers");
      if (spatial >= 0 && static_cast<size_t>(a->ints_size()) != count)
        fail(i, "attribute '" + attr + "' has " + std::to_string(a->ints_size()) +
                    " values; the input has " + std::to_string(spatial) + " spatial axes");
      for (int64_t v : a->ints())
        if (v < lo || v > kMaxWindow)
          fail(i, "attribute '" + attr + "' value " + std::to_string(v) + " is outside [" +
                      std::to_string(lo) + ", 2^31 - 1]");
    };
    const size_t s = spatial > 0 ? static_cast<size_t>(spatial) : 0;
    check("kernel_shape", s, 1);
    check("strides", s, 1);
    check("dilations", s, 1);
    check("pads", 2 * s, 0);
    check("output_padding", s, 0);
    if (const auto* g = find_attr(n, "group");
        g && (g->type() != onnx::AttributeProto::INT || g->i() < 1 || g->i() > kMaxWindow))
      fail(i, "attribute 'group' must be an integer in [1, 2^31 - 1]");
  }

  const onnx::ModelProto& model_;
  const NodeIndex& idx_;
  const Roles& roles_;
  const std::string& path_;
  const int64_t opset_;
  Inferred out_;
  std::set<std::string> stale_;
};

}  // namespace

Inferred infer(const onnx::ModelProto& model, const NodeIndex& idx, const Roles& roles,
               const std::string& path) {
  return Inference(model, idx, roles, path).run();
}

}  // namespace monet::workloads::onnx_detail

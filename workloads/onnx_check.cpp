#include "workloads/onnx_check.hpp"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>

#include <unordered_map>
#include <unordered_set>

#include "core/checked_math.hpp"
#include "core/error.hpp"
#include "workloads/onnx_const.hpp"
#include "workloads/onnx_importer.hpp"
#include "workloads/onnx_op_rules.hpp"

namespace monet::workloads::onnx_detail {

int64_t known_opset() {
  return onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map().at("").second;
}

namespace {

constexpr int kMaxGraphDepth = 16;  // If/Loop bodies nested inside each other

class Checker {
 public:
  Checker(const std::string& path, int64_t opset) : path_(path), opset_(opset) {}

  void graph(const onnx::GraphProto& g, std::unordered_set<std::string> scope, int depth) {
    if (depth > kMaxGraphDepth)
      fail("graph '" + g.name() + "' is nested more than " + std::to_string(kMaxGraphDepth) +
           " levels deep");
    const std::string where = depth ? "subgraph '" + g.name() + "'" : "the graph";
    std::unordered_map<std::string, std::string> defined_by;  // value → what defines it here
    auto define = [&](const std::string& v, const std::string& by) {
      if (v.empty()) return;
      auto [it, fresh] = defined_by.emplace(v, by);
      if (!fresh)
        fail(by + " defines '" + v + "', which " + it->second +
             " already defines: every value must be defined once");
      scope.insert(v);
    };
    std::unordered_set<std::string> inputs;
    for (const auto& in : g.input()) {
      if (!inputs.insert(in.name()).second) fail(where + " lists input '" + in.name() + "' twice");
      value_type(in, "input");
      declared(in, where, "input");
    }
    std::unordered_set<std::string> inits;
    for (const auto& t : g.initializer()) {
      if (!inits.insert(t.name()).second)
        fail(where + " has two initializers named '" + t.name() + "'");
      tensor(t, "initializer '" + t.name() + "'");
    }
    for (const auto& v : g.input()) define(v.name(), "graph input '" + v.name() + "'");
    for (const auto& t : g.initializer())
      if (!inputs.count(t.name())) define(t.name(), "initializer '" + t.name() + "'");
    for (const auto& t : g.sparse_initializer())
      define(t.values().name(), "sparse initializer '" + t.values().name() + "'");
    for (const auto& v : g.value_info()) value_type(v, "value_info");
    for (const auto& v : g.output()) value_type(v, "output");
    std::unordered_map<std::string, int64_t> length;  // declared length of 1-D values
    auto note_length = [&](const onnx::ValueInfoProto& v) {
      if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
      const auto& shape = v.type().tensor_type().shape();
      if (shape.dim_size() == 1 && shape.dim(0).has_dim_value())
        length[v.name()] = shape.dim(0).dim_value();
    };
    for (const auto& v : g.input()) note_length(v);
    for (const auto& v : g.value_info()) note_length(v);
    for (const auto& t : g.initializer())
      if (t.dims_size() == 1) length[t.name()] = t.dims(0);

    std::unordered_map<std::string, int> later;  // value → node that produces it
    for (int i = 0; i < g.node_size(); ++i)
      for (const auto& o : g.node(i).output()) later.emplace(o, i);
    for (int i = 0; i < g.node_size(); ++i) {
      const auto& n = g.node(i);
      const std::string label = "node '" + node_label(n, i) + "' (" + n.op_type() + ")";
      if (n.op_type().empty()) fail(label + " has no op type");
      for (const auto& in : n.input()) {
        if (in.empty() || scope.count(in)) continue;
        auto it = later.find(in);
        if (it != later.end() && it->second >= i)
          fail(label + ": input '" + in + "' is produced by node '" +
               node_label(g.node(it->second), it->second) + "', which " +
               (it->second == i ? "is this node itself" : "comes later") +
               ": the nodes must be in topological order and form no cycle");
        fail(label + ": input '" + in +
             "' is not defined: no graph input, initializer or earlier node produces it");
      }
      const bool default_domain = n.domain().empty() || n.domain() == "ai.onnx";
      const int need = default_domain ? min_inputs(n.op_type(), opset_) : 0;
      int present = 0;
      for (int k = 0; k < n.input_size() && k < need; ++k) present += !n.input(k).empty();
      if (need > 0 && present < need)
        fail(label + " has " + std::to_string(n.input_size()) + " input" +
             (n.input_size() == 1 ? "" : "s") + (present < n.input_size() ? " (some empty)" : "") +
             "; " + n.op_type() + " needs " + std::to_string(need));
      if (n.output_size() == 0 || n.output(0).empty()) fail(label + " has no (named) first output");
      shape_operands(n, label, length);
      for (const auto& a : n.attribute()) attribute(a, label, scope, depth);
      for (const auto& o : n.output()) define(o, label);
    }
    for (const auto& v : g.output()) {
      if (!scope.count(v.name()))
        fail(where + ": output '" + v.name() + "' is not produced by any node");
      declared(v, where, "output");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw core::Error(path_ + ": " + what); }

  void dims(const Shape& s, const std::string& what) const {
    if (s.size() > static_cast<size_t>(kMaxRank))
      fail(what + " has rank " + std::to_string(s.size()) + " (at most " +
           std::to_string(kMaxRank) + ")");
    for (int64_t d : s)
      if (d < 0 || d > kMaxDim)
        fail(what + " has dimension " + std::to_string(d) + " (dimensions are 0 to 2^40)");
    auto n = core::checked_product(s);
    if (!n || *n > kMaxElements) fail(what + " " + shape_str(s) + " has more than 2^48 elements");
  }

  // An input that lists a shape, axes or pads has one entry per dim (two for pads); shape
  // inference builds that many dims, so a declared length far past kMaxRank would exhaust
  // memory before any rank check (a fuzz finding: ConstantOfShape of a [2^31] input).
  void shape_operands(const onnx::NodeProto& n, const std::string& label,
                      const std::unordered_map<std::string, int64_t>& length) const {
    static const std::unordered_map<std::string, std::vector<int>> positions = {
        {"ConstantOfShape", {0}},
        {"Reshape", {1}},
        {"Expand", {1}},
        {"Tile", {1}},
        {"Unsqueeze", {1}},
        {"Squeeze", {1}},
        {"Slice", {1, 2, 3, 4}},
        {"Pad", {1}},
        {"Resize", {1, 2, 3}},
        {"Upsample", {1}},
        {"ReduceMean", {1}},
        {"ReduceSum", {1}},
        {"Split", {1}}};
    auto it = positions.find(n.op_type());
    if (it == positions.end()) return;
    for (int k : it->second) {
      if (k >= n.input_size()) continue;
      auto len = length.find(n.input(k));
      if (len != length.end() && len->second > 2 * kMaxRank)
        fail(label + ": input '" + n.input(k) + "' lists " + std::to_string(len->second) +
             " entries; a shape, axes or pads list has at most " + std::to_string(2 * kMaxRank) +
             " (rank at most " + std::to_string(kMaxRank) + ")");
    }
  }

  void value_type(const onnx::ValueInfoProto& v, const std::string& kind) const {
    if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
    const auto& shape = v.type().tensor_type().shape();
    const std::string what = kind + " '" + v.name() + "'";
    if (shape.dim_size() > kMaxRank)
      fail(what + " has rank " + std::to_string(shape.dim_size()) + " (at most " +
           std::to_string(kMaxRank) + ")");
    Shape known;
    for (const auto& d : shape.dim())
      if (d.has_dim_value()) known.push_back(d.dim_value());
    dims(known, what);
  }

  // ONNX requires a type, and for a tensor its element type and rank, on graph inputs and
  // outputs (onnx::checker says so without naming the value).
  void declared(const onnx::ValueInfoProto& v, const std::string& where,
                const std::string& kind) const {
    if (!v.has_type() || v.type().value_case() == onnx::TypeProto::VALUE_NOT_SET)
      fail(where + ": " + kind + " '" + v.name() + "' declares no type");
    if (!v.type().has_tensor_type()) return;
    if (v.type().tensor_type().elem_type() == 0)
      fail(where + ": " + kind + " '" + v.name() + "' declares no element type");
    if (!v.type().tensor_type().has_shape())
      fail(where + ": " + kind + " '" + v.name() +
           "' declares no shape (a graph input or output needs at least its rank)");
  }

  void tensor(const onnx::TensorProto& t, const std::string& what) const {
    dims(Shape(t.dims().begin(), t.dims().end()), what);
    try {
      (void)const_of(t);  // the stored data must match the dims
    } catch (const ModelError& e) {
      fail(e.what());
    }
  }

  void attribute(const onnx::AttributeProto& a, const std::string& label,
                 const std::unordered_set<std::string>& scope, int depth) {
    const std::string what = label + " attribute '" + a.name() + "'";
    if (a.has_t()) tensor(a.t(), what);
    for (const auto& t : a.tensors()) tensor(t, what);
    if (a.has_g()) graph(a.g(), scope, depth + 1);
    for (const auto& sub : a.graphs()) graph(sub, scope, depth + 1);
  }

  const std::string& path_;
  int64_t opset_;
};

}  // namespace

std::vector<std::string> check_model(onnx::ModelProto& model, const std::string& path) {
  std::vector<std::string> warnings;
  const int64_t opset = default_opset(model);
  if (opset <= 0 || opset > 1000)
    throw core::Error(path + ": the model imports no valid default operator set (ai.onnx): " +
                      std::to_string(opset));
  Checker(path, opset).graph(model.graph(), {}, 0);
  if (opset > known_opset()) {
    warnings.push_back("the model uses operator set " + std::to_string(opset) +
                       ", newer than this build's ONNX library knows (" +
                       std::to_string(known_opset()) +
                       "): onnx::checker is skipped and nodes whose schema changed since are "
                       "not shape-inferred");
    return warnings;
  }
  // The checker refuses IR versions newer than its own; what they add (new element types)
  // it reports on its own terms.
  const int64_t ir = model.ir_version();
  model.set_ir_version(std::min<int64_t>(ir, onnx::Version::IR_VERSION));
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    model.set_ir_version(ir);
    throw core::Error(path + ": the ONNX checker rejects the model: " + e.what());
  }
  model.set_ir_version(ir);
  return warnings;
}

}  // namespace monet::workloads::onnx_detail

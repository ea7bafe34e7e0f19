// Internal to the ONNX importer: who produces and reads each value, and what each value is.
// An ONNX graph does not say which inputs are parameters (a model exported without weights
// has them all as graph inputs), so the role of a value comes from where it is read:
//  - weight: an initializer, Constant or graph input read at a weight position (Conv W/B,
//    Gemm B/C, MatMul B, BatchNorm scale/bias/mean/var, LayerNorm scale/bias, Gather data),
//    or an operand of Add/Sub/Mul/Div that is an initializer with more than one element or a
//    1-D graph input (a bias or scale); views of a weight (Transpose, Identity, Cast, Reshape,
//    Flatten, Squeeze, Unsqueeze) are weights too;
//  - constant: compile-time data (other initializers and Constants, Shape/Size of anything,
//    and whatever is computed from constants only) — folded away, never a graph tensor;
//  - activation: everything computed from a data input.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "workloads/onnx_model.hpp"

namespace monet::workloads::onnx_detail {

enum class Role { kActivation, kWeight, kConstant };

struct NodeIndex {
  explicit NodeIndex(const onnx::GraphProto& g);
  const onnx::GraphProto& graph;
  std::unordered_map<std::string, int> producer;                // value → node index
  std::unordered_map<std::string, std::vector<int>> consumers;  // value → node indices
  std::unordered_set<std::string> graph_outputs;
  std::unordered_map<std::string, const onnx::TensorProto*> initializers;
  std::unordered_set<std::string> graph_inputs;  // inputs that are not initializers

  const onnx::NodeProto& node(int i) const { return graph.node(i); }
  int producer_of(const std::string& v) const;  // -1 for sources
  const std::vector<int>& consumers_of(const std::string& v) const;
  // True when every reader of `v` is in `nodes` and `v` is not a graph output.
  bool used_only_by(const std::string& v, const std::unordered_set<int>& nodes) const;
};

// Display name of node i: its name, or "<OpType>_<i>" when the exporter left it empty.
std::string node_label(const NodeIndex& idx, int i);

struct Roles {
  std::unordered_map<std::string, Role> role;
  std::unordered_map<std::string, std::string> base;  // weight (or view) → source weight
  Role of(const std::string& v) const;
  bool is(const std::string& v, Role r) const { return of(v) == r; }
};

// `types` must come from the model before shape inference (declared graph-input ranks).
Roles analyse_roles(const NodeIndex& idx, const TypeTable& types);

// Integer values of constants: initializer data, Constant nodes, and the shape arithmetic
// exporters emit (Shape, Gather, Concat, Unsqueeze, Squeeze, Cast, Identity, Slice, and
// Add/Sub/Mul/Div of integers). `shape_of` supplies shapes of non-constant values for Shape.
class ConstEval {
 public:
  using ShapeFn = std::function<std::optional<Shape>(const std::string&)>;
  ConstEval(const NodeIndex& idx, ShapeFn shape_of) : idx_(idx), shape_of_(std::move(shape_of)) {}
  std::optional<std::vector<int64_t>> ints(const std::string& v);

 private:
  std::optional<std::vector<int64_t>> eval(const onnx::NodeProto& n, const std::string& v);
  const NodeIndex& idx_;
  ShapeFn shape_of_;
  std::unordered_map<std::string, std::optional<std::vector<int64_t>>> memo_;
};

}  // namespace monet::workloads::onnx_detail

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

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "workloads/onnx_const.hpp"

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
inline std::string node_label(const NodeIndex& idx, int i) {
  return node_label(idx.node(i), i);
}

struct Roles {
  std::unordered_map<std::string, Role> role;
  std::unordered_map<std::string, std::string> base;  // weight (or view) → source weight
  Role of(const std::string& v) const;
  bool is(const std::string& v, Role r) const { return of(v) == r; }
};

// `types` must come from the model before shape inference (declared graph-input ranks).
Roles analyse_roles(const NodeIndex& idx, const TypeTable& types);

// Integer values of the model's constants (stored data, Constant nodes and everything
// onnx_infer.cpp folded): reshape targets, axes, split sizes, slice bounds, pads.
class Constants {
 public:
  explicit Constants(const std::unordered_map<std::string, ConstTensor>& values)
      : values_(values) {}
  // The values of an integer tensor of rank 0 or 1; nullopt for anything else.
  std::optional<std::vector<int64_t>> ints(const std::string& v) const;
  // Any folded value.
  const ConstTensor* find(const std::string& v) const;

 private:
  const std::unordered_map<std::string, ConstTensor>& values_;
};

}  // namespace monet::workloads::onnx_detail

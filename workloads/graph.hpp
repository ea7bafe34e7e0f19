// A workload graph: ops connected through tensors. Ops are stored in a topological order
// (an op may only read tensors that already exist), so iteration order is execution order.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/digraph.hpp"
#include "workloads/op.hpp"

namespace monet::workloads {

struct GraphTotals {
  int64_t parameters = 0;  // elements of parameter tensors
  int64_t parameter_bytes = 0;
  int64_t macs = 0;              // loop-nest ops
  double element_ops = 0;        // element-streaming ops
  int64_t activation_bytes = 0;  // sum of bytes of every op output
  int64_t op_count = 0;
  int64_t compute_op_count = 0;
};

class Graph {
 public:
  explicit Graph(std::string name = "graph") : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }

  // Adds a tensor with no producer yet. Names must be unique.
  int add_tensor(std::string name, Shape shape, int elem_bits, TensorKind kind);
  // Adds an op: its inputs must exist, its outputs must exist and have no producer.
  int add_op(Op op);

  const Tensor& tensor(int id) const { return tensors_.at(id); }
  Tensor& mutable_tensor(int id) { return tensors_.at(id); }
  const Op& op(int id) const { return ops_.at(id); }
  Op& mutable_op(int id) { return ops_.at(id); }
  const std::vector<Tensor>& tensors() const { return tensors_; }
  const std::vector<Op>& ops() const { return ops_; }
  int find_tensor(const std::string& name) const;  // -1 if absent
  int find_op(const std::string& name) const;      // -1 if absent

  std::vector<int> inputs() const;      // tensors of kind kInput
  std::vector<int> outputs() const;     // produced tensors nobody reads
  std::vector<int> parameters() const;  // tensors of kind kParameter

  core::Digraph op_graph() const;  // op → op edges through tensors
  GraphTotals totals() const;

  // Checks the invariants (acyclic, unique names, single producer, every op's operands
  // consistent with its loop nest or element count). Throws core::Error listing violations.
  void validate() const;

 private:
  std::string name_;
  std::vector<Tensor> tensors_;
  std::vector<Op> ops_;
  std::unordered_map<std::string, int> tensor_by_name_;
  std::unordered_map<std::string, int> op_by_name_;
};

// The batch a graph runs: the leading dimension of its first input (every builder, workload
// file and ONNX import puts the batch there); 0 for a graph without inputs or a scalar input.
int64_t batch_of(const Graph& g);

}  // namespace monet::workloads

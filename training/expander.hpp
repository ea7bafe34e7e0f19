// Internal: the state of one expansion, shared by expand.cpp (forward copy, loss, recompute,
// optimizer) and backward.cpp (the per-op-kind backward rules). Not part of the public API.
#pragma once

#include <string>
#include <vector>

#include "training/expand.hpp"

namespace monet::training::detail {

using workloads::Graph;
using workloads::Op;
using workloads::Operand;
using workloads::Pass;
using workloads::Tensor;
using workloads::TensorKind;

// Extra forward outputs that backward reads.
struct Aux {
  int stats = -1;      // BatchNorm/LayerNorm mean and 1/std
  int mask = -1;       // dropout keep-mask, 1 byte per element
  int indices = -1;    // max-pool argmax within the window
  int relu_mask = -1;  // ReLU's positive elements, 1 bit each (relu_saves: mask)
};

// Saved tensors of forward op `f` of the expanded graph `g` (see saved_by()); extra outputs
// are at fixed positions: statistics, mask and indices are outputs[1].
std::vector<int> saved_for_backward(const Graph& g, const Op& f,
                                    const std::vector<char>& requires_grad);
// Arithmetic operations per element of the element-wise backward of a forward kind.
double backward_ops_per_element(workloads::OpKind k);

class Expander {
 public:
  // `adapter_params`: parameters an adapter rewrite added (they always train).
  Expander(const Graph& forward, const TrainingOptions& options, std::vector<int> adapter_params);
  TrainingStep run();

 private:
  bool on_running_statistics(const Op& op) const;
  void check_forward() const;
  void copy_forward();
  void analyse_gradients();
  void plan_saved();
  void add_loss();
  void backward();
  void emit_backward(int f);  // backward.cpp
  void add_optimizer();

  // Helpers of the backward rules.
  int saved(int t);  // the forward tensor or its recomputed copy; t must be declared
  int param(int t) const;
  bool wants_grad(int t) const { return requires_grad_[t] != 0; }
  int grad(int t) const { return grad_[t]; }
  int new_grad(int t, const Op& from);
  void contribute(int t, int gradient);
  int emit(Op op, const Op& from, Pass pass);
  int emit_nest(const Op& f, Operand out, Pass pass, int i, int w, int o,
                const std::vector<int>& extra_outputs, const std::string& suffix);
  int emit_elementwise(const Op& f, Pass pass, const std::string& suffix, std::vector<int> in,
                       std::vector<int> out, int64_t elements, double ops, int window = 1);

  // Recompute.
  int available(int t);
  void recompute(int f);

  // Tensor and op names live in separate name spaces.
  std::string unique_tensor_name(const std::string& base) const;
  std::string unique_op_name(const std::string& base) const;

  const Graph& fwd_;
  TrainingOptions opt_;
  std::vector<int> adapter_params_;
  std::vector<char> trainable_;  // per forward tensor: a parameter that trains
  Graph g_;
  int forward_tensors_ = 0;  // tensors copied from the forward graph, same ids
  int forward_ops_ = 0;
  int logits_ = -1;
  Loss loss_ = Loss::kAuto;
  std::vector<Aux> aux_;
  std::vector<char> requires_grad_, has_grad_, runs_backward_, drop_, saved0_;
  std::vector<int> expected_, grad_, recomputed_, recompute_op_;
  std::vector<std::vector<int>> contributions_;
  int current_ = -1;  // forward op whose backward is being emitted
  std::vector<int> current_saved_;
};

}  // namespace monet::training::detail

// Layer-level construction of forward graphs: each call adds one op (and its parameter
// tensors) and returns the id of the op's output tensor. Used by the built-in models and
// the YAML loader. Throws core::Error on inconsistent shapes.
#pragma once

#include <string>
#include <vector>

#include "workloads/graph.hpp"

namespace monet::workloads {

// Arithmetic operations per element of element-streaming ops (documented in
// configs/workloads/README.md). Normalisations count the statistics pass of training mode.
double default_ops_per_element(OpKind kind);

class Builder {
 public:
  explicit Builder(std::string graph_name, int elem_bits = 32);
  // Continues an existing graph (rewrites that append layers to a network).
  Builder(Graph graph, int elem_bits);

  int input(const std::string& name, Shape shape, TensorKind kind = TensorKind::kInput);
  int param(const std::string& name, Shape shape);
  // Ops added from now on belong to this block ("" for none).
  void set_block(std::string block) { block_ = std::move(block); }

  // x: [B, C, H, W]. pad < 0 means "same" padding (kernel / 2 · dilation).
  int conv(const std::string& name, int x, int64_t out_channels, int kernel, int stride = 1,
           int pad = -1, int groups = 1, bool bias = false, int dilation = 1);
  // x: [..., in] → [..., out]. The weight is [out, in]; pass `weight` to reuse (tie) one.
  int linear(const std::string& name, int x, int64_t out_features, bool bias = true,
             int weight = -1);
  // Batched product of two activations: a [g..., M, R] · b [g..., R, N] → [g..., M, N];
  // with b_transposed, b is [g..., N, R] (as for Q·Kᵀ).
  int matmul(const std::string& name, int a, int b, bool b_transposed = false);

  int batchnorm(const std::string& name, int x);  // γ, β per channel (dim 1)
  int layernorm(const std::string& name, int x);  // γ, β over the last dim
  // RMSNorm: a LayerNorm op with γ only (no mean, no β): square, sum, scale by the reciprocal
  // root, multiply by γ — 4 ops per element.
  int rmsnorm(const std::string& name, int x);
  // Rotary position embedding x·cos + rotate_half(x)·sin (3 ops per element) with the cos/sin
  // rows of the processed positions `table` [T, head_dim]: a mul op reading x and the table.
  int rope(const std::string& name, int x, int table);
  // The last position of x [B, T, D] → [B, 1, D] (a layout op: the rows are read in place).
  int take_last(const std::string& name, int x);
  int unary(const std::string& name, int x, OpKind kind);  // relu, gelu, silu, dropout, ...
  int softmax(const std::string& name, int x);             // over the last dim
  int add(const std::string& name, int a, int b);
  int mul(const std::string& name, int a, int b);
  int maxpool(const std::string& name, int x, int kernel, int stride, int pad = 0);
  int avgpool(const std::string& name, int x, int kernel, int stride, int pad = 0);
  int global_avgpool(const std::string& name, int x);  // [B, C, H, W] → [B, C]
  // Bilinear interpolation [B, C, H, W] → [B, C, out_h, out_w] (out ≥ in): an avgpool op
  // over the 2 (per resized axis) weighted inputs, as the ONNX importer's Resize.
  int upsample(const std::string& name, int x, int64_t out_h, int64_t out_w);
  int reshape(const std::string& name, int x, Shape shape);
  std::vector<int> split(const std::string& name, int x, const std::vector<Shape>& shapes);
  int concat(const std::string& name, const std::vector<int>& xs, int axis);
  // ids [B, T] → [B, T, D] from a table [V, D] plus optional positions [T_max, D].
  int embedding(const std::string& name, int ids, int64_t vocab, int64_t dim,
                int64_t positions = 0);

  const Tensor& tensor(int id) const { return graph_.tensor(id); }
  const Shape& shape(int id) const { return graph_.tensor(id).shape; }
  Graph& graph() { return graph_; }
  // Validates the graph and hands it over.
  Graph finish();

 private:
  int new_activation(const std::string& name, Shape shape);
  int element_op(const std::string& name, OpKind kind, std::vector<int> inputs, Shape out_shape,
                 int64_t elements, int window = 1);
  int add_compute(const std::string& name, OpKind kind, const LoopNest& nest, int in, int w,
                  Shape out_shape, std::vector<int> extra_inputs);

  Graph graph_;
  int elem_bits_;
  std::string block_;
};

}  // namespace monet::workloads

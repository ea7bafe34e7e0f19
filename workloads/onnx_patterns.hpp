// Internal to the ONNX importer: node groups that become one Op, found before conversion.
// Exporters spell one layer as several nodes; fusing them gives the same ops (and the same
// per-element counts and backward rules) as the built-in models:
//  - bias: Conv/MatMul/Gemm followed by Add of a weight with one value per output feature;
//  - SiLU: Mul(x, Sigmoid(x));
//  - embedding: Add(Gather(table, ids), Gather(positions, constant indices));
//  - GELU: the erf or tanh decomposition — a closed group of Mul/Div/Add/Sub/Pow/Sqrt nodes
//    over one input x with exactly one Erf or Tanh and a product x · f(x);
//  - LayerNorm (opset < 17 exports): ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div over
//    the last axis, then Mul by a weight (γ) and Add of a weight (β).
// A group is closed: none of its intermediate values is read outside it.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "workloads/onnx_roles.hpp"

namespace monet::workloads::onnx_detail {

struct Fused {
  OpKind kind = OpKind::kGelu;       // kSilu, kGelu, kLayerNorm or kEmbedding
  std::vector<int> nodes;            // ONNX nodes replaced, ascending; the last emits the op
  std::string input;                 // x (ids for an embedding)
  std::vector<std::string> weights;  // γ, β; token table, position table
  std::string output;
};

struct BiasFold {
  std::string bias;    // weight value added
  std::string output;  // the Add's output, which the compute op writes instead
  int add_node = -1;
};

struct Patterns {
  std::vector<Fused> fused;
  std::unordered_map<int, int> fused_at;   // emitting node → index into `fused`
  std::unordered_map<int, BiasFold> bias;  // compute node → its folded bias Add
  std::vector<char> claimed;               // node → replaced by a fused op or a bias fold
};

Patterns find_patterns(const NodeIndex& idx, const Roles& roles, const TypeTable& types,
                       ConstEval& consts);

}  // namespace monet::workloads::onnx_detail

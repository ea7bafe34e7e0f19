// Internal to the ONNX importer: node groups that become one Op, found before conversion.
// Exporters spell one layer as several nodes; fusing them gives the same ops (and the same
// per-element counts and backward rules) as the built-in models:
//  - bias: Conv/MatMul/Gemm followed by Add of a weight with one value per output feature;
//  - SiLU: Mul(x, Sigmoid(x));
//  - embedding: Add(Gather(table, ids), Gather(positions, constant indices));
//  - GELU: the erf or tanh decomposition — a closed group of Mul/Div/Add/Sub/Pow/Sqrt nodes
//    over one input x with exactly one Erf or Tanh and a product x · f(x);
//  - LayerNorm (opset < 17 exports): ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div over
//    the last axis, then Mul by a weight (γ) and Add of a weight (β); and tf2onnx's Keras
//    form x·inv + (β − mean·inv) with inv = γ / Sqrt(var + ε) (Mul for the square, Reciprocal);
//  - padding: a zero constant Pad of the spatial axes read only by Convs becomes their padding
//    (TF's SAME padding and PyTorch's explicit F.pad / nn.ZeroPad2d).
// A group is closed: none of its intermediate values is read outside it.
#pragma once

#include <array>
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

struct PadFold {
  std::string input;              // the Pad's input, which the Conv reads instead
  std::array<int64_t, 4> pads{};  // added to the Conv's: y begin, x begin, y end, x end
};

struct Patterns {
  std::vector<Fused> fused;
  std::unordered_map<int, int> fused_at;   // emitting node → index into `fused`
  std::unordered_map<int, BiasFold> bias;  // compute node → its folded bias Add
  std::unordered_map<int, PadFold> pads;   // Conv node → the Pad folded into its padding
  std::vector<char> claimed;               // node → replaced by a fused op or a bias fold
};

// The pads of a Pad node over all `rank` axes ([x1_begin, x2_begin, ..., x1_end, ...]): the
// `pads` attribute (opset < 11) or input, spread over the `axes` input (opset 18); nullopt when
// they are not constant.
std::optional<std::vector<int64_t>> pad_amounts(const onnx::NodeProto& n, int64_t opset,
                                                size_t rank, const Constants& consts);

Patterns find_patterns(const NodeIndex& idx, const Roles& roles, const TypeTable& types,
                       const Constants& consts, int64_t opset);

}  // namespace monet::workloads::onnx_detail

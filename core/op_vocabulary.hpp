// The vocabulary workloads and accelerator descriptions share: op kinds, the loop
// dimensions of the canonical nest and its operands. Defined once here (core/) because
// accelerators/ may not depend on workloads/; workloads/op.hpp re-exports them.
#pragma once

#include <string_view>

#include "core/names.hpp"

namespace monet::core {

enum class OpKind {
  kConv,
  kMatmul,  // linear layers, attention products, LM head
  kBatchNorm,
  kLayerNorm,
  kRelu,
  kLeakyRelu,
  kGelu,
  kSilu,
  kSigmoid,
  kSoftmax,
  kDropout,
  kAdd,
  kMul,
  kMaxPool,
  kAvgPool,
  kGlobalAvgPool,
  kEmbedding,
  kReshape,  // layout changes: head split/merge, MobileViT unfold/fold, flatten
  kConcat,
  kLoss,
  kGradSum,  // sums the gradients of a tensor with several consumers
  kOptimizer,
};
// "conv", "matmul", "batchnorm", ... in enum order.
const NameTable<OpKind>& op_kind_names();
std::string_view op_kind_name(OpKind k);
std::optional<OpKind> op_kind_from_name(std::string_view name);
// conv and matmul: the kinds priced as loop nests on an array.
bool is_loop_nest_kind(OpKind k);

// Loop dimensions of the canonical nest. Matmuls use B, G (batched heads), K (output
// features / columns), C (reduction), OX (rows / tokens); FY = FX = OY = 1.
enum class Dim { kB, kG, kK, kC, kOY, kOX, kFY, kFX };
inline constexpr int kDimCount = 8;
// "B", "G", "K", "C", "OY", "OX", "FY", "FX".
const NameTable<Dim>& dim_names();
std::string_view dim_name(Dim d);

// The three operands of a loop nest. Forward writes O; a dX nest writes I; a dW nest writes W.
enum class Operand { kI, kW, kO };
inline constexpr int kOperandCount = 3;
// "I", "W", "O".
const NameTable<Operand>& operand_names();
std::string_view operand_name(Operand o);

}  // namespace monet::core

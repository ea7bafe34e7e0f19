#include "core/op_vocabulary.hpp"

namespace monet::core {

const NameTable<OpKind>& op_kind_names() {
  static const NameTable<OpKind> table("op kind", {
                                                      {OpKind::kConv, "conv"},
                                                      {OpKind::kMatmul, "matmul"},
                                                      {OpKind::kBatchNorm, "batchnorm"},
                                                      {OpKind::kLayerNorm, "layernorm"},
                                                      {OpKind::kRelu, "relu"},
                                                      {OpKind::kLeakyRelu, "leaky_relu"},
                                                      {OpKind::kGelu, "gelu"},
                                                      {OpKind::kSilu, "silu"},
                                                      {OpKind::kSigmoid, "sigmoid"},
                                                      {OpKind::kSoftmax, "softmax"},
                                                      {OpKind::kDropout, "dropout"},
                                                      {OpKind::kAdd, "add"},
                                                      {OpKind::kMul, "mul"},
                                                      {OpKind::kMaxPool, "maxpool"},
                                                      {OpKind::kAvgPool, "avgpool"},
                                                      {OpKind::kGlobalAvgPool, "global_avgpool"},
                                                      {OpKind::kEmbedding, "embedding"},
                                                      {OpKind::kReshape, "reshape"},
                                                      {OpKind::kConcat, "concat"},
                                                      {OpKind::kLoss, "loss"},
                                                      {OpKind::kGradSum, "grad_sum"},
                                                      {OpKind::kOptimizer, "optimizer"},
                                                  });
  return table;
}

std::string_view op_kind_name(OpKind k) {
  return op_kind_names().name(k);
}

std::optional<OpKind> op_kind_from_name(std::string_view name) {
  return op_kind_names().find(name);
}

bool is_loop_nest_kind(OpKind k) {
  return k == OpKind::kConv || k == OpKind::kMatmul;
}

const NameTable<Dim>& dim_names() {
  static const NameTable<Dim> table("loop dimension", {{Dim::kB, "B"},
                                                       {Dim::kG, "G"},
                                                       {Dim::kK, "K"},
                                                       {Dim::kC, "C"},
                                                       {Dim::kOY, "OY"},
                                                       {Dim::kOX, "OX"},
                                                       {Dim::kFY, "FY"},
                                                       {Dim::kFX, "FX"}});
  return table;
}

std::string_view dim_name(Dim d) {
  return dim_names().name(d);
}

const NameTable<Operand>& operand_names() {
  static const NameTable<Operand> table(
      "operand", {{Operand::kI, "I"}, {Operand::kW, "W"}, {Operand::kO, "O"}});
  return table;
}

std::string_view operand_name(Operand o) {
  return operand_names().name(o);
}

}  // namespace monet::core

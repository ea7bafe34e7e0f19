#include "workloads/onnx_op_rules.hpp"

#include <unordered_map>

#include "workloads/onnx_const.hpp"
#include "workloads/onnx_importer.hpp"

namespace monet::workloads::onnx_detail {

namespace {

const std::unordered_map<std::string, OpRule>& rules() {
  using A = AxisRange;
  static const std::unordered_map<std::string, OpRule> table = {
      // op                  min inputs, axis, window data, window weight, inputs since opset
      {"Conv", {2, A::kAnyRank, 0, 1}},
      {"ConvTranspose", {0, A::kAnyRank, 0, 1}},
      {"ConvInteger", {0, A::kAnyRank, 0, 1}},
      {"QLinearConv", {0, A::kAnyRank, 0, 3}},
      {"MaxPool", {0, A::kAnyRank, 0, -1}},
      {"AveragePool", {0, A::kAnyRank, 0, -1}},
      {"LpPool", {0, A::kAnyRank, 0, -1}},
      {"MaxUnpool", {0, A::kAnyRank, 0, -1}},
      {"Gemm", {2}},
      {"MatMul", {2}},
      {"BatchNormalization", {3}},
      {"LayerNormalization", {2, A::kWithinRank}},
      {"Add", {2}},
      {"Sub", {2}},
      {"Mul", {2}},
      {"Div", {2}},
      {"Mod", {2}},
      {"Pow", {2}},
      {"Equal", {2}},
      {"Less", {2}},
      {"Greater", {2}},
      {"LessOrEqual", {2}},
      {"GreaterOrEqual", {2}},
      {"And", {2}},
      {"Or", {2}},
      {"Xor", {2}},
      {"Gather", {2, A::kWithinRank}},
      {"Expand", {2}},
      {"Tile", {2}},
      {"Where", {3}},
      {"Range", {3}},
      {"Softmax", {0, A::kWithinRank}},
      {"LogSoftmax", {0, A::kWithinRank}},
      {"Hardmax", {0, A::kWithinRank}},
      {"Concat", {0, A::kWithinRank}},
      {"GatherElements", {0, A::kWithinRank}},
      {"ScatterElements", {0, A::kWithinRank}},
      {"Split", {0, A::kWithinRank}},
      {"ArgMax", {0, A::kWithinRank}},
      {"ArgMin", {0, A::kWithinRank}},
      {"Compress", {0, A::kWithinRank}},
      {"QuantizeLinear", {0, A::kWithinRank}},
      {"DequantizeLinear", {0, A::kWithinRank}},
      {"Flatten", {0, A::kFlatten}},
      // Operands that moved from attributes to inputs.
      {"Reshape", {2, A::kAnyRank, -1, -1, 5}},
      {"Upsample", {2, A::kAnyRank, -1, -1, 9}},
      {"Slice", {3, A::kAnyRank, -1, -1, 10}},
      {"Pad", {2, A::kAnyRank, -1, -1, 11}},
      {"Unsqueeze", {2, A::kAnyRank, -1, -1, 13}},
  };
  return table;
}

}  // namespace

const OpRule& op_rule(const std::string& op_type) {
  static const OpRule none;
  auto it = rules().find(op_type);
  return it == rules().end() ? none : it->second;
}

int min_inputs(const std::string& op, int64_t opset) {
  const OpRule& rule = op_rule(op);
  if (rule.min_inputs) return opset >= rule.inputs_since_opset ? rule.min_inputs : 1;
  if (op == "Constant") return 0;
  return converters().count(op) || foldable(op) ? 1 : 0;
}

}  // namespace monet::workloads::onnx_detail

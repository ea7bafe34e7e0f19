// Internal to the ONNX importer: static types and compile-time values of every value, found
// node by node in graph order. A node whose outputs are constants (computed from stored data
// and from shapes only) is folded when fold() knows its op; any other node of the default
// domain runs libonnx's inference function for its op, fed with the folded values (so a
// Reshape whose target came from a Shape → Gather → Concat chain gets its shape). Before each
// inference function runs, the node's input ranks and window attributes are checked
// (libonnx's functions index by them); every inferred shape is bounded like a declared one.
// Errors name the file and the node.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "workloads/onnx_const.hpp"
#include "workloads/onnx_roles.hpp"

namespace monet::workloads::onnx_detail {

struct Inferred {
  std::unordered_map<std::string, onnx::TypeProto> types;  // values with a known tensor type
  std::unordered_map<std::string, ConstTensor> consts;     // values with known contents
  std::vector<std::string> warnings;
};

// `model` has passed check_model and has its batch set.
Inferred infer(const onnx::ModelProto& model, const NodeIndex& idx, const Roles& roles,
               const std::string& path);

}  // namespace monet::workloads::onnx_detail

// Internal to the ONNX importer: the checks a model passes before anything reads its shapes.
// libonnx's shape inference trusts the graph it is given (a Shape node reading an undefined
// tensor, or a Conv whose input and weight ranks differ, crashes it), and the converters index
// node inputs and multiply sizes. So, before shape inference:
//  - the importer's own checks: every node input defined by a graph input, an initializer or
//    an earlier node (which also rules out cycles); every value produced once; every declared
//    or stored shape of rank <= kMaxRank with dims in [0, kMaxDim] and at most kMaxElements
//    elements; stored data matching its dims; each node with the inputs and the first output
//    the importer reads;
//  - onnx::checker::check_model (schemas: input counts, attribute types, required
//    attributes), for models whose opset this build's ONNX library knows.
// onnx_infer.cpp checks each node's input ranks and attribute values just before it runs the
// node's inference function.
#pragma once

#include <string>
#include <vector>

#include "workloads/onnx_model.hpp"

namespace monet::workloads::onnx_detail {

// Throws core::Error "<path>: ..." naming the node or the value. Returns warnings (what could
// not be checked).
std::vector<std::string> check_model(onnx::ModelProto& model, const std::string& path);

// Highest version of the default operator set this build's ONNX library has schemas for.
int64_t known_opset();

}  // namespace monet::workloads::onnx_detail

// ONNX models as forward workload graphs. Only shapes and attributes are read: weights may be
// initializers or graph inputs (a model exported without parameters), and their data is never
// needed. Shapes come from the model (value_info, or onnx::shape_inference when missing).
// Supported ops and how each maps to an Op are listed in workloads/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/graph.hpp"

namespace monet::workloads {

struct OnnxOptions {
  int64_t batch = 0;              // > 0: replaces dim 0 of every data input; 0: from the model
  bool skip_unsupported = false;  // unsupported nodes become zero-cost pass-throughs
  // > 0: every tensor (inputs, parameters, activations) is stored at this many bits, as the
  // built-in models are; 0: each tensor at its element type in the model (float 32 bit).
  int element_bits = 0;
};

struct OnnxImport {
  Graph graph;
  std::vector<std::string> warnings;  // what was assumed or skipped, one sentence each
};

// Throws core::Error naming the file for an unreadable or invalid model, for every
// unsupported op type (all listed in one message, unless skip_unsupported), and for a value
// whose shape is needed but cannot be determined.
OnnxImport import_onnx(const std::string& path, const OnnxOptions& options = {});
// The same from the bytes of a model; `name` stands for the file in messages and names the graph.
OnnxImport import_onnx_bytes(const std::string& bytes, const std::string& name,
                             const OnnxOptions& options = {});

// True when `spec` names an ONNX file (ends in .onnx).
bool is_onnx_file_name(const std::string& spec);

}  // namespace monet::workloads

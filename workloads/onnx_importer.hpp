// Internal to the ONNX importer: conversion state and the helpers every op converter uses.
// Converters (onnx_ops_*.cpp) turn one ONNX node into ops of the Graph; they read operand
// shapes from the graph tensors built so far, so a model converts in node order.
#pragma once

#include <array>
#include <functional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "workloads/onnx_import.hpp"
#include "workloads/onnx_patterns.hpp"

namespace monet::workloads::onnx_detail {

// A node this importer cannot express (an op configuration, not an op type): with
// skip_unsupported it becomes a pass-through, otherwise an error.
class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ModelView {
  const onnx::ModelProto& model;
  const NodeIndex& index;
  const Roles& roles;
  const TypeTable& types;
  const Patterns& patterns;
  const Constants& consts;
};

class Importer {
 public:
  Importer(const ModelView& m, const OnnxOptions& options, std::string file, Graph graph);

  // Converts every node; returns the graph (not yet validated) and the warnings.
  OnnxImport run(std::vector<std::string> warnings);

  // --- for converters: the node being converted
  const onnx::NodeProto& node() const { return m_.index.node(current_); }
  int node_id() const { return current_; }
  std::string label() const;     // "node '<name>' (<OpType>)"
  const BiasFold* bias() const;  // the Add folded into this compute node, if any
  const PadFold* pad() const;    // the Pad folded into this Conv, if any

  Role role(const std::string& v) const { return m_.roles.of(v); }
  // True when a node or the graph's outputs read `v`.
  bool is_read(const std::string& v) const {
    return !m_.index.consumers_of(v).empty() || m_.index.graph_outputs.count(v);
  }
  bool present(int input) const;  // the node has a non-empty input at this position
  // Graph tensor of an activation value; throws when `v` is not one.
  int act(const std::string& v) const;
  int act_input(int input) const { return act(node().input(input)); }
  // Parameter tensor of a weight (its source weight, created at first use).
  int weight(const std::string& v);
  // Static shape of any value: the graph tensor's for activations, the model's otherwise.
  Shape shape(const std::string& v) const;
  std::optional<Shape> model_shape(const std::string& v) const { return m_.types.shape(v); }
  std::optional<std::vector<int64_t>> ints(const std::string& v) const { return m_.consts.ints(v); }
  const Constants& constants() const { return m_.consts; }
  int64_t opset() const { return opset_; }

  // New activation tensor for `value` with the computed shape, checked against the model's
  // shape when it declares or inferred one.
  int output(const std::string& value, const Shape& computed);
  // New activation tensor for `value` with the model's shape; `why` explains in the error
  // what else could have given the shape.
  int output_from_model(const std::string& value, const std::string& why);
  void alias(const std::string& value, int tensor) { tensor_of_[value] = tensor; }
  // Bits per element of `value`'s graph tensor: the requested element_bits, else the model's.
  int bits(const std::string& value) const;

  int add_compute(OpKind kind, const LoopNest& nest, int in, int w, int out,
                  std::vector<int> extra_inputs);
  int add_element(OpKind kind, std::vector<int> inputs, std::vector<int> outputs, int64_t elements,
                  double ops_per_element, int64_t window = 1);

  [[noreturn]] void unsupported(const std::string& why) const;
  [[noreturn]] void fail(const std::string& why) const;
  const Graph& graph() const { return graph_; }

 private:
  void convert(int i);
  void emit_fused(const Fused& f);
  void pass_through(const std::string& reason);
  std::string op_name(const std::string& base);
  std::string block_of(const std::string& node_name) const;

  const ModelView& m_;
  const OnnxOptions& options_;
  std::string file_;
  Graph graph_;
  int64_t opset_ = 0;
  int current_ = -1;
  std::string current_op_name_;
  std::unordered_map<std::string, int> tensor_of_;  // activation value → graph tensor
  std::unordered_map<std::string, int> param_of_;   // source weight → parameter tensor
  std::vector<std::string> warnings_;
};

// One spatial axis of a convolution or pooling window.
struct WindowAxis {
  int64_t out = 0;
  int pad = 0;  // the symmetric pad the loop nest uses
};
// Output sizes of the two spatial axes of a 4-D input, from kernel_shape, strides, dilations,
// pads / auto_pad of the current node plus `extra` pads (y begin, x begin, y end, x end) of a
// folded Pad (onnx_ops_compute.cpp). With `symmetric` (a loop nest) the pads must be
// expressible as one pad per axis.
std::array<WindowAxis, 2> window_axes(Importer& im, const Shape& xs,
                                      const std::vector<int64_t>& kernel, bool dilations,
                                      bool ceil_mode, bool symmetric,
                                      const std::array<int64_t, 4>& extra = {});

using Converter = std::function<void(Importer&)>;
using ConverterTable = std::unordered_map<std::string, Converter>;

void register_compute_ops(ConverterTable& t);      // onnx_ops_compute.cpp
void register_elementwise_ops(ConverterTable& t);  // onnx_ops_elementwise.cpp
void register_layout_ops(ConverterTable& t);       // onnx_ops_layout.cpp
const ConverterTable& converters();                // all of them

}  // namespace monet::workloads::onnx_detail

// Internal to the ONNX importer (includes the protobuf types): reading the file, the static
// type of every value after shape inference, attributes, and the bounds every size obeys.
#pragma once

#include <onnx/onnx_pb.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "workloads/op.hpp"

namespace monet::workloads::onnx_detail {

// A broken rule found by a helper that does not know the file (a size overflow, an attribute
// of the wrong type). import_onnx adds the file, and the node when it converts one.
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bounds on what a model may declare or compute. They are far above any real network (GPT-3's
// largest tensor has ~2^31 elements) and keep every product of sizes inside int64: a tensor's
// bytes (elements x 64 bit) and a loop nest's MACs.
inline constexpr int kMaxRank = 32;
inline constexpr int64_t kMaxDim = int64_t{1} << 40;
inline constexpr int64_t kMaxElements = int64_t{1} << 48;
inline constexpr int64_t kMaxMacs = int64_t{1} << 56;
// Window attributes (kernel, stride, dilation, pad) and groups become `int` fields of a nest.
inline constexpr int64_t kMaxWindow = (int64_t{1} << 31) - 1;

// Reads the file; throws core::Error "<path>: ..." when it cannot be read.
std::string read_file(const std::string& path);
// Parses a model; throws core::Error "<name>: ..." when the bytes are not one.
onnx::ModelProto parse_model(const std::string& bytes, const std::string& name);

// Version of the default ("" / "ai.onnx") operator set; 0 when the model does not say.
int64_t default_opset(const onnx::ModelProto& model);

struct ValueType {
  std::optional<Shape> shape;  // set only when every dim is a known positive number
  int elem_bits = 32;
  bool has_type = false;
};

// The types the model declares (inputs, value_info, outputs, initializers, Constant nodes)
// and, where it declares none, the `inferred` ones (onnx_infer.hpp).
class TypeTable {
 public:
  explicit TypeTable(const onnx::GraphProto& g,
                     const std::unordered_map<std::string, onnx::TypeProto>& inferred = {});
  const ValueType* find(const std::string& value) const;
  std::optional<Shape> shape(const std::string& value) const;
  int elem_bits(const std::string& value) const;  // 32 when unknown

 private:
  void add(const std::string& name, const onnx::TypeProto& type);
  std::unordered_map<std::string, ValueType> types_;
};

int bits_of(int32_t onnx_elem_type);  // 32 for unknown types

// Attributes, with the ONNX defaults passed in. An attribute of another type than the one
// asked for throws ModelError naming the node.
const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name);
int64_t attr_int(const onnx::NodeProto& n, const std::string& name, int64_t fallback);
std::vector<int64_t> attr_ints(const onnx::NodeProto& n, const std::string& name,
                               std::vector<int64_t> fallback = {});
std::string attr_string(const onnx::NodeProto& n, const std::string& name,
                        const std::string& fallback);

// Elements of a stored tensor; throws ModelError for a negative dim or more than kMaxElements.
int64_t tensor_elements(const onnx::TensorProto& t);

std::string shape_str(const Shape& s);  // "[1, 64, 56, 56]"
// Product of the dims; throws ModelError beyond kMaxElements (or for a negative dim).
int64_t elements_of(const Shape& s);
// "node '<name>' (<OpType>)" for messages about a node outside the converters.
std::string node_str(const onnx::NodeProto& n);
// Display name of the graph's node i: its name, or "<OpType>_<i>" when the exporter left it
// empty.
std::string node_label(const onnx::NodeProto& n, int i);
// Normalises a possibly negative axis against `rank`; nullopt when out of range.
std::optional<int64_t> norm_axis(int64_t axis, size_t rank);

}  // namespace monet::workloads::onnx_detail

// Internal to the ONNX importer (includes the protobuf types): reading the file, the static
// type of every value after shape inference, attributes and integer constants.
#pragma once

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "workloads/op.hpp"

namespace monet::workloads::onnx_detail {

// Parses `path`; throws core::Error "<path>: ..." when it cannot be read or is not a model.
onnx::ModelProto read_model(const std::string& path);

// Version of the default ("" / "ai.onnx") operator set; 0 when the model does not say.
int64_t default_opset(const onnx::ModelProto& model);

struct ValueType {
  std::optional<Shape> shape;  // set only when every dim is a known positive number
  int elem_bits = 32;
  bool has_type = false;
};

// The types the model declares or inference filled (inputs, value_info, outputs, initializers,
// Constant nodes). Run onnx::shape_inference first.
class TypeTable {
 public:
  explicit TypeTable(const onnx::GraphProto& g);
  const ValueType* find(const std::string& value) const;
  std::optional<Shape> shape(const std::string& value) const;
  int elem_bits(const std::string& value) const;  // 32 when unknown

 private:
  void add(const std::string& name, const onnx::TypeProto& type);
  std::unordered_map<std::string, ValueType> types_;
};

int bits_of(int32_t onnx_elem_type);  // 32 for unknown types

// Attributes, with the ONNX defaults passed in.
const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name);
int64_t attr_int(const onnx::NodeProto& n, const std::string& name, int64_t fallback);
std::vector<int64_t> attr_ints(const onnx::NodeProto& n, const std::string& name,
                               std::vector<int64_t> fallback = {});
std::string attr_string(const onnx::NodeProto& n, const std::string& name,
                        const std::string& fallback);

// Integer contents of a tensor (int64/int32/int8/uint8/bool, typed fields or raw_data);
// nullopt for other types or when the data is not stored (weights exported as inputs).
std::optional<std::vector<int64_t>> tensor_ints(const onnx::TensorProto& t);
int64_t tensor_elements(const onnx::TensorProto& t);

std::string shape_str(const Shape& s);  // "[1, 64, 56, 56]"
int64_t elements_of(const Shape& s);
// Normalises a possibly negative axis against `rank`; nullopt when out of range.
std::optional<int64_t> norm_axis(int64_t axis, size_t rank);

}  // namespace monet::workloads::onnx_detail

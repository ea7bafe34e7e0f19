#include "workloads/onnx_model.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/checked_math.hpp"
#include "core/error.hpp"

namespace monet::workloads::onnx_detail {

std::string read_file(const std::string& path) {
  // A protobuf message is at most 2 GiB; a device or pipe would be read without end.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    throw core::Error(path + ": not a regular file");
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size >= (uintmax_t{1} << 31))
    throw core::Error(path + ": " + std::to_string(size) +
                      " bytes is more than an ONNX protobuf may hold (2 GiB)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::Error(path + ": cannot open the ONNX file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

onnx::ModelProto parse_model(const std::string& bytes, const std::string& path) {
  onnx::ModelProto model;
  if (bytes.empty()) throw core::Error(path + ": the ONNX file is empty");
  if (!model.ParseFromString(bytes))
    throw core::Error(path + ": not a valid ONNX model: the protobuf data does not parse (" +
                      std::to_string(bytes.size()) + " bytes; truncated or not an ONNX file)");
  // A truncation that happens to end on a field boundary still parses; what is left then
  // lacks the graph or the version that every exporter writes first.
  if (model.ir_version() <= 0 || !model.has_graph() || model.graph().node_size() == 0)
    throw core::Error(path + ": not a valid ONNX model: " +
                      (model.ir_version() <= 0 ? std::string("no ir_version")
                                               : std::string("the graph has no nodes")) +
                      " (truncated or not an ONNX file)");
  return model;
}

int64_t default_opset(const onnx::ModelProto& model) {
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  return 0;
}

int bits_of(int32_t t) {
  switch (t) {
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
      return 64;
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
      return 16;
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      return 8;
    default:
      return 32;
  }
}

TypeTable::TypeTable(const onnx::GraphProto& g,
                     const std::unordered_map<std::string, onnx::TypeProto>& inferred) {
  for (const auto& [name, type] : inferred) add(name, type);
  for (const auto& v : g.input()) add(v.name(), v.type());
  for (const auto& v : g.value_info()) add(v.name(), v.type());
  for (const auto& v : g.output()) add(v.name(), v.type());
  auto add_tensor = [&](const std::string& name, const onnx::TensorProto& t) {
    ValueType vt;
    vt.has_type = true;
    vt.elem_bits = bits_of(t.data_type());
    Shape dims(t.dims().begin(), t.dims().end());
    bool known = true;
    for (int64_t d : dims) known = known && d > 0 && d <= kMaxDim;
    if (known) vt.shape = std::move(dims);
    types_[name] = vt;
  };
  for (const auto& t : g.initializer()) add_tensor(t.name(), t);
  for (const auto& n : g.node())
    if (n.op_type() == "Constant" && n.output_size() == 1)
      if (const auto* a = find_attr(n, "value"); a && a->has_t()) add_tensor(n.output(0), a->t());
}

void TypeTable::add(const std::string& name, const onnx::TypeProto& type) {
  if (!type.has_tensor_type()) return;
  const auto& tt = type.tensor_type();
  ValueType vt;
  vt.has_type = true;
  vt.elem_bits = bits_of(tt.elem_type());
  if (tt.has_shape()) {
    Shape s;
    bool all_known = true;
    for (const auto& d : tt.shape().dim()) {
      all_known = all_known && d.has_dim_value() && d.dim_value() > 0 && d.dim_value() <= kMaxDim;
      if (all_known) s.push_back(d.dim_value());
    }
    // Shapes are bounded by the checks before inference; one that is not stays unknown.
    if (all_known) {
      auto n = core::checked_product(s);
      all_known = n && *n <= kMaxElements;
    }
    if (all_known) vt.shape = s;
  }
  // A later source (value_info after input) only refines: keep a known shape.
  auto it = types_.find(name);
  if (it != types_.end() && it->second.shape && !vt.shape) vt.shape = it->second.shape;
  types_[name] = vt;
}

const ValueType* TypeTable::find(const std::string& value) const {
  auto it = types_.find(value);
  return it == types_.end() ? nullptr : &it->second;
}

std::optional<Shape> TypeTable::shape(const std::string& value) const {
  const ValueType* t = find(value);
  return t ? t->shape : std::nullopt;
}

int TypeTable::elem_bits(const std::string& value) const {
  const ValueType* t = find(value);
  return t ? t->elem_bits : 32;
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

namespace {
// The attribute `name` when present; throws ModelError when it has another type.
const onnx::AttributeProto* typed_attr(const onnx::NodeProto& n, const std::string& name,
                                       onnx::AttributeProto::AttributeType type) {
  const auto* a = find_attr(n, name);
  if (a && a->type() != type)
    throw ModelError(node_str(n) + ": attribute '" + name + "' must be of type " +
                     onnx::AttributeProto::AttributeType_Name(type) + ", not " +
                     onnx::AttributeProto::AttributeType_Name(a->type()));
  return a;
}
}  // namespace

int64_t attr_int(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
  const auto* a = typed_attr(n, name, onnx::AttributeProto::INT);
  return a ? a->i() : fallback;
}

std::vector<int64_t> attr_ints(const onnx::NodeProto& n, const std::string& name,
                               std::vector<int64_t> fallback) {
  const auto* a = typed_attr(n, name, onnx::AttributeProto::INTS);
  if (!a) return fallback;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::string attr_string(const onnx::NodeProto& n, const std::string& name,
                        const std::string& fallback) {
  const auto* a = typed_attr(n, name, onnx::AttributeProto::STRING);
  return a ? a->s() : fallback;
}

int64_t tensor_elements(const onnx::TensorProto& t) {
  const Shape dims(t.dims().begin(), t.dims().end());
  try {
    return elements_of(dims);
  } catch (const ModelError& e) {
    throw ModelError("tensor '" + t.name() + "': " + e.what());
  }
}

std::string node_label(const onnx::NodeProto& n, int i) {
  return n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
}

std::string node_str(const onnx::NodeProto& n) {
  return n.name().empty() ? "a " + n.op_type() + " node"
                          : "node '" + n.name() + "' (" + n.op_type() + ")";
}

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

int64_t elements_of(const Shape& s) {
  for (int64_t d : s)
    if (d < 0) throw ModelError("shape " + shape_str(s) + " has a negative dimension");
  auto n = core::checked_product(s);
  if (!n || *n > kMaxElements)
    throw ModelError("shape " + shape_str(s) + " has more than 2^48 elements");
  return *n;
}

std::optional<int64_t> norm_axis(int64_t axis, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) return std::nullopt;
  return axis < 0 ? axis + r : axis;
}

}  // namespace monet::workloads::onnx_detail

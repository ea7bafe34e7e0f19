// Fuzz target: an ONNX model (the bytes of a .onnx file) through import_onnx_bytes, with the
// model's own batch and types (inputs of even size) or with a batch, element_bits and
// skip_unsupported (odd size); a small imported graph is also expanded into a training step.
//
// Byte flips mostly break the protobuf encoding, which the importer rejects at once, so the
// custom mutator below parses the model and changes its structure instead (op types,
// attributes, wiring, dims, stored integers, opset), as a user's broken export or a bug in an
// exporter would; one mutation in five is libFuzzer's own on the raw bytes.
#include <onnx/onnx_pb.h>

#include <array>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.hpp"
#include "training/expand.hpp"
#include "workloads/onnx_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  return monet::fuzz::run_one([&] {
    monet::workloads::OnnxOptions o;
    if (size % 2) o = {.batch = 3, .skip_unsupported = true, .element_bits = 8};
    auto r = monet::workloads::import_onnx_bytes(bytes, "fuzz-input.onnx", o);
    const auto totals = r.graph.totals();
    if (totals.macs < 0 || totals.parameters < 0 || totals.activation_bytes < 0)
      monet::fuzz::finding("negative totals accepted");
    monet::fuzz::require_finite(totals.element_ops, "element op count");
    if (r.graph.ops().size() <= 100) monet::training::expand(r.graph, {});
  });
}

// libFuzzer's byte mutator; absent (null) in the replay build, which never mutates.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size)
    __attribute__((weak));

namespace {

using Rng = std::minstd_rand;

int64_t interesting(Rng& rng) {
  static const std::array<int64_t, 16> values = {0,
                                                 1,
                                                 2,
                                                 3,
                                                 4,
                                                 7,
                                                 -1,
                                                 -2,
                                                 16,
                                                 64,
                                                 255,
                                                 1 << 16,
                                                 int64_t{1} << 31,
                                                 int64_t{1} << 40,
                                                 std::numeric_limits<int64_t>::max(),
                                                 std::numeric_limits<int64_t>::min()};
  return values[rng() % values.size()];
}

const std::string& pick_op(Rng& rng) {
  static const std::vector<std::string> ops = {"Conv",
                                               "Gemm",
                                               "MatMul",
                                               "BatchNormalization",
                                               "LayerNormalization",
                                               "Relu",
                                               "Sigmoid",
                                               "Add",
                                               "Mul",
                                               "Sub",
                                               "Div",
                                               "Pow",
                                               "Sqrt",
                                               "Erf",
                                               "Tanh",
                                               "Softmax",
                                               "MaxPool",
                                               "AveragePool",
                                               "GlobalAveragePool",
                                               "ReduceMean",
                                               "Reshape",
                                               "Transpose",
                                               "Flatten",
                                               "Squeeze",
                                               "Unsqueeze",
                                               "Concat",
                                               "Split",
                                               "Slice",
                                               "Gather",
                                               "Shape",
                                               "Size",
                                               "Cast",
                                               "Range",
                                               "ConstantOfShape",
                                               "Expand",
                                               "Where",
                                               "Equal",
                                               "Less",
                                               "Pad",
                                               "Resize",
                                               "Upsample",
                                               "Clip",
                                               "HardSigmoid",
                                               "HardSwish",
                                               "Identity",
                                               "Constant",
                                               "Tile",
                                               "Floor",
                                               "ReduceProd",
                                               "ConvTranspose",
                                               "Einsum",
                                               "If",
                                               "NonZero",
                                               "TopK",
                                               "OneHot"};
  return ops[rng() % ops.size()];
}

const std::string& pick_attr(Rng& rng) {
  static const std::vector<std::string> names = {
      "kernel_shape", "strides",     "pads",     "dilations", "group",    "axis",
      "axes",         "perm",        "keepdims", "mode",      "to",       "split",
      "starts",       "ends",        "value",    "transB",    "auto_pad", "allowzero",
      "ceil_mode",    "num_outputs", "start",    "end",       "epsilon",  "scales"};
  return names[rng() % names.size()];
}

// Every value name the graph knows (for rewiring), plus the empty (absent) one.
std::vector<std::string> value_names(const onnx::GraphProto& g) {
  std::vector<std::string> v = {""};
  for (const auto& i : g.input()) v.push_back(i.name());
  for (const auto& t : g.initializer()) v.push_back(t.name());
  for (const auto& n : g.node())
    for (const auto& o : n.output()) v.push_back(o);
  return v;
}

void mutate_attribute(onnx::NodeProto& n, Rng& rng) {
  if (n.attribute_size() == 0 || rng() % 3 == 0) {
    auto* a = n.add_attribute();
    a->set_name(pick_attr(rng));
    a->set_type(rng() % 2 ? onnx::AttributeProto::INTS : onnx::AttributeProto::INT);
    if (a->type() == onnx::AttributeProto::INT)
      a->set_i(interesting(rng));
    else
      for (int k = static_cast<int>(rng() % 5); k > 0; --k) a->add_ints(interesting(rng));
    return;
  }
  auto* a = n.mutable_attribute(static_cast<int>(rng() % n.attribute_size()));
  switch (rng() % 6) {
    case 0:
      a->set_i(interesting(rng));
      break;
    case 1:
      if (a->ints_size())
        a->set_ints(static_cast<int>(rng() % a->ints_size()), interesting(rng));
      else
        a->add_ints(interesting(rng));
      break;
    case 2:
      a->add_ints(interesting(rng));
      break;
    case 3:
      a->set_type(static_cast<onnx::AttributeProto::AttributeType>(rng() % 12));
      break;
    case 4:
      a->set_s(rng() % 2 ? "SAME_UPPER" : "linear");
      break;
    default:
      n.mutable_attribute()->DeleteSubrange(static_cast<int>(rng() % n.attribute_size()), 1);
  }
}

void mutate_dims(google::protobuf::RepeatedField<int64_t>& dims, Rng& rng) {
  switch (rng() % 3) {
    case 0:
      if (!dims.empty()) dims.Set(static_cast<int>(rng() % dims.size()), interesting(rng));
      break;
    case 1:
      dims.Add(interesting(rng));
      break;
    default:
      if (!dims.empty()) dims.RemoveLast();
  }
}

void mutate_value_info(onnx::ValueInfoProto& v, Rng& rng) {
  auto* tt = v.mutable_type()->mutable_tensor_type();
  if (rng() % 4 == 0) {
    tt->set_elem_type(static_cast<int32_t>(rng() % 18));
    return;
  }
  auto* shape = tt->mutable_shape();
  if (shape->dim_size() == 0 || rng() % 3 == 0) {
    shape->add_dim()->set_dim_value(interesting(rng));
    return;
  }
  auto* d = shape->mutable_dim(static_cast<int>(rng() % shape->dim_size()));
  if (rng() % 4 == 0)
    d->set_dim_param("n");
  else
    d->set_dim_value(interesting(rng));
}

void mutate_tensor(onnx::TensorProto& t, Rng& rng) {
  switch (rng() % 4) {
    case 0:
      mutate_dims(*t.mutable_dims(), rng);
      break;
    case 1:
      if (t.int64_data_size())
        t.set_int64_data(static_cast<int>(rng() % t.int64_data_size()), interesting(rng));
      else
        t.add_int64_data(interesting(rng));
      break;
    case 2:
      t.set_data_type(static_cast<int32_t>(rng() % 17));
      break;
    default:
      if (t.has_raw_data() && t.raw_data().size() >= 8) {
        std::string raw = t.raw_data();
        const int64_t v = interesting(rng);
        std::memcpy(raw.data() + 8 * (rng() % (raw.size() / 8)), &v, 8);
        t.set_raw_data(raw);
      }
  }
}

void mutate_model(onnx::ModelProto& m, Rng& rng) {
  auto& g = *m.mutable_graph();
  const int nodes = g.node_size();
  auto node = [&]() -> onnx::NodeProto& {
    return *g.mutable_node(static_cast<int>(rng() % nodes));
  };
  switch (rng() % 12) {
    case 0:
      if (nodes) node().set_op_type(pick_op(rng));
      break;
    case 1:
    case 2:
      if (nodes) mutate_attribute(node(), rng);
      break;
    case 3:
      if (nodes) {  // rewire an input
        auto& n = node();
        auto names = value_names(g);
        const std::string& v = names[rng() % names.size()];
        if (n.input_size() && rng() % 4)
          n.set_input(static_cast<int>(rng() % n.input_size()), v);
        else if (rng() % 2)
          n.add_input(v);
        else if (n.input_size())
          n.mutable_input()->RemoveLast();
      }
      break;
    case 4:
      if (nodes) {  // rename or add an output
        auto& n = node();
        auto names = value_names(g);
        if (n.output_size() && rng() % 2)
          n.set_output(static_cast<int>(rng() % n.output_size()), names[rng() % names.size()]);
        else
          n.add_output("extra_" + std::to_string(rng() % 8));
      }
      break;
    case 5:
      if (nodes > 1) {  // delete, duplicate or swap nodes
        const int i = static_cast<int>(rng() % nodes), j = static_cast<int>(rng() % nodes);
        if (rng() % 3 == 0)
          g.mutable_node()->DeleteSubrange(i, 1);
        else if (rng() % 2)
          *g.add_node() = g.node(i);
        else
          g.mutable_node()->SwapElements(i, j);
      }
      break;
    case 6:
    case 7:
      if (g.input_size())
        mutate_value_info(*g.mutable_input(static_cast<int>(rng() % g.input_size())), rng);
      break;
    case 8:
      if (g.initializer_size())
        mutate_tensor(*g.mutable_initializer(static_cast<int>(rng() % g.initializer_size())), rng);
      break;
    case 9:
      if (nodes) {  // a Constant's value
        auto& n = node();
        for (auto& a : *n.mutable_attribute())
          if (a.has_t()) mutate_tensor(*a.mutable_t(), rng);
      }
      break;
    case 10:
      if (m.opset_import_size()) m.mutable_opset_import(0)->set_version(1 + rng() % 22);
      break;
    default:
      if (g.output_size())
        mutate_value_info(*g.mutable_output(static_cast<int>(rng() % g.output_size())), rng);
  }
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  Rng rng(seed);
  onnx::ModelProto m;
  if (rng() % 5 == 0 || !m.ParseFromArray(data, static_cast<int>(size)) || !m.has_graph())
    return LLVMFuzzerMutate ? LLVMFuzzerMutate(data, size, max_size) : size;
  for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) mutate_model(m, rng);
  std::string out;
  if (!m.SerializeToString(&out) || out.size() > max_size)
    return LLVMFuzzerMutate ? LLVMFuzzerMutate(data, size, max_size) : size;
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

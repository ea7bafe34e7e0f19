#include "workloads/onnx_importer.hpp"

#include "core/checked_math.hpp"
#include "core/error.hpp"
#include "workloads/builder.hpp"

namespace monet::workloads::onnx_detail {

const ConverterTable& converters() {
  static const ConverterTable table = [] {
    ConverterTable t;
    register_compute_ops(t);
    register_elementwise_ops(t);
    register_layout_ops(t);
    return t;
  }();
  return table;
}

Importer::Importer(const ModelView& m, const OnnxOptions& options, std::string file, Graph graph)
    : m_(m), options_(options), file_(std::move(file)), graph_(std::move(graph)) {
  opset_ = default_opset(m.model);
}

OnnxImport Importer::run(std::vector<std::string> warnings) {
  warnings_ = std::move(warnings);
  for (const auto& in : m_.index.graph.input()) {
    const std::string& name = in.name();
    if (!m_.index.graph_inputs.count(name) || role(name) != Role::kActivation ||
        m_.index.consumers_of(name).empty())
      continue;
    auto s = m_.types.shape(name);
    if (!s)
      throw core::Error(file_ + ": graph input '" + name +
                        "' has no static shape (every dimension but the batch must be a number)");
    tensor_of_[name] = graph_.add_tensor(name, *s, bits(name), TensorKind::kInput);
  }
  const auto& fused_at = m_.patterns.fused_at;
  for (int i = 0; i < m_.index.graph.node_size(); ++i) {
    current_ = i;
    try {
      if (auto it = fused_at.find(i); it != fused_at.end())
        emit_fused(m_.patterns.fused[it->second]);
      else if (!m_.patterns.claimed[i])
        convert(i);
    } catch (const Unsupported& e) {
      if (!options_.skip_unsupported)
        fail(std::string(e.what()) + " (pass such nodes through with --skip-unsupported)");
      pass_through(e.what());
    } catch (const ModelError& e) {
      fail(e.what());
    }
  }
  return {std::move(graph_), std::move(warnings_)};
}

std::string Importer::label() const {
  return "node '" + node_label(m_.index, current_) + "' (" + node().op_type() + ")";
}

const BiasFold* Importer::bias() const {
  auto it = m_.patterns.bias.find(current_);
  return it == m_.patterns.bias.end() ? nullptr : &it->second;
}

const PadFold* Importer::pad() const {
  auto it = m_.patterns.pads.find(current_);
  return it == m_.patterns.pads.end() ? nullptr : &it->second;
}

bool Importer::present(int input) const {
  return input < node().input_size() && !node().input(input).empty();
}

void Importer::convert(int i) {
  const auto& n = m_.index.node(i);
  bool computes = false;
  for (const auto& o : n.output())
    computes = computes || (!o.empty() && role(o) == Role::kActivation);
  if (!computes) return;  // constant folding and weight views: nothing runs
  current_op_name_ = node_label(m_.index, i);
  auto it = converters().find(n.op_type());
  if (it == converters().end()) {
    // import_onnx has already rejected these unless skip_unsupported is set.
    pass_through("op type " + n.op_type() + " is not supported");
    return;
  }
  it->second(*this);
}

void Importer::pass_through(const std::string& reason) {
  const auto& n = node();
  int source = -1;
  std::string source_name;
  for (const auto& in : n.input())
    if (!in.empty() && tensor_of_.count(in)) {
      source = tensor_of_.at(in);
      source_name = in;
      break;
    }
  for (const auto& o : n.output())
    if (!o.empty() && source >= 0) alias(o, source);
  warnings_.push_back(label() + ": " + reason + "; skipped: " +
                      (source >= 0
                           ? "its outputs pass through input '" + source_name + "' at no cost"
                           : std::string("it has no computed input, so its outputs have "
                                         "no tensor")));
}

void Importer::emit_fused(const Fused& f) {
  const std::string last = node_label(m_.index, f.nodes.back());
  const auto slash = last.rfind('/');
  const std::string word = f.kind == OpKind::kLayerNorm   ? "LayerNormalization"
                           : f.kind == OpKind::kEmbedding ? "Embedding"
                           : f.kind == OpKind::kGelu      ? "Gelu"
                                                          : "Silu";
  current_op_name_ =
      slash == std::string::npos ? last + "_" + word : last.substr(0, slash + 1) + word;
  const int x = act(f.input);
  const Shape xs = graph_.tensor(x).shape;
  std::vector<int> inputs = {x};
  for (const auto& w : f.weights) inputs.push_back(weight(w));
  Shape out_shape = xs;
  if (f.kind == OpKind::kEmbedding) {
    Shape table = shape(f.weights[0]);
    if (table.size() != 2) fail("the embedding table is " + shape_str(table) + ", not 2-D");
    out_shape.push_back(table.back());
  }
  int out = output(f.output, out_shape);
  add_element(f.kind, inputs, {out}, elements_of(out_shape), default_ops_per_element(f.kind));
}

int Importer::act(const std::string& v) const {
  auto it = tensor_of_.find(v);
  if (it != tensor_of_.end()) return it->second;
  switch (role(v)) {
    case Role::kWeight:
      throw Unsupported("operand '" + v + "' is a parameter where a computed tensor is expected");
    case Role::kConstant:
      throw Unsupported("operand '" + v + "' is a constant where a computed tensor is expected");
    case Role::kActivation:
      break;
  }
  fail("input '" + v + "' has no tensor (it comes from a skipped node without computed inputs)");
}

int Importer::weight(const std::string& v) {
  if (role(v) != Role::kWeight) throw Unsupported("operand '" + v + "' is not a parameter");
  const std::string& base = m_.roles.base.at(v);
  if (auto it = param_of_.find(base); it != param_of_.end()) return it->second;
  auto s = m_.types.shape(base);
  if (!s) fail("parameter '" + base + "' has no static shape");
  int id = graph_.add_tensor(base, *s, bits(base), TensorKind::kParameter);
  param_of_[base] = id;
  return id;
}

Shape Importer::shape(const std::string& v) const {
  if (auto it = tensor_of_.find(v); it != tensor_of_.end()) return graph_.tensor(it->second).shape;
  if (auto s = m_.types.shape(v)) return *s;
  fail("the shape of '" + v + "' is unknown");
}

int Importer::output(const std::string& value, const Shape& computed) {
  if (auto declared = m_.types.shape(value); declared && *declared != computed)
    fail("output '" + value + "' has shape " + shape_str(computed) + " here but " +
         shape_str(*declared) + " in the model");
  for (int64_t d : computed)
    if (d <= 0) fail("output '" + value + "' would have shape " + shape_str(computed));
  int id = graph_.add_tensor(value, computed, bits(value), TensorKind::kActivation);
  tensor_of_[value] = id;
  return id;
}

int Importer::bits(const std::string& value) const {
  return options_.element_bits > 0 ? options_.element_bits : m_.types.elem_bits(value);
}

int Importer::output_from_model(const std::string& value, const std::string& why) {
  auto s = m_.types.shape(value);
  if (!s)
    fail("the shape of output '" + value + "' is unknown: shape inference could not determine it" +
         why);
  return output(value, *s);
}

std::string Importer::op_name(const std::string& base) {
  if (graph_.find_op(base) < 0) return base;
  for (int k = 1;; ++k)
    if (std::string n = base + "_" + std::to_string(k); graph_.find_op(n) < 0) return n;
}

// PyTorch scope names ("/layer1/layer1.0/conv1/Conv", "/transformer/h.3/attn/MatMul"): the
// block is the first module with an index (a repeated layer); "" when there is none.
std::string Importer::block_of(const std::string& name) const {
  size_t start = 0;
  while (start < name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) break;  // the last segment is the op itself
    std::string seg = name.substr(start, end - start);
    size_t dot = seg.rfind('.');
    if (dot != std::string::npos && dot + 1 < seg.size() &&
        seg.find_first_not_of("0123456789", dot + 1) == std::string::npos)
      return seg;
    start = end + 1;
  }
  return "";
}

int Importer::add_compute(OpKind kind, const LoopNest& nest, int in, int w, int out,
                          std::vector<int> extra_inputs) {
  auto macs = core::checked_product(nest.size);
  if (!macs || *macs > kMaxMacs) fail("the loop nest " + nest.str() + " has more than 2^56 MACs");
  Op op;
  op.name = op_name(current_op_name_);
  op.kind = kind;
  op.inputs = {in};
  if (w >= 0) op.inputs.push_back(w);
  for (int e : extra_inputs) op.inputs.push_back(e);
  op.outputs = {out};
  op.block = block_of(current_op_name_);
  op.nest = nest;
  op.operand_tensor = {in, w, out};
  return graph_.add_op(std::move(op));
}

int Importer::add_element(OpKind kind, std::vector<int> inputs, std::vector<int> outputs,
                          int64_t elements, double ops_per_element, int64_t window) {
  if (window < 1 || window > kMaxWindow)
    fail("a window of " + std::to_string(window) + " elements (at most 2^31 - 1)");
  Op op;
  op.name = op_name(current_op_name_);
  op.kind = kind;
  op.inputs = std::move(inputs);
  op.outputs = std::move(outputs);
  op.block = block_of(current_op_name_);
  op.elements = elements;
  op.ops_per_element = ops_per_element;
  op.window = static_cast<int>(window);
  return graph_.add_op(std::move(op));
}

void Importer::unsupported(const std::string& why) const {
  throw Unsupported(why);
}

void Importer::fail(const std::string& why) const {
  throw core::Error(file_ + ": " + label() + ": " + why);
}

}  // namespace monet::workloads::onnx_detail

#include "workloads/graph.hpp"

#include "core/checked_math.hpp"
#include "core/error.hpp"

namespace monet::workloads {

namespace {
std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out + "]";
}

bool same_shape_kind(OpKind k) {
  switch (k) {
    case OpKind::kBatchNorm:
    case OpKind::kLayerNorm:
    case OpKind::kRelu:
    case OpKind::kLeakyRelu:
    case OpKind::kGelu:
    case OpKind::kSilu:
    case OpKind::kSigmoid:
    case OpKind::kSoftmax:
    case OpKind::kDropout:
    case OpKind::kAdd:
    case OpKind::kMul:
      return true;
    default:
      return false;
  }
}
}  // namespace

int Graph::add_tensor(std::string name, Shape shape, int elem_bits, TensorKind kind) {
  if (tensor_by_name_.count(name)) throw core::Error("duplicate tensor name '" + name + "'");
  for (int64_t d : shape)
    if (d <= 0)
      throw core::Error("tensor '" + name + "' has a non-positive dimension " + shape_str(shape));
  if (elem_bits <= 0) throw core::Error("tensor '" + name + "' has element size <= 0 bits");
  // Every later size computation (elements, bytes, tiles of it) stays within kMaxSize.
  const std::string what = "tensor '" + name + "' " + shape_str(shape);
  core::checked_mul(core::checked_product(shape, what + " elements"), elem_bits, what + " bits");
  Tensor t;
  t.id = static_cast<int>(tensors_.size());
  t.name = std::move(name);
  t.shape = std::move(shape);
  t.elem_bits = elem_bits;
  t.kind = kind;
  tensor_by_name_[t.name] = t.id;
  tensors_.push_back(std::move(t));
  return tensors_.back().id;
}

int Graph::add_op(Op op) {
  if (op_by_name_.count(op.name)) throw core::Error("duplicate op name '" + op.name + "'");
  int id = static_cast<int>(ops_.size());
  for (int t : op.inputs)
    if (t < 0 || t >= static_cast<int>(tensors_.size()))
      throw core::Error("op '" + op.name + "' reads an unknown tensor id " + std::to_string(t));
  for (int t : op.outputs) {
    if (t < 0 || t >= static_cast<int>(tensors_.size()))
      throw core::Error("op '" + op.name + "' writes an unknown tensor id " + std::to_string(t));
    if (tensors_[t].producer >= 0)
      throw core::Error("tensor '" + tensors_[t].name + "' already has a producer");
  }
  if (op.nest)
    core::checked_product({op.nest->size.begin(), op.nest->size.end()},
                          "op '" + op.name + "' MACs (" + op.nest->str() + ")");
  core::checked_mul(op.elements, std::max<int64_t>(op.window, 1),
                    "op '" + op.name + "' elements read");
  op.id = id;
  for (int t : op.inputs) tensors_[t].consumers.push_back(id);
  for (int t : op.outputs) tensors_[t].producer = id;
  op_by_name_[op.name] = id;
  ops_.push_back(std::move(op));
  return id;
}

int Graph::find_tensor(const std::string& name) const {
  auto it = tensor_by_name_.find(name);
  return it == tensor_by_name_.end() ? -1 : it->second;
}

int Graph::find_op(const std::string& name) const {
  auto it = op_by_name_.find(name);
  return it == op_by_name_.end() ? -1 : it->second;
}

std::vector<int> Graph::inputs() const {
  std::vector<int> out;
  for (auto& t : tensors_)
    if (t.kind == TensorKind::kInput) out.push_back(t.id);
  return out;
}

int64_t batch_of(const Graph& g) {
  for (const auto& t : g.tensors())
    if (t.kind == TensorKind::kInput) return t.shape.empty() ? 0 : t.shape.front();
  return 0;
}

std::vector<int> Graph::outputs() const {
  std::vector<int> out;
  for (auto& t : tensors_)
    if (t.producer >= 0 && t.consumers.empty()) out.push_back(t.id);
  return out;
}

std::vector<int> Graph::parameters() const {
  std::vector<int> out;
  for (auto& t : tensors_)
    if (t.kind == TensorKind::kParameter) out.push_back(t.id);
  return out;
}

core::Digraph Graph::op_graph() const {
  core::Digraph g(ops_.size());
  for (auto& op : ops_)
    for (int t : op.inputs)
      if (tensors_[t].producer >= 0) g.add_edge(tensors_[t].producer, op.id);
  return g;
}

GraphTotals Graph::totals() const {
  GraphTotals s;
  for (auto& t : tensors_)
    if (t.kind == TensorKind::kParameter) {
      s.parameters += t.elements();
      s.parameter_bytes += t.bytes();
    }
  for (auto& op : ops_) {
    s.macs += op.macs();
    s.element_ops += op.element_ops();
    for (int t : op.outputs) s.activation_bytes += tensors_[t].bytes();
    ++s.op_count;
    if (op.is_compute()) ++s.compute_op_count;
  }
  return s;
}

void Graph::validate() const {
  std::vector<std::string> problems;
  auto bad = [&](const Op& op, const std::string& what) {
    problems.push_back("op '" + op.name + "': " + what);
  };
  if (!op_graph().is_acyclic()) problems.push_back("the op graph has a cycle");
  for (auto& op : ops_) {
    for (int t : op.inputs)
      if (tensors_[t].producer >= op.id)
        bad(op, "reads '" + tensors_[t].name + "' before it is produced");
    if (op.outputs.empty()) bad(op, "has no output");
    if (op.is_compute()) {
      const LoopNest& n = *op.nest;
      for (int64_t s : n.size)
        if (s <= 0) bad(op, "loop nest has a non-positive dimension: " + n.str());
      int ti = op.operand_tensor[0], tw = op.operand_tensor[1], to = op.operand_tensor[2];
      if (ti < 0 || to < 0) {
        bad(op, "compute op without I or O tensor");
        continue;
      }
      const Tensor& O = tensors_[to];
      if (O.elements() != n.operand_elements(Operand::kO, 1, 1))
        bad(op,
            "O tensor '" + O.name + "' " + shape_str(O.shape) + " does not match nest " + n.str());
      if (tw >= 0 && tensors_[tw].elements() != n.operand_elements(Operand::kW, 1, 1))
        bad(op, "W tensor '" + tensors_[tw].name + "' " + shape_str(tensors_[tw].shape) +
                    " does not match nest " + n.str());
      const Tensor& I = tensors_[ti];
      int64_t h = n[Dim::kOY], w = n[Dim::kOX];
      if (op.kind == OpKind::kConv) {
        if (I.shape.size() != 4) {
          bad(op, "conv input '" + I.name + "' must be 4-D, is " + shape_str(I.shape));
          continue;
        }
        h = I.shape[2];
        w = I.shape[3];
        int64_t oy = (h + 2 * n.pad_y - n.dilation_y * (n[Dim::kFY] - 1) - 1) / n.stride_y + 1;
        int64_t ox = (w + 2 * n.pad_x - n.dilation_x * (n[Dim::kFX] - 1) - 1) / n.stride_x + 1;
        if (oy != n[Dim::kOY] || ox != n[Dim::kOX])
          bad(op, "input " + shape_str(I.shape) + " gives output " + std::to_string(oy) + "x" +
                      std::to_string(ox) + ", nest says " + n.str());
      }
      if (I.elements() != n.operand_elements(Operand::kI, h, w))
        bad(op,
            "I tensor '" + I.name + "' " + shape_str(I.shape) + " does not match nest " + n.str());
    } else {
      if (op.elements <= 0) bad(op, "element-streaming op with no elements");
      if (op.outputs.empty() || op.inputs.empty()) continue;
      const Tensor& out = tensors_[op.outputs[0]];
      const Tensor& in = tensors_[op.inputs[0]];
      if (op.pass == Pass::kForward && same_shape_kind(op.kind) && in.shape != out.shape)
        bad(op, "input " + shape_str(in.shape) + " and output " + shape_str(out.shape) +
                    " must have the same shape");
      if (op.pass == Pass::kForward && op.kind == OpKind::kAdd)
        for (int t : op.inputs)
          if (tensors_[t].shape != out.shape)
            bad(op, "operand '" + tensors_[t].name + "' " + shape_str(tensors_[t].shape) +
                        " differs from output " + shape_str(out.shape));
      if (op.kind == OpKind::kReshape && op.pass == Pass::kForward && op.outputs.size() == 1 &&
          in.elements() != out.elements())
        bad(op, "reshape changes the element count " + shape_str(in.shape) + " -> " +
                    shape_str(out.shape));
    }
  }
  if (!problems.empty()) {
    std::string msg = "graph '" + name_ + "' is invalid:";
    for (auto& p : problems) msg += "\n  " + p;
    throw core::Error(msg);
  }
}

}  // namespace monet::workloads

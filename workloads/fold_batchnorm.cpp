#include "workloads/fold_batchnorm.hpp"

#include "core/error.hpp"

namespace monet::workloads {

namespace {
bool reads_only(const Graph& g, int tensor, int op) {
  const auto& c = g.tensor(tensor).consumers;
  return c.size() == 1 && c[0] == op;
}

// The layer a BatchNorm folds into, or -1: a forward conv or matmul with a parameter weight
// whose one output only the BatchNorm reads.
int layer_before(const Graph& g, const Op& bn) {
  if (bn.kind != OpKind::kBatchNorm || bn.inputs.empty()) return -1;
  const int x = bn.inputs[0];
  const int p = g.tensor(x).producer;
  if (p < 0) return -1;
  const Op& layer = g.op(p);
  if ((layer.kind != OpKind::kConv && layer.kind != OpKind::kMatmul) || !layer.nest ||
      layer.pass != Pass::kForward || layer.outputs.size() != 1 || !reads_only(g, x, bn.id))
    return -1;
  const int w = layer.operand_tensor[1];
  if (w < 0 || g.tensor(w).kind != TensorKind::kParameter) return -1;
  // The BatchNorm's own parameters (scale, shift) must be its alone to move them.
  for (size_t i = 1; i < bn.inputs.size(); ++i)
    if (g.tensor(bn.inputs[i]).kind != TensorKind::kParameter ||
        !reads_only(g, bn.inputs[i], bn.id))
      return -1;
  return p;
}
}  // namespace

FoldReport fold_batchnorm(Graph& g) {
  for (const Op& op : g.ops())
    if (op.pass != Pass::kForward)
      throw core::Error("graph '" + g.name() + "': BatchNorm folding is an inference transform, " +
                        "but op '" + op.name + "' is not a forward op");
  const int n_ops = static_cast<int>(g.ops().size());
  std::vector<int> into(n_ops, -1);       // per BatchNorm: the layer it folds into
  std::vector<int> folded_by(n_ops, -1);  // per layer: the BatchNorm folded into it
  for (const Op& op : g.ops()) {
    const int p = layer_before(g, op);
    if (p >= 0) into[op.id] = p, folded_by[p] = op.id;
  }
  FoldReport report;
  for (const Op& op : g.ops())
    if (into[op.id] >= 0) {
      report.folded.push_back(op.name);
      report.into.push_back(g.op(into[op.id]).name);
    }
  if (report.folded.empty()) return report;

  // Tensors that disappear: each folded layer's old output and its BatchNorm's scale; the shift
  // too when the layer keeps a bias of its own (it absorbs the shift).
  std::vector<bool> dropped(g.tensors().size(), false);
  std::vector<int> bias_of(n_ops, -1);  // per layer: the shift it takes as its bias
  for (const Op& bn : g.ops()) {
    const int p = into[bn.id];
    if (p < 0) continue;
    const Op& layer = g.op(p);
    dropped[layer.outputs[0]] = true;
    if (bn.inputs.size() > 1) dropped[bn.inputs[1]] = true;
    const bool has_bias = layer.inputs.size() > 2;
    if (bn.inputs.size() > 2) {
      if (has_bias)
        dropped[bn.inputs[2]] = true;
      else
        bias_of[p] = bn.inputs[2];
    }
  }
  Graph out(g.name());
  std::vector<int> id(g.tensors().size(), -1);
  for (const Tensor& t : g.tensors()) {
    if (dropped[t.id]) continue;
    id[t.id] = out.add_tensor(t.name, t.shape, t.elem_bits, t.kind);
    out.mutable_tensor(id[t.id]).storage = t.storage;
  }
  for (const Op& old : g.ops()) {
    if (into[old.id] >= 0) continue;
    Op op = old;
    op.id = -1;
    if (folded_by[old.id] >= 0) {
      // The layer writes what its BatchNorm wrote.
      const Op& bn = g.op(folded_by[old.id]);
      op.outputs = {bn.outputs.at(0)};
      op.operand_tensor[static_cast<int>(op.nest->output)] = bn.outputs.at(0);
      if (bias_of[old.id] >= 0) op.inputs.push_back(bias_of[old.id]);
    }
    for (int& t : op.inputs) t = id.at(t);
    for (int& t : op.outputs) t = id.at(t);
    for (int& t : op.operand_tensor)
      if (t >= 0) t = id.at(t);
    out.add_op(std::move(op));
  }
  out.validate();
  g = std::move(out);
  return report;
}

}  // namespace monet::workloads

// Checkpoint recompute: backward reads of dropped forward tensors go to copies of the forward
// ops, emitted right before the first such read and reused by later ones.
#include <algorithm>

#include "core/error.hpp"
#include "training/expander.hpp"

namespace monet::training::detail {

int Expander::saved(int t) {
  if (std::find(current_saved_.begin(), current_saved_.end(), t) == current_saved_.end())
    throw core::Error("internal: backward of '" + g_.op(current_).name + "' reads '" +
                      g_.tensor(t).name + "', which it does not declare as saved");
  if (g_.tensor(t).kind != TensorKind::kActivation || !drop_[t]) return t;
  return available(t);
}

int Expander::available(int t) {
  if (g_.tensor(t).kind != TensorKind::kActivation) return t;
  if (recomputed_[t] >= 0) return recomputed_[t];
  // Only tensors backward keeps anyway serve as sources, so a plan never adds saved bytes.
  if (!drop_[t] && saved0_[t]) return t;
  recompute(g_.tensor(t).producer);
  return recomputed_[t];
}

void Expander::recompute(int f) {
  if (recompute_op_[f] >= 0) return;
  Op op = g_.op(f);
  std::vector<std::pair<int, int>> map;
  for (int& t : op.inputs) {
    int now = available(t);
    map.emplace_back(t, now);
    t = now;
  }
  for (int& t : op.outputs) {
    const Tensor& x = g_.tensor(t);
    int copy =
        g_.add_tensor(unique_tensor_name(x.name + ".recompute"), x.shape, x.elem_bits, x.kind);
    map.emplace_back(t, copy);
    recomputed_[t] = copy;
    t = copy;
  }
  for (int& t : op.operand_tensor)
    for (auto& [from, to] : map)
      if (t == from) {
        t = to;
        break;
      }
  op.id = -1;
  op.name = op.name + ".recompute";
  recompute_op_[f] = emit(std::move(op), g_.op(f), Pass::kRecompute);
}

}  // namespace monet::training::detail

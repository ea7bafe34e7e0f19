#include "workloads/prune.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace monet::workloads {

PruneReport prune_input_channels(Graph& g, double ratio) {
  if (!(ratio >= 0 && ratio < 1))
    throw core::Error("a pruning ratio must be in [0, 1), not " + std::to_string(ratio));
  PruneReport r;
  for (const Op& op : g.ops())
    if (op.pass == Pass::kForward) r.macs_before += op.macs();
  for (const Op& cop : g.ops()) {
    if (cop.pass != Pass::kForward || !cop.is_compute()) continue;
    Op& op = g.mutable_op(cop.id);
    int w = op.operand_tensor[static_cast<int>(Operand::kW)];
    LoopNest& nest = *op.nest;
    const int64_t c = nest[Dim::kC];
    bool prunable = w >= 0 && g.tensor(w).kind == TensorKind::kParameter &&
                    g.tensor(w).consumers.size() == 1 && g.tensor(w).shape.size() >= 2 &&
                    g.tensor(w).shape[1] == c && c > 1;
    if (!prunable) {
      ++r.kept_ops;
      continue;
    }
    Tensor& wt = g.mutable_tensor(w);
    r.weights_before += wt.elements();
    const int64_t kept = std::max<int64_t>(1, std::llround(static_cast<double>(c) * (1.0 - ratio)));
    nest[Dim::kC] = kept;
    wt.shape[1] = kept;
    r.weights_after += wt.elements();
    ++r.pruned_ops;
  }
  for (const Op& op : g.ops())
    if (op.pass == Pass::kForward) r.macs_after += op.macs();
  return r;
}

}  // namespace monet::workloads

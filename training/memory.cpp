#include "training/memory.hpp"

#include <algorithm>

namespace monet::training {

using workloads::Pass;
using workloads::TensorKind;

namespace {
bool persistent(const workloads::Tensor& t) {
  return t.producer < 0 &&
         (t.kind == TensorKind::kParameter || t.kind == TensorKind::kOptimizerState);
}
bool updated_in_place(const workloads::Graph& g, const workloads::Tensor& t) {
  return t.producer >= 0 && g.op(t.producer).pass == Pass::kOptimizer;
}
}  // namespace

Liveness sweep_liveness(const workloads::Graph& g) {
  const size_t n = g.ops().size();
  std::vector<int64_t> delta(n + 1, 0);
  int64_t base = 0;
  for (const auto& t : g.tensors()) {
    if (updated_in_place(g, t)) continue;
    if (persistent(t)) {
      base += t.bytes();
      continue;
    }
    if (t.producer < 0 && t.consumers.empty()) continue;  // an input nobody reads
    int start = std::max(t.producer, 0);
    int end = start;
    for (int c : t.consumers) end = std::max(end, c);
    delta[start] += t.bytes();
    delta[end + 1] -= t.bytes();
  }
  Liveness l;
  l.live_bytes.resize(n);
  int64_t running = base;
  for (size_t i = 0; i < n; ++i) {
    running += delta[i];
    l.live_bytes[i] = running;
    if (running > l.peak_bytes || l.peak_op < 0) {
      l.peak_bytes = running;
      l.peak_op = static_cast<int>(i);
    }
  }
  if (n == 0) l.peak_bytes = base;
  return l;
}

MemoryReport memory_report(const workloads::Graph& g, const std::vector<int>& saved) {
  MemoryReport r;
  for (const auto& t : g.tensors()) {
    if (t.producer >= 0) continue;
    if (t.kind == TensorKind::kParameter) r.parameter_bytes += t.bytes();
    if (t.kind == TensorKind::kOptimizerState) r.optimizer_state_bytes += t.bytes();
  }
  for (const auto& op : g.ops()) {
    if (op.pass != Pass::kOptimizer) continue;
    for (int t : op.inputs)
      if (g.tensor(t).kind == TensorKind::kParamGradient) r.gradient_bytes += g.tensor(t).bytes();
  }
  for (int t : saved) r.saved_activation_bytes += g.tensor(t).bytes();
  Liveness l = sweep_liveness(g);
  r.sequential_peak_bytes = l.peak_bytes;
  r.peak_op = l.peak_op;
  return r;
}

}  // namespace monet::training

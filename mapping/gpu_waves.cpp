// GPU occupancy: a kernel cuts an op's output into thread blocks that run on the SMs in
// waves; partly filled blocks and the last partial wave cost as much as full ones.
#include <algorithm>
#include <cmath>
#include <limits>

#include "mapping/cost.hpp"

namespace monet::mapping {

using workloads::Dim;
using workloads::Operand;

namespace {
double ceil_div(double a, double b) {
  return std::ceil(a / b);
}
}  // namespace

GpuWaves gpu_waves(const OpShape& s, const accelerators::Core& core, int sms) {
  GpuWaves best;
  const auto& blocks = core.execution.blocks;
  if (!s.nest || blocks.empty() || core.kind != accelerators::CoreKind::kGpuSm) return best;
  const auto& n = *s.nest;
  // The output as a matrix: rows x cols, each element a reduction of `red` MACs.
  double rows = 0, cols = 0, red = 0;
  const double b = static_cast<double>(n[Dim::kB]), g = static_cast<double>(n[Dim::kG]);
  const double k = static_cast<double>(n[Dim::kK]), c = static_cast<double>(n[Dim::kC]);
  const double o = static_cast<double>(n[Dim::kOY] * n[Dim::kOX]);
  const double f = static_cast<double>(n[Dim::kFY] * n[Dim::kFX]);
  switch (n.output) {
    case Operand::kO:
      rows = b * o, cols = g * k, red = c * f;
      break;
    case Operand::kI:  // dX: input positions x input channels, reduced over K and the window
      rows = b * static_cast<double>(s.in_h * s.in_w), cols = g * c, red = k * f;
      break;
    case Operand::kW:  // dW: output channels x (C, FY, FX), reduced over batch and positions
      rows = g * k, cols = c * f, red = b * o;
      break;
  }
  double rate = static_cast<double>(core.macs_per_cycle());
  if (const auto* r = core.rate_for(std::max(s.operand_bits[0], s.operand_bits[1])))
    rate = r->macs_per_cycle;
  best.cycles = std::numeric_limits<double>::infinity();
  for (const auto& tb : blocks) {
    const double count =
        ceil_div(rows, static_cast<double>(tb.rows)) * ceil_div(cols, static_cast<double>(tb.cols));
    const double waves = ceil_div(count, static_cast<double>(std::max(1, sms) * tb.blocks_per_sm));
    // A wave keeps per_sm blocks on each SM, sharing its rate.
    const double cycles =
        waves * tb.blocks_per_sm * static_cast<double>(tb.rows * tb.cols) * red / rate;
    if (cycles < best.cycles) best = {cycles, count, waves, tb};
  }
  return best;
}

}  // namespace monet::mapping

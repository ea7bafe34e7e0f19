// GPU occupancy: a kernel cuts an op's output into thread blocks that run on the SMs in
// waves; partly filled blocks and the last partial wave cost as much as full ones. A
// one-token op may run as a CUDA-core GEMV kernel instead (cost.hpp, gpu_gemv).
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

// The op's output as a matrix: rows x cols, each element a reduction of `red` MACs.
struct OutputMatrix {
  double rows = 0, cols = 0, red = 0;
};

OutputMatrix output_matrix(const OpShape& s) {
  const auto& n = *s.nest;
  const double b = static_cast<double>(n[Dim::kB]), g = static_cast<double>(n[Dim::kG]);
  const double k = static_cast<double>(n[Dim::kK]), c = static_cast<double>(n[Dim::kC]);
  const double o = static_cast<double>(n[Dim::kOY] * n[Dim::kOX]);
  const double f = static_cast<double>(n[Dim::kFY] * n[Dim::kFX]);
  switch (n.output) {
    case Operand::kO:
      return {b * o, g * k, c * f};
    case Operand::kI:  // dX: input positions x input channels, reduced over K and the window
      return {b * static_cast<double>(s.in_h * s.in_w), g * c, k * f};
    case Operand::kW:  // dW: output channels x (C, FY, FX), reduced over batch and positions
      return {g * k, c * f, b * o};
  }
  return {};
}
}  // namespace

GpuWaves gpu_waves(const OpShape& s, const accelerators::Core& core, int sms) {
  GpuWaves best;
  const auto& blocks = core.execution.blocks;
  if (!s.nest || blocks.empty() || core.kind != accelerators::CoreKind::kGpuSm) return best;
  const auto [rows, cols, red] = output_matrix(s);
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

GpuGemv gpu_gemv(const OpShape& s, const accelerators::Core& core, int sms) {
  GpuGemv g;
  if (!s.nest || core.execution.blocks.empty() || core.kind != accelerators::CoreKind::kGpuSm ||
      s.nest->output == Operand::kW)
    return g;
  const OutputMatrix m = output_matrix(s);
  const accelerators::PrecisionRate* fma = core.rate_for(32);
  if (m.rows != 1 || !fma || fma->bits != 32 || !(fma->macs_per_cycle > 0) ||
      !(core.vector_ops_per_cycle > 0))
    return g;
  const double dequant = std::max(0.0, s.dequant_ops);
  const double per_block =
      m.red / fma->macs_per_cycle + m.red * dequant / core.vector_ops_per_cycle;
  g.applies = true;
  g.blocks = m.cols;
  g.waves = ceil_div(m.cols, static_cast<double>(std::max(1, sms)));
  g.cycles = g.waves * per_block;
  g.mac_energy_pj = fma->mac_energy_pj >= 0 ? fma->mac_energy_pj : core.mac_energy_pj;
  return g;
}

}  // namespace monet::mapping

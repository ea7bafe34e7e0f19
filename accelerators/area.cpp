#include "accelerators/area.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace monet::accelerators {

namespace {

// Area of the same logic at each node relative to 130 nm: the first row of the scaling table
// of Stillmaker & Baas (Integration 58, 2017) as tabulated in Accelergy's hwcomponents
// (scaling/techscaling.py). The table's other rows are ratios of this one within a few %.
struct NodeFactor {
  double node_nm;
  double factor;
};
constexpr NodeFactor kAreaFactors[] = {{130, 1},    {90, 0.44},  {65, 0.23}, {45, 0.16},
                                       {32, 0.072}, {20, 0.033}, {16, 0.03}, {14, 0.027},
                                       {10, 0.016}, {7, 0.0092}};

double area_factor(double node_nm) {
  const auto* first = std::begin(kAreaFactors);
  const auto* last = std::end(kAreaFactors) - 1;
  node_nm = std::clamp(node_nm, last->node_nm, first->node_nm);
  for (const auto* p = first; p != last; ++p) {
    const auto& hi = p[0];  // larger node
    const auto& lo = p[1];
    if (node_nm <= hi.node_nm && node_nm >= lo.node_nm) {
      // Log-log between neighbours: area falls roughly as a power of the feature size.
      const double t = std::log(hi.node_nm / node_nm) / std::log(hi.node_nm / lo.node_nm);
      return hi.factor * std::pow(lo.factor / hi.factor, t);
    }
  }
  return last->factor;
}

// Aladdin's 40 nm figures (hwcomponents-library aladdin.py): a 32-bit adder 278 µm² (linear
// in width), a 32x32 multiplier 6,350 µm² (quadratic in width), a register 5.98 µm² per bit.
constexpr double kAdder32Um2At40 = 278.0;
constexpr double kMultiplier32Um2At40 = 6350.0;
constexpr double kRegisterBitUm2At40 = 5.98;

// SRAM bitcell in F² (F = the node) per NeuroSim V1.4 (Param.cpp): 10 F x 28 F above 14 nm,
// 10.6 x 30.8 at 14 nm, 12.8 x 31.25 at 10 nm, 16 x 34.43 at 7 nm. Between listed nodes the
// rule of the next larger listed node is used.
double sram_cell_f2(double node_nm) {
  if (node_nm > 14) return 10.0 * 28.0;
  if (node_nm > 10) return 10.6 * 30.8;
  if (node_nm > 7) return 12.8 * 31.25;
  return 16.0 * 34.43;
}
// 1T1R crossbar cell, 4 F x 12 F (NeuroSim V1.4 Param.cpp).
constexpr double kCimCellF2 = 4.0 * 12.0;

constexpr double kUm2PerMm2 = 1e6;

double f2_um2(double f2, double node_nm) {
  const double f_um = node_nm * 1e-3;
  return f2 * f_um * f_um;
}

std::string fixed(double v) {
  char b[32];
  std::snprintf(b, sizeof b, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 0.01 ? "%.2f" : "%.3g", v);
  return b;
}

}  // namespace

double logic_area_scale_from_40nm(double node_nm) {
  return area_factor(node_nm) / area_factor(40);
}

double mac_area_um2(int bits, double node_nm) {
  const double b = bits;
  const double at40 = kMultiplier32Um2At40 * (b / 32) * (b / 32) + kAdder32Um2At40 * (2 * b / 32);
  return at40 * logic_area_scale_from_40nm(node_nm);
}

double register_bit_area_um2(double node_nm) {
  return kRegisterBitUm2At40 * logic_area_scale_from_40nm(node_nm);
}

double sram_bit_area_um2(double node_nm) {
  return f2_um2(sram_cell_f2(node_nm), node_nm);
}

double cim_cell_area_um2(double node_nm) {
  return f2_um2(kCimCellF2, node_nm);
}

AreaEstimate estimate_area(const Accelerator& acc) {
  AreaEstimate out;
  const AreaSpec& top = acc.area;
  bool any_cim = false, any_tlmm = false;
  for (const Core& c : acc.cores) {
    const AreaSpec& own = c.area;
    const double node = own.node_nm > 0 ? own.node_nm : top.node_nm;
    if (node <= 0) {
      out.notes.push_back("core " + c.name + ": no technology node stated, not counted");
      continue;
    }
    // A figure of the core's own section wins; the accelerator's applies at its own node.
    auto figure = [&](double AreaSpec::*f) {
      if (own.*f > 0) return own.*f;
      if (top.*f > 0 && (own.node_nm <= 0 || own.node_nm == top.node_nm)) return top.*f;
      return 0.0;
    };
    CoreArea a;
    a.name = c.name;
    a.node_nm = node;
    const double mac_mm2 = figure(&AreaSpec::mac_mm2) > 0
                               ? figure(&AreaSpec::mac_mm2)
                               : mac_area_um2(c.precision_bits, node) / kUm2PerMm2;
    if (c.kind == CoreKind::kArray || c.kind == CoreKind::kGpuSm) {
      const PrecisionRate* r = c.rate_for(c.precision_bits);
      a.mac_units = r ? static_cast<int64_t>(std::ceil(r->macs_per_cycle)) : c.macs_per_cycle();
    }
    a.vector_lanes = static_cast<int64_t>(std::ceil(c.vector_ops_per_cycle));
    a.mac_mm2 = static_cast<double>(a.mac_units) * mac_mm2;
    a.vector_mm2 = static_cast<double>(a.vector_lanes) * mac_mm2;
    const double sram_bit = figure(&AreaSpec::sram_bit_mm2) > 0
                                ? figure(&AreaSpec::sram_bit_mm2)
                                : sram_bit_area_um2(node) / kUm2PerMm2;
    const double reg_bit = figure(&AreaSpec::register_bit_mm2) > 0
                               ? figure(&AreaSpec::register_bit_mm2)
                               : register_bit_area_um2(node) / kUm2PerMm2;
    for (const MemoryLevel& m : c.memories) {
      if (m.shared_index >= 0) continue;  // counted once, with the shared memories
      const double bits = m.size_bytes * 8 * static_cast<double>(m.instances);
      // Per-PE register files are flip-flops next to the MAC; other levels are SRAM macros.
      (m.per_pe ? a.register_mm2 : a.sram_mm2) += bits * (m.per_pe ? reg_bit : sram_bit);
    }
    if (c.kind == CoreKind::kCim) {
      any_cim = true;
      const double cell = figure(&AreaSpec::cim_cell_mm2) > 0
                              ? figure(&AreaSpec::cim_cell_mm2)
                              : cim_cell_area_um2(node) / kUm2PerMm2;
      a.cim_mm2 = static_cast<double>(c.cim.rows) * static_cast<double>(c.cim.cols) *
                  static_cast<double>(c.cim.crossbars) * cell;
    }
    if (c.kind == CoreKind::kTlmm) any_tlmm = true;
    a.extra_mm2 = own.extra_mm2;
    out.total_mm2 += a.total_mm2();
    out.cores.push_back(a);
  }
  if (!acc.shared_memories.empty()) {
    if (top.node_nm > 0) {
      const double bit =
          top.sram_bit_mm2 > 0 ? top.sram_bit_mm2 : sram_bit_area_um2(top.node_nm) / kUm2PerMm2;
      for (const MemoryLevel& m : acc.shared_memories)
        out.shared_memory_mm2 += m.size_bytes * 8 * static_cast<double>(m.instances) * bit;
    } else if (!out.cores.empty()) {
      out.notes.push_back("shared memories: no accelerator-level node stated, not counted");
    }
  }
  out.extra_mm2 = top.extra_mm2;
  out.total_mm2 += out.shared_memory_mm2 + out.extra_mm2;
  out.estimated = !out.cores.empty();
  if (!out.estimated) {
    out.total_mm2 = 0;
    // FPGA and GPU presets state no node on purpose: their die is fixed, not designed.
    out.notes.assign(1,
                     "no technology node stated: the estimate is for a design built at a node "
                     "(e.g. `area: {node: 28 nm}` on the accelerator); a bought device such as "
                     "an FPGA board or a GPU has a fixed die and states none");
    return out;
  }
  out.notes.push_back(
      "SRAM counts bitcells only (no decoders or sense amplifiers) and MACs are integer "
      "units; control, interconnect and I/O only where stated as `extra`: a lower bound");
  if (any_cim) out.notes.push_back("crossbar ADCs, DACs and drivers are not counted");
  if (any_tlmm) out.notes.push_back("table-lookup (tlmm) units count their memories only");
  return out;
}

std::string area_line(const AreaEstimate& a) {
  if (!a.estimated) return "not estimated: " + a.notes.front();
  double mac = 0, vec = 0, sram = a.shared_memory_mm2, reg = 0, cim = 0, extra = a.extra_mm2;
  double lo = a.cores.front().node_nm, hi = lo;
  for (const auto& c : a.cores) {
    mac += c.mac_mm2, vec += c.vector_mm2, sram += c.sram_mm2, reg += c.register_mm2;
    cim += c.cim_mm2, extra += c.extra_mm2;
    lo = std::min(lo, c.node_nm), hi = std::max(hi, c.node_nm);
  }
  auto nm = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return std::string(b);
  };
  std::string node = nm(lo) + (hi != lo ? "-" + nm(hi) : "") + " nm";
  std::string s = fixed(a.total_mm2) + " mm² at " + node + " (MACs " + fixed(mac) + ", vector " +
                  fixed(vec) + ", SRAM " + fixed(sram) + ", registers " + fixed(reg);
  if (cim > 0) s += ", crossbars " + fixed(cim);
  if (extra > 0) s += ", stated " + fixed(extra);
  return s + "; a lower bound: SRAM bitcells only)";
}

}  // namespace monet::accelerators

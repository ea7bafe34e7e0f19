// Power of a scheduled run: dynamic energy spread over the spans that spent it (CNs on their
// core, transfers on the DRAM channel or a link), static power of the hardware over the whole
// run, both taken to the supply through the board's regulators (accelerators/power.hpp).
#pragma once

#include <vector>

#include "accelerators/power.hpp"

namespace monet::fusion {

// Dynamic energy spent evenly over [start_s, end_s] (a zero-length span at its instant).
struct EnergySpan {
  double start_s = 0;
  double end_s = 0;
  double pj = 0;
  int track = 0;               // a core index, or kDramTrack / kLinkTrack
  bool onchip_memory = false;  // a core's memory accesses rather than its compute
};
inline constexpr int kDramTrack = -1;
inline constexpr int kLinkTrack = -2;

// Peak power is the highest mean over consecutive equal windows from t = 0, as a power meter
// sampling about every millisecond would see it: latency / round(latency / 1 ms) windows
// (0.67-2 ms long; one window, the whole run, when it is shorter than 1.5 ms).
inline constexpr double kPowerWindowS = 1e-3;
// A run long enough to need more windows than this gets proportionally longer windows.
inline constexpr int kMaxPowerWindows = 100000;

struct PowerSummary {
  bool static_described = false;    // the accelerator states any static power or baseline
  double static_w = 0;              // cores + memory leakage + DRAM, at the chip
  double board_w = 0;               // board baseline, at the supply
  double regulator_efficiency = 1;  // chip power / supply power
  double dynamic_energy_j = 0;      // every MAC, access and transfer, at the chip
  double static_energy_j = 0;       // static_w x latency, at the chip
  double board_energy_j = 0;        // board_w x latency, at the supply
  double supply_energy_j = 0;       // (dynamic + static) / efficiency + board
  double average_w = 0;             // supply_energy_j / latency
  double peak_w = 0;                // highest window mean at the supply
  double window_s = 0;              // the window peak_w is taken over
  double budget_w = 0;              // the accelerator's (or its mode's) budget; 0 = none
  bool over_budget() const { return budget_w > 0 && average_w > budget_w; }
};

// Windows of a run: their count and common length.
struct PowerWindows {
  int count = 0;
  double length_s = 0;
};
PowerWindows power_windows(double latency_s);

// Dynamic energy (pJ) per track and window: rows 0..cores-1 are the cores' compute, rows
// cores..2·cores-1 their on-chip memories, row 2·cores the DRAM channel (with the ports of
// cores that reach DRAM over a link of their own), row 2·cores + 1 the core-to-core links.
std::vector<std::vector<double>> window_energy_pj(const std::vector<EnergySpan>& spans,
                                                  PowerWindows w, int cores);

PowerSummary power_summary(const std::vector<EnergySpan>& spans, double latency_s,
                           const accelerators::StaticPower& hw);
// The energies and average power of a run of latency_s that spent dynamic_j at the chip, with
// no peak (peak_w and window_s 0): the part of power_summary that needs no timeline.
PowerSummary energy_summary(double dynamic_j, double latency_s,
                            const accelerators::StaticPower& hw);
// A run of several scheduled parts (a generation, a few-shot episode): energy_summary of its
// dynamic energy over its whole time on `acc`, with acc's power budget; the peak is the
// highest window of any part, with that part's window.
PowerSummary parts_power(double dynamic_j, double latency_s, const accelerators::Accelerator& acc,
                         const std::vector<const PowerSummary*>& parts);

}  // namespace monet::fusion

#include "fusion/power.hpp"

#include <algorithm>
#include <cmath>

namespace monet::fusion {

PowerWindows power_windows(double latency_s) {
  if (!(latency_s > 0)) return {};
  const double n =
      std::clamp(std::round(latency_s / kPowerWindowS), 1.0, static_cast<double>(kMaxPowerWindows));
  return {static_cast<int>(n), latency_s / n};
}

std::vector<std::vector<double>> window_energy_pj(const std::vector<EnergySpan>& spans,
                                                  PowerWindows w, int cores) {
  const size_t n = static_cast<size_t>(cores);
  std::vector<std::vector<double>> rows(2 * n + 2,
                                        std::vector<double>(static_cast<size_t>(w.count), 0.0));
  if (w.count == 0) return rows;
  auto window_of = [&](double t) {
    return std::clamp(static_cast<int>(t / w.length_s), 0, w.count - 1);
  };
  for (const auto& s : spans) {
    if (s.pj == 0) continue;
    const size_t row = s.track >= 0 ? static_cast<size_t>(s.track) + (s.onchip_memory ? n : 0)
                                    : 2 * n + (s.track == kDramTrack ? 0 : 1);
    auto& r = rows[row];
    const double len = s.end_s - s.start_s;
    if (!(len > 0)) {
      r[static_cast<size_t>(window_of(s.start_s))] += s.pj;
      continue;
    }
    // Spread evenly: each window gets the share of the span it overlaps.
    for (int i = window_of(s.start_s), last = window_of(s.end_s); i <= last; ++i) {
      const double lo = std::max(s.start_s, i * w.length_s);
      const double hi = i == w.count - 1 ? s.end_s : std::min(s.end_s, (i + 1) * w.length_s);
      // (the last window takes whatever rounding left past its end)
      if (hi > lo) r[static_cast<size_t>(i)] += s.pj * (hi - lo) / len;
    }
  }
  return rows;
}

PowerSummary energy_summary(double dynamic_j, double latency_s,
                            const accelerators::StaticPower& hw) {
  PowerSummary p;
  p.static_described = hw.described();
  p.static_w = hw.chip_w();
  p.board_w = hw.board_w;
  p.regulator_efficiency = hw.regulator_efficiency;
  p.dynamic_energy_j = dynamic_j;
  p.static_energy_j = p.static_w * latency_s;
  p.board_energy_j = p.board_w * latency_s;
  p.supply_energy_j =
      (p.dynamic_energy_j + p.static_energy_j) / p.regulator_efficiency + p.board_energy_j;
  if (latency_s > 0) p.average_w = p.supply_energy_j / latency_s;
  return p;
}

PowerSummary parts_power(double dynamic_j, double latency_s, const accelerators::Accelerator& acc,
                         const std::vector<const PowerSummary*>& parts) {
  PowerSummary p = energy_summary(dynamic_j, latency_s, accelerators::static_power(acc));
  p.budget_w = acc.power_budget_w;
  for (const PowerSummary* q : parts)
    if (q->peak_w > p.peak_w) p.peak_w = q->peak_w, p.window_s = q->window_s;
  return p;
}

PowerSummary power_summary(const std::vector<EnergySpan>& spans, double latency_s,
                           const accelerators::StaticPower& hw) {
  double dynamic_pj = 0;
  for (const auto& s : spans) dynamic_pj += s.pj;
  PowerSummary p = energy_summary(dynamic_pj * 1e-12, latency_s, hw);
  if (!(latency_s > 0)) return p;
  const PowerWindows w = power_windows(latency_s);
  p.window_s = w.length_s;
  const auto rows = window_energy_pj(spans, w, static_cast<int>(hw.core_w.size()));
  for (int i = 0; i < w.count; ++i) {
    double pj = 0;
    for (const auto& r : rows) pj += r[static_cast<size_t>(i)];
    const double chip_w = pj * 1e-12 / w.length_s + p.static_w;
    p.peak_w = std::max(p.peak_w, chip_w / p.regulator_efficiency + p.board_w);
  }
  return p;
}

}  // namespace monet::fusion

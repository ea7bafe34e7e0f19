#include "accelerators/power_mode.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace monet::accelerators {
namespace {

template <class T>
const T* lookup(const std::vector<std::pair<std::string, T>>& list, const std::string& key) {
  for (const auto& [k, v] : list)
    if (k == key) return &v;
  return nullptr;
}

// Dynamic energies of on-chip circuits: they scale with the square of the supply voltage.
// DRAM has its own supply and keeps its figures.
void scale_memory_energy(MemoryLevel& m, double dyn, double stat) {
  m.read_energy_pj_per_bit *= dyn;
  m.write_energy_pj_per_bit *= dyn;
  m.leakage_w_per_byte *= stat;
}

void scale_core(Core& c, double dyn, double stat) {
  c.mac_energy_pj *= dyn;
  c.vector_op_energy_pj *= dyn;
  for (auto& rate : c.execution.rates)
    if (rate.mac_energy_pj >= 0) rate.mac_energy_pj *= dyn;
  c.execution.stationary_load.energy_pj *= dyn;
  c.cim.adc_energy_pj *= dyn;
  c.cim.dac_energy_pj *= dyn;
  c.cim.cell_read_energy_pj *= dyn;
  c.cim.cell_write_energy_pj *= dyn;
  for (auto& m : c.memories) scale_memory_energy(m, dyn, stat);
  c.static_power_w *= stat;
}

}  // namespace

std::pair<std::string, std::string> split_mode(const std::string& spec) {
  const size_t at = spec.rfind('@');
  if (at == std::string::npos) return {spec, ""};
  return {spec.substr(0, at), spec.substr(at + 1)};
}

Accelerator apply_power_mode(const Accelerator& acc, const std::string& mode) {
  auto it = std::find_if(acc.modes.begin(), acc.modes.end(),
                         [&](const PowerMode& m) { return m.name == mode; });
  if (it == acc.modes.end()) {
    std::string list;
    for (const auto& m : acc.modes) list += (list.empty() ? "" : ", ") + m.name;
    throw core::Error("accelerator '" + acc.name + "' has no power mode '" + mode + "' (" +
                      (list.empty() ? std::string("it lists no modes") : "modes: " + list) + ")");
  }
  const PowerMode& m = *it;
  Accelerator out = acc;
  out.modes.clear();
  out.mode = m.name;
  out.name = acc.name + "@" + m.name;
  out.description = acc.description + (acc.description.empty() ? "" : "; ") + "power mode " +
                    m.name + (m.description.empty() ? "" : " (" + m.description + ")");
  // A mode is a whole operating point: without a budget of its own (MAXN) it has none.
  out.power_budget_w = m.power_budget_w;

  double dyn = 1, stat = 1;
  if (m.voltage_v > 0 && acc.voltage_v > 0) {
    const double ratio = m.voltage_v / acc.voltage_v;
    dyn = ratio * ratio;
    stat = ratio;
    out.voltage_v = m.voltage_v;
  }

  for (const auto& [name, bytes_per_s] : m.bandwidths) {
    if (name == "dram") {
      out.dram.bandwidth_bytes_per_s = bytes_per_s;
      continue;
    }
    for (auto& s : out.shared_memories)
      if (s.name == name) s.read_bytes_per_s = s.write_bytes_per_s = bytes_per_s;
  }
  for (auto& s : out.shared_memories) scale_memory_energy(s, dyn, stat);

  std::vector<Core> kept;
  for (auto& c : out.cores) {
    const std::string group = c.group.empty() ? c.name : c.group;
    if (const int* on = lookup(m.active_cores, group); on && c.repeat_index >= *on) continue;
    if (const double* hz = lookup(m.clocks_hz, group)) c.clock_hz = *hz;
    for (auto& level : c.memories) {
      if (level.shared_index >= 0) {
        // A shared level runs at its own rate; in core cycles that depends on the core clock.
        const auto& s = out.shared_memories[static_cast<size_t>(level.shared_index)];
        level.read_bytes_per_s = s.read_bytes_per_s;
        level.write_bytes_per_s = s.write_bytes_per_s;
        level.read_bits_per_cycle = s.read_bytes_per_s * 8 / c.clock_hz;
        level.write_bits_per_cycle = s.write_bytes_per_s * 8 / c.clock_hz;
      } else {
        // A private level moves its bits per cycle of the core it belongs to.
        level.read_bytes_per_s = level.read_bits_per_cycle * c.clock_hz / 8;
        level.write_bytes_per_s = level.write_bits_per_cycle * c.clock_hz / 8;
      }
    }
    scale_core(c, dyn, stat);
    kept.push_back(std::move(c));
  }
  out.cores = std::move(kept);
  // Links of power-gated cores go with them; link wires are on chip.
  std::vector<Link> links;
  for (auto& l : out.links) {
    const bool live = (l.from == "dram" || out.find_core(l.from) >= 0) &&
                      (l.to == "dram" || out.find_core(l.to) >= 0);
    if (!live) continue;
    l.energy_pj_per_bit *= dyn;
    links.push_back(l);
  }
  out.links = std::move(links);
  return out;
}

}  // namespace monet::accelerators

#include "accelerators/summary.hpp"

#include <cstdio>

#include "accelerators/area.hpp"
#include "accelerators/power.hpp"

#include "core/units.hpp"

namespace monet::accelerators {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string holds_text(const MemoryLevel& m) {
  std::string s;
  for (int o = 0; o < kMemOperandCount; ++o)
    if (m.holds[o]) s += core::operand_name(static_cast<MemOperand>(o));
  return s;
}

std::string rate(double bytes_per_s) {
  return fmt("%.3g GB/s", bytes_per_s / 1e9);
}

std::string compute_text(const Core& c) {
  std::string dims;
  for (auto& d : c.array) dims += (dims.empty() ? "" : "x") + std::to_string(d.size);
  switch (c.kind) {
    case CoreKind::kSimd:
      return "no array";
    case CoreKind::kTlmm:
      return fmt("%g table lookups/cycle", c.tlmm.lookups_per_cycle) + " (groups of " +
             std::to_string(c.tlmm.group) + ", " + std::to_string(c.tlmm.entries_per_table()) +
             "-entry tables)";
    case CoreKind::kCim:
      return std::to_string(c.macs_per_cycle()) + " MACs per crossbar read (" + dims +
             " rows x weights x crossbars)";
    default:
      return std::to_string(c.macs_per_cycle()) + " MACs/cycle (" + dims + ")";
  }
}

std::string execution_text(const Execution& e) {
  std::string s;
  if (e.overlap != Overlap::kFull) s += ", overlap " + overlap_name(e.overlap);
  if (e.has_stationary_load)
    s += fmt(", array load %g", e.stationary_load.cycles) +
         fmt("+%g cycles", e.stationary_load.fill_cycles);
  if (e.issue_cycles > 0) s += fmt(", issue %g cycles/instruction", e.issue_cycles);
  if (e.launch_s > 0) s += fmt(", launch %g us", e.launch_s * 1e6);
  if (e.host_s > 0) s += fmt(", host %g us/run", e.host_s * 1e6);
  if (e.stack_outputs_to_dram) s += ", stack outputs via DRAM";
  if (e.weights_preloaded) s += ", weights preloaded";
  if (e.channels_per_vector > 0)
    s += ", channels in vectors of " + std::to_string(e.channels_per_vector);
  if (!e.blocks.empty()) {
    s += ", thread blocks";
    for (auto& b : e.blocks)
      s += " " + std::to_string(b.rows) + "x" + std::to_string(b.cols) + "/" +
           std::to_string(b.blocks_per_sm);
  }
  for (auto& r : e.rates)
    s += fmt(", %g", r.macs_per_cycle) + " MAC/cycle at " + std::to_string(r.bits) + " bit";
  if (e.partial_sum_bits > 0) s += ", partial sums " + std::to_string(e.partial_sum_bits) + " bit";
  return s;
}

}  // namespace

std::string format_hz(double hz) {
  if (hz >= 1e9) return fmt("%.3g GHz", hz / 1e9);
  if (hz >= 1e6) return fmt("%.4g MHz", hz / 1e6);
  return fmt("%.4g kHz", hz / 1e3);
}

std::string format_level(const MemoryLevel& m) {
  std::string s = m.name + " " + core::format_bytes(m.size_bytes);
  if (m.per_pe)
    s += " per PE";
  else if (m.instances > 1)
    s += " x" + std::to_string(m.instances);
  s += " [" + holds_text(m) + "]";
  s += " " + fmt("%.6g", m.read_bits_per_cycle) + "/" + fmt("%.6g", m.write_bits_per_cycle) +
       " bit/cycle";
  if (m.shared_index >= 0) s += " shared";
  return s;
}

std::vector<std::string> summary_lines(const Accelerator& acc) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < acc.cores.size(); ++i) {
    const Core& c = acc.cores[i];
    std::string name = c.name;
    if (c.repeat_index == 0) {
      size_t j = i;
      while (j + 1 < acc.cores.size() && acc.cores[j + 1].group == c.group &&
             acc.cores[j + 1].repeat_index > 0)
        ++j;
      name = c.name + ".." + acc.cores[j].name + " (" + std::to_string(j - i + 1) + "x)";
      i = j;
    }
    std::string line = name + ": " + core_kind_name(c.kind) + ", " + format_hz(c.clock_hz) + ", " +
                       compute_text(c);
    if (c.vector_ops_per_cycle > 0)
      line += ", " + fmt("%g", c.vector_ops_per_cycle) + " vector ops/cycle";
    line += ", " + std::to_string(c.precision_bits) + "-bit" + execution_text(c.execution) +
            "; memories:";
    for (size_t k = 0; k < c.memories.size(); ++k)
      line += (k ? ", " : " ") + format_level(c.memories[k]);
    lines.push_back(line);
  }
  const Dram& d = acc.dram;
  lines.push_back("dram: " + core::format_bytes(d.capacity_bytes) + ", " +
                  rate(d.bandwidth_bytes_per_s) +
                  (d.sustained_fraction != 1
                       ? " (sustained " + rate(d.timing_bytes_per_s()) + ", which times transfers)"
                       : "") +
                  ", " + fmt("%g", d.read_energy_pj_per_bit) + "/" +
                  fmt("%g", d.write_energy_pj_per_bit) + " pJ/bit read/write");
  for (auto& l : acc.links)
    lines.push_back("link " + l.name + ": " + l.from + (l.bidirectional ? " <-> " : " -> ") + l.to +
                    ", " + rate(l.bandwidth_bytes_per_s) + ", " + fmt("%g", l.energy_pj_per_bit) +
                    " pJ/bit");
  const StaticPower p = static_power(acc);
  if (p.described())
    lines.push_back(
        fmt("static power: %.4g W at the chip (cores ", p.chip_w()) +
        fmt("%.4g W, shared memories ", p.cores_w()) + fmt("%.4g W, DRAM ", p.shared_memory_w) +
        fmt("%.4g W), board baseline ", p.dram_w) + fmt("%.4g W, regulators ", p.board_w) +
        fmt("%.3g: ", p.regulator_efficiency) + fmt("%.4g W idle at the supply", p.supply_w()));
  else
    lines.push_back("static power: not stated (power is dynamic only)");
  lines.push_back("area: " + area_line(estimate_area(acc)));
  if (acc.power_budget_w > 0)
    lines.push_back(fmt("power budget: %.4g W average at the supply", acc.power_budget_w) +
                    (acc.mode.empty() ? "" : " (mode " + acc.mode + ")"));
  for (const auto& m : acc.modes) {
    std::string line = "mode " + m.name + ":";
    for (const auto& [group, hz] : m.clocks_hz) line += " " + group + " " + format_hz(hz) + ",";
    for (const auto& [group, k] : m.active_cores)
      line += " " + std::to_string(k) + " " + group + " on,";
    for (const auto& [memory, bps] : m.bandwidths) line += " " + memory + " " + rate(bps) + ",";
    if (m.voltage_v > 0) line += fmt(" %.4g V,", m.voltage_v);
    line += m.power_budget_w > 0 ? fmt(" budget %.4g W", m.power_budget_w) : " no budget";
    if (!m.description.empty()) line += " (" + m.description + ")";
    lines.push_back(line);
  }
  return lines;
}

}  // namespace monet::accelerators

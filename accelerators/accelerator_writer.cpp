#include "accelerators/accelerator_writer.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <utility>

#include "core/error.hpp"
#include "core/units.hpp"

namespace monet::accelerators {
namespace {

using core::Dimension;
using Units = std::initializer_list<std::pair<const char*, double>>;

// Shortest decimal text that reads back as exactly `v`.
std::string num(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// `v` (base units) in whichever unit gives the shortest text that parses back to exactly `v`;
// whole numbers win ties, so a clock reads "700 MHz" rather than "0.7 GHz".
std::string quantity(double v, Dimension dim, Units units, const std::string& suffix = "") {
  std::string best;
  int best_score = 1 << 30;
  for (auto [unit, factor] : units) {
    std::string text = num(v / factor) + " " + unit;
    double back = 0;
    try {
      back = core::parse_quantity(text, dim);
    } catch (const core::Error&) {
      continue;
    }
    if (back != v) continue;
    int score = static_cast<int>(text.size()) + (text.find('.') != std::string::npos ? 1 : 0) +
                (text.find('e') != std::string::npos ? 3 : 0);
    if (score < best_score) best = text, best_score = score;
  }
  // Unreachable for the unit lists below (their base unit always round-trips).
  if (best.empty()) throw core::Error("cannot write quantity " + num(v));
  return best + suffix;
}

std::string bytes(double b) {
  if (b == static_cast<double>(static_cast<int64_t>(b)))
    return quantity(b, Dimension::kBytes,
                    {{"B", 1},
                     {"KiB", 1024.0},
                     {"MiB", 1048576.0},
                     {"GiB", 1073741824.0},
                     {"KB", 1e3},
                     {"MB", 1e6}});
  return quantity(b, Dimension::kBytes, {{"bit", 1.0 / 8}});
}
std::string rate(double bytes_per_s) {
  return quantity(bytes_per_s, Dimension::kBandwidth,
                  {{"B/s", 1}, {"KB/s", 1e3}, {"MB/s", 1e6}, {"GB/s", 1e9}, {"TB/s", 1e12}});
}
std::string energy(double pj, const std::string& suffix = "") {
  return quantity(pj, Dimension::kEnergy, {{"pJ", 1}}, suffix);
}

// Read and write energies per bit, or — when that reads better and is exact — per access of
// `access_bits` (e.g. 100 pJ per 384-bit access rather than 0.2604166666666667 pJ/bit).
void put_energies(YAML::Node& n, double read_pj_per_bit, double write_pj_per_bit,
                  std::vector<double> widths) {
  auto short_text = [](const std::string& s) { return s.size() <= 8; };
  if (short_text(num(read_pj_per_bit)) && short_text(num(write_pj_per_bit))) {
    n["read_energy"] = energy(read_pj_per_bit, "/bit");
    n["write_energy"] = energy(write_pj_per_bit, "/bit");
    return;
  }
  for (double w : {8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048, 4096})
    widths.push_back(w);
  for (double w : widths) {
    if (!(w >= 1) || w != static_cast<double>(static_cast<int64_t>(w))) continue;
    auto per_access = [&](double per_bit) -> std::string {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", per_bit * w);
      double back = core::parse_quantity(std::string(buf) + " pJ", Dimension::kEnergy) / w;
      return back == per_bit ? std::string(buf) : "";
    };
    std::string rd = per_access(read_pj_per_bit), wr = per_access(write_pj_per_bit);
    if (rd.empty() || wr.empty()) continue;
    n["access_bits"] = static_cast<int64_t>(w);
    n["read_energy"] = rd + " pJ";
    n["write_energy"] = wr + " pJ";
    return;
  }
  n["read_energy"] = energy(read_pj_per_bit, "/bit");
  n["write_energy"] = energy(write_pj_per_bit, "/bit");
}
std::string power(double w) {
  return quantity(w, Dimension::kPower, {{"W", 1}, {"mW", 1e-3}, {"uW", 1e-6}, {"nW", 1e-9}});
}
std::string area(double mm2) {
  return quantity(mm2, Dimension::kArea, {{"mm2", 1}, {"um2", 1e-6}});
}
std::optional<YAML::Node> area_node(const AreaSpec& a) {
  if (a.node_nm <= 0 && !a.any_figure()) return std::nullopt;
  YAML::Node n(YAML::NodeType::Map);
  if (a.node_nm > 0) n["node"] = quantity(a.node_nm, Dimension::kLength, {{"nm", 1}});
  const std::pair<const char*, double> figures[] = {{"mac", a.mac_mm2},
                                                    {"sram_bit", a.sram_bit_mm2},
                                                    {"register_bit", a.register_bit_mm2},
                                                    {"cim_cell", a.cim_cell_mm2},
                                                    {"extra", a.extra_mm2}};
  for (auto [key, v] : figures)
    if (v > 0) n[key] = area(v);
  return n;
}
// Per KiB: scaling by 1024 is exact, so the text reads back to the same W per byte.
std::string leakage(double w_per_byte) {
  return power(w_per_byte * 1024) + "/KiB";
}
std::string frequency(double hz) {
  return quantity(hz, Dimension::kFrequency, {{"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}});
}
std::string seconds(double s) {
  return quantity(s, Dimension::kTime,
                  {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}});
}

YAML::Node flow(const std::vector<std::string>& items) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (auto& s : items) n.push_back(s);
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

// A per-cycle figure when it reproduces the stored rate exactly (then the loader derives the
// same bytes/s from the clock), else the rate per second it was given as.
std::string level_bandwidth(double bits_per_cycle, double bytes_per_s, double clock_hz) {
  if (bits_per_cycle > 0 && bits_per_cycle * clock_hz / 8 == bytes_per_s)
    return num(bits_per_cycle) + " bit/cycle";
  return rate(bytes_per_s);
}

void put_level_fields(YAML::Node& n, const MemoryLevel& m, double clock_hz) {
  n["name"] = m.name;
  n["size"] = bytes(m.size_bytes);
  std::string rd = clock_hz > 0
                       ? level_bandwidth(m.read_bits_per_cycle, m.read_bytes_per_s, clock_hz)
                       : rate(m.read_bytes_per_s);
  std::string wr = clock_hz > 0
                       ? level_bandwidth(m.write_bits_per_cycle, m.write_bytes_per_s, clock_hz)
                       : rate(m.write_bytes_per_s);
  if (rd == wr) {
    n["bandwidth"] = rd;
  } else {
    n["read_bandwidth"] = rd;
    n["write_bandwidth"] = wr;
  }
  if (m.read_ports == m.write_ports) {
    if (m.read_ports != 1) n["ports"] = m.read_ports;
  } else {
    if (m.read_ports != 1) n["read_ports"] = m.read_ports;
    if (m.write_ports != 1) n["write_ports"] = m.write_ports;
  }
  put_energies(n, m.read_energy_pj_per_bit, m.write_energy_pj_per_bit,
               {m.read_bits_per_cycle, m.write_bits_per_cycle});
  if (m.min_access_bits > 0) n["min_access"] = std::to_string(m.min_access_bits) + " bit";
  if (m.leakage_w_per_byte > 0) n["leakage"] = leakage(m.leakage_w_per_byte);
  std::vector<std::string> holds;
  for (int o = 0; o < kMemOperandCount; ++o)
    if (m.holds[o]) holds.emplace_back(core::operand_name(static_cast<MemOperand>(o)));
  n["holds"] = flow(holds);
}

YAML::Node memory_node(const MemoryLevel& m, const Accelerator& acc, double clock_hz) {
  YAML::Node n(YAML::NodeType::Map);
  if (m.shared_index >= 0) {
    n["shared"] = acc.shared_memories.at(static_cast<size_t>(m.shared_index)).name;
    return n;
  }
  put_level_fields(n, m, clock_hz);
  if (m.per_pe)
    n["serves"] = flow({});
  else if (!m.served_dims.empty())
    n["serves"] = flow(m.served_dims);
  return n;
}

YAML::Node cim_node(const CimSpec& c) {
  YAML::Node n(YAML::NodeType::Map);
  n["rows"] = c.rows;
  n["cols"] = c.cols;
  n["crossbars"] = c.crossbars;
  n["weight_bits"] = c.weight_bits;
  n["cell_bits"] = c.cell_bits;
  n["input_bits"] = c.input_bits;
  n["dac_bits"] = c.dac_bits;
  n["adc_bits"] = c.adc_bits;
  n["cols_per_adc"] = c.cols_per_adc;
  n["adc_energy"] = energy(c.adc_energy_pj);
  n["adc_delay"] = seconds(c.adc_delay_s);
  n["dac_energy"] = energy(c.dac_energy_pj);
  n["cell_read_energy"] = energy(c.cell_read_energy_pj);
  n["cell_write_energy"] = energy(c.cell_write_energy_pj);
  n["write_pulse"] = seconds(c.write_pulse_s);
  n["written_fraction"] = num(c.written_fraction);
  return n;
}

YAML::Node tlmm_node(const TlmmSpec& t) {
  YAML::Node n(YAML::NodeType::Map);
  n["group"] = t.group;
  n["weight_levels"] = t.weight_levels;
  n["weight_bits"] = t.weight_bits;
  n["lookups_per_cycle"] = num(t.lookups_per_cycle);
  n["entries_per_cycle"] = num(t.entries_per_cycle);
  n["table_entries"] = t.table_entries;
  n["entry_bits"] = t.entry_bits;
  n["lookup_energy"] = energy(t.lookup_energy_pj);
  n["entry_energy"] = energy(t.entry_energy_pj);
  return n;
}

std::string cycles(double c) {
  return num(c) + (c == 1 ? " cycle" : " cycles");
}

// Only what differs from the defaults, so a core without an execution section stays without.
std::optional<YAML::Node> execution_node(const Execution& e) {
  YAML::Node n(YAML::NodeType::Map);
  if (e.overlap != Overlap::kFull) n["overlap"] = overlap_name(e.overlap);
  if (e.has_stationary_load) {
    YAML::Node s(YAML::NodeType::Map);
    s["operand"] = std::string(1, "IWO"[static_cast<int>(e.stationary_load.operand)]);
    s["cycles"] = cycles(e.stationary_load.cycles);
    if (e.stationary_load.fill_cycles > 0) s["fill"] = cycles(e.stationary_load.fill_cycles);
    if (e.stationary_load.energy_pj > 0) s["energy"] = energy(e.stationary_load.energy_pj);
    n["stationary_load"] = s;
  }
  if (e.issue_cycles > 0) n["issue"] = cycles(e.issue_cycles);
  if (e.launch_s > 0) n["launch"] = seconds(e.launch_s);
  if (e.host_s > 0) n["host"] = seconds(e.host_s);
  if (e.stack_outputs_to_dram) n["stack_outputs"] = "dram";
  if (e.weights_preloaded) n["weights"] = "preloaded";
  if (e.channels_per_vector > 0) n["channels_per_vector"] = e.channels_per_vector;
  if (!e.blocks.empty()) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (auto& tb : e.blocks) {
      YAML::Node b(YAML::NodeType::Map);
      b["rows"] = tb.rows;
      b["cols"] = tb.cols;
      b["per_sm"] = tb.blocks_per_sm;
      b.SetStyle(YAML::EmitterStyle::Flow);
      list.push_back(b);
    }
    n["thread_blocks"] = list;
  }
  if (!e.rates.empty()) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (auto& r : e.rates) {
      YAML::Node x(YAML::NodeType::Map);
      x["precision"] = std::to_string(r.bits) + " bit";
      x["macs_per_cycle"] = num(r.macs_per_cycle);
      if (r.mac_energy_pj >= 0) x["mac_energy"] = energy(r.mac_energy_pj);
      if (!r.unit.empty()) x["unit"] = r.unit;
      x.SetStyle(YAML::EmitterStyle::Flow);
      list.push_back(x);
    }
    n["rates"] = list;
  }
  if (e.partial_sum_bits > 0)
    n["partial_sum_precision"] = std::to_string(e.partial_sum_bits) + " bit";
  if (n.size() == 0) return std::nullopt;
  return n;
}

// Everything of a core but its name (so repeated cores can be compared for sameness).
YAML::Node core_body(const Core& c, const Accelerator& acc) {
  YAML::Node n(YAML::NodeType::Map);
  n["kind"] = core_kind_name(c.kind);
  n["clock"] = frequency(c.clock_hz);
  n["precision"] = std::to_string(c.precision_bits) + " bit";
  const bool array_kind = c.kind == CoreKind::kArray || c.kind == CoreKind::kGpuSm;
  if (array_kind) {
    YAML::Node dims(YAML::NodeType::Sequence);
    for (auto& d : c.array) {
      YAML::Node dn(YAML::NodeType::Map);
      dn["name"] = d.name;
      dn["size"] = d.size;
      dn["unrolls"] = flow(d.unrolls);
      dn.SetStyle(YAML::EmitterStyle::Flow);
      dims.push_back(dn);
    }
    n["array"] = dims;
  }
  if (array_kind || c.mac_energy_pj != 0) n["mac_energy"] = energy(c.mac_energy_pj);
  if (c.vector_ops_per_cycle > 0) n["vector_ops_per_cycle"] = num(c.vector_ops_per_cycle);
  if (c.vector_ops_per_cycle > 0 || c.vector_op_energy_pj != 0)
    n["vector_op_energy"] = energy(c.vector_op_energy_pj);
  n["op_kinds"] = flow(c.op_kinds);
  YAML::Node mems(YAML::NodeType::Sequence);
  for (auto& m : c.memories) mems.push_back(memory_node(m, acc, c.clock_hz));
  n["memories"] = mems;
  if (c.kind == CoreKind::kCim) n["cim"] = cim_node(c.cim);
  if (c.kind == CoreKind::kTlmm) n["tlmm"] = tlmm_node(c.tlmm);
  if (auto e = execution_node(c.execution)) n["execution"] = *e;
  if (c.static_power_w > 0) n["static_power"] = power(c.static_power_w);
  if (auto a = area_node(c.area)) n["area"] = *a;
  return n;
}

std::string dump(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

// Members of a `repeat: N` group sit together, indexed 0..N-1; returns N when the cores
// from `i` on form such a group with identical bodies, else 1 (written one by one).
size_t group_size(const Accelerator& acc, size_t i) {
  const Core& first = acc.cores[i];
  if (first.repeat_index != 0) return 1;
  std::string body = dump(core_body(first, acc));
  size_t n = 1;
  while (i + n < acc.cores.size()) {
    const Core& c = acc.cores[i + n];
    if (c.group != first.group || c.repeat_index != static_cast<int>(n) ||
        c.name != first.group + std::to_string(n) || dump(core_body(c, acc)) != body)
      break;
    ++n;
  }
  return n > 1 && first.name == first.group + "0" ? n : 1;
}

YAML::Node dram_node(const Dram& d) {
  YAML::Node n(YAML::NodeType::Map);
  n["capacity"] = bytes(d.capacity_bytes);
  n["bandwidth"] = rate(d.bandwidth_bytes_per_s);
  if (d.sustained_fraction != 1) n["sustained_bandwidth"] = rate(d.timing_bytes_per_s());
  put_energies(n, d.read_energy_pj_per_bit, d.write_energy_pj_per_bit, {});
  if (d.min_access_bits > 0) n["min_access"] = std::to_string(d.min_access_bits) + " bit";
  if (d.background_power_w > 0) n["background_power"] = power(d.background_power_w);
  if (d.refresh_power_w > 0) n["refresh_power"] = power(d.refresh_power_w);
  return n;
}

std::string voltage(double v) {
  return quantity(v, Dimension::kVoltage, {{"V", 1}, {"mV", 1e-3}});
}

YAML::Node mode_node(const PowerMode& m) {
  YAML::Node n(YAML::NodeType::Map);
  n["name"] = m.name;
  if (!m.description.empty()) n["description"] = m.description;
  if (m.power_budget_w > 0) n["power_budget"] = power(m.power_budget_w);
  if (m.voltage_v > 0) n["voltage"] = voltage(m.voltage_v);
  if (!m.clocks_hz.empty()) {
    YAML::Node c(YAML::NodeType::Map);
    for (const auto& [group, hz] : m.clocks_hz) c[group] = frequency(hz);
    c.SetStyle(YAML::EmitterStyle::Flow);
    n["clocks"] = c;
  }
  if (!m.active_cores.empty()) {
    YAML::Node c(YAML::NodeType::Map);
    for (const auto& [group, k] : m.active_cores) c[group] = k;
    c.SetStyle(YAML::EmitterStyle::Flow);
    n["active_cores"] = c;
  }
  if (!m.bandwidths.empty()) {
    YAML::Node c(YAML::NodeType::Map);
    for (const auto& [memory, bytes_per_s] : m.bandwidths) c[memory] = rate(bytes_per_s);
    c.SetStyle(YAML::EmitterStyle::Flow);
    n["bandwidths"] = c;
  }
  return n;
}

YAML::Node link_node(const Link& l) {
  YAML::Node n(YAML::NodeType::Map);
  n["name"] = l.name;
  n["from"] = l.from;
  n["to"] = l.to;
  n["bandwidth"] = rate(l.bandwidth_bytes_per_s);
  n["energy"] = energy(l.energy_pj_per_bit, "/bit");
  if (!l.bidirectional) n["bidirectional"] = false;
  return n;
}

}  // namespace

std::string write_accelerator_yaml(const Accelerator& acc, const std::string& header) {
  YAML::Node root(YAML::NodeType::Map);
  root["name"] = acc.name;
  if (!acc.description.empty()) root["description"] = acc.description;
  if (!acc.shared_memories.empty()) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (auto& m : acc.shared_memories) {
      YAML::Node n(YAML::NodeType::Map);
      put_level_fields(n, m, 0);
      list.push_back(n);
    }
    root["shared_memories"] = list;
  }
  YAML::Node cores(YAML::NodeType::Sequence);
  for (size_t i = 0; i < acc.cores.size();) {
    const Core& c = acc.cores[i];
    size_t n = group_size(acc, i);
    YAML::Node cn(YAML::NodeType::Map);
    cn["name"] = n > 1 ? c.group : c.name;
    if (n > 1) cn["repeat"] = n;
    for (auto it : core_body(c, acc)) cn[it.first] = it.second;
    cores.push_back(cn);
    i += n;
  }
  root["cores"] = cores;
  if (!acc.links.empty()) {
    YAML::Node links(YAML::NodeType::Sequence);
    for (auto& l : acc.links) links.push_back(link_node(l));
    root["links"] = links;
  }
  root["dram"] = dram_node(acc.dram);
  if (acc.board.baseline_power_w > 0 || acc.board.regulator_efficiency != 1) {
    YAML::Node b(YAML::NodeType::Map);
    if (acc.board.baseline_power_w > 0) b["baseline_power"] = power(acc.board.baseline_power_w);
    if (acc.board.regulator_efficiency != 1)
      b["regulator_efficiency"] = num(acc.board.regulator_efficiency);
    root["board"] = b;
  }
  if (acc.power_budget_w > 0) root["power_budget"] = power(acc.power_budget_w);
  if (acc.voltage_v > 0) root["voltage"] = voltage(acc.voltage_v);
  if (auto a = area_node(acc.area)) root["area"] = *a;
  if (!acc.modes.empty()) {
    YAML::Node modes(YAML::NodeType::Sequence);
    for (const auto& m : acc.modes) modes.push_back(mode_node(m));
    root["modes"] = modes;
  }

  std::ostringstream out;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);)
    out << (line.empty() ? "#" : "# " + line) << "\n";
  out << dump(root) << "\n";
  return out.str();
}

}  // namespace monet::accelerators

#include "fusion/report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "accelerators/area.hpp"
#include "core/csv.hpp"
#include "core/units.hpp"
#include "core/whole_bytes.hpp"
#include "fusion/names.hpp"

namespace monet::fusion {

using nlohmann::json;

std::vector<OverCapacity> over_capacity(const Summary& s) {
  std::vector<OverCapacity> out;
  // Peaks are sums of fractional tile pieces and carry rounding noise (2 MiB + 3e-7 B): the
  // comparison is in whole bytes, as the documents write them, so a memory exactly full is not
  // reported over capacity with "0 B too much", and a real excess is exact.
  for (const auto& m : s.memories) {
    const auto peak = static_cast<double>(core::whole_bytes(m.peak_bytes));
    const auto capacity = static_cast<double>(core::whole_bytes(m.capacity_bytes));
    if (capacity > 0 && peak > capacity) out.push_back({m.name, peak, capacity});
  }
  return out;
}

std::vector<std::string> summary_warnings(const Summary& s) {
  std::vector<std::string> out;
  for (const auto& m : over_capacity(s))
    out.push_back("memory '" + m.memory + "' over capacity: peak " +
                  core::format_bytes(m.peak_bytes) + " of " + core::format_bytes(m.capacity_bytes) +
                  ", " + core::format_bytes(m.excess_bytes()) + " too much; the run is infeasible");
  for (const auto& f : s.fallbacks) out.push_back(fallback_text(f));
  if (auto w = power_warning(s.power)) out.push_back(*w);
  return out;
}

std::optional<std::string> power_warning(const PowerSummary& p) {
  if (!p.over_budget()) return std::nullopt;
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "average power %.4g W exceeds the power budget of %.4g W: a real board would "
                "throttle its clocks, so the latency is optimistic",
                p.average_w, p.budget_w);
  return std::string(buf);
}

json power_json(const PowerSummary& p) {
  return {{"average_w", p.average_w},
          {"peak_w", p.peak_w},
          {"peak_window_s", p.window_s},
          {"static_energy_j", p.static_energy_j},
          {"dynamic_energy_j", p.dynamic_energy_j},
          {"board_energy_j", p.board_energy_j},
          {"supply_energy_j", p.supply_energy_j},
          {"static_w", p.static_w},
          {"board_baseline_w", p.board_w},
          {"regulator_efficiency", p.regulator_efficiency},
          {"static_described", p.static_described},
          {"budget_w", p.budget_w > 0 ? json(p.budget_w) : json(nullptr)},
          {"over_budget", p.over_budget()}};
}

json area_json(const accelerators::AreaEstimate& a) {
  json cores = json::array();
  for (const auto& c : a.cores)
    cores.push_back({{"name", c.name},
                     {"node_nm", c.node_nm},
                     {"mac_units", c.mac_units},
                     {"vector_lanes", c.vector_lanes},
                     {"mac_mm2", c.mac_mm2},
                     {"vector_mm2", c.vector_mm2},
                     {"sram_mm2", c.sram_mm2},
                     {"register_mm2", c.register_mm2},
                     {"cim_mm2", c.cim_mm2},
                     {"extra_mm2", c.extra_mm2},
                     {"total_mm2", c.total_mm2()}});
  return {{"estimated", a.estimated},
          {"total_mm2", a.estimated ? json(a.total_mm2) : json(nullptr)},
          {"shared_memory_mm2", a.shared_memory_mm2},
          {"extra_mm2", a.extra_mm2},
          {"cores", cores},
          {"notes", a.notes}};
}

json summary_json(const Summary& s, const accelerators::Accelerator& acc) {
  const accelerators::AreaEstimate area = accelerators::estimate_area(acc);
  json over = json::array();
  for (const auto& m : over_capacity(s))
    over.push_back({{"name", m.memory},
                    {"peak_bytes", core::whole_bytes(m.peak_bytes)},
                    {"capacity_bytes", core::whole_bytes(m.capacity_bytes)},
                    {"excess_bytes", core::whole_bytes(m.excess_bytes())}});
  json memories = json::array();
  for (const auto& m : s.memories)
    memories.push_back({{"name", m.name},
                        {"capacity_bytes", core::whole_bytes(m.capacity_bytes)},
                        {"peak_bytes", core::whole_bytes(m.peak_bytes)}});
  json cores = json::array();
  for (size_t c = 0; c < acc.cores.size(); ++c)
    cores.push_back({{"name", acc.cores[c].name},
                     {"kind", accelerators::core_kind_name(acc.cores[c].kind)},
                     {"busy_s", s.core_busy_s.at(c)},
                     {"instructions", s.core_instructions.at(c)},
                     {"utilization", s.core_utilization.at(c)}});
  json phases = json::object();
  for (const auto& [name, p] : s.phases)
    phases[name] = {{"busy_s", p.busy_s},
                    {"start_s", p.start_s},
                    {"end_s", p.end_s},
                    {"energy_pj", p.energy_pj}};
  return {{"schema", kSummarySchema},
          {"accelerator", acc.name},
          {"feasible", over.empty()},
          {"warnings", summary_warnings(s)},
          {"fallbacks", fallbacks_json(s.fallbacks)},
          {"latency_s", s.latency_s},
          {"latency_cycles", s.latency_cycles},
          {"host_s", s.host_s},
          {"latency_with_host_s", s.latency_s + s.host_s},
          {"launches", s.launches},
          {"reference_clock_hz", s.reference_clock_hz},
          {"energy_pj",
           {{"compute", s.energy.compute_pj},
            {"onchip_memory", s.energy.onchip_memory_pj},
            {"link", s.energy.link_pj},
            {"dram", s.energy.dram_pj},
            {"total", s.energy.total_pj()}}},
          {"memory",
           {{"peak_onchip_bytes", core::whole_bytes(s.peak_onchip_bytes)},
            {"peak_dram_bytes", core::whole_bytes(s.peak_dram_bytes)},
            {"peak_footprint_bytes", core::whole_bytes(s.peak_footprint_bytes)},
            {"dram_capacity_bytes", core::whole_bytes(acc.dram.capacity_bytes)},
            {"capacity_violation_bytes", core::whole_bytes(s.capacity_violation_bytes)},
            {"over_capacity", over},
            {"per_memory", memories}}},
          {"traffic",
           {{"dram_read_bytes", core::whole_bytes(s.dram_read_bytes)},
            {"dram_write_bytes", core::whole_bytes(s.dram_write_bytes)},
            {"refetch_dram_bytes", core::whole_bytes(s.refetch_dram_bytes)},
            {"link_bytes", core::whole_bytes(s.link_bytes)}}},
          {"power", power_json(s.power)},
          {"area_mm2", area.estimated ? json(area.total_mm2) : json(nullptr)},
          {"area", area_json(area)},
          {"cores", cores},
          {"phases", phases},
          {"counts", {{"cns", s.cn_count}, {"transfers", s.transfer_count}}}};
}

std::string cn_bound_by(const CnRecord& record, const CN& cn) {
  const double span = record.end_s - record.start_s;
  if (span > cn.duration_s * (1 + 1e-9) + 1e-15) return "dram bandwidth";
  return cn.bound_by;
}

json trace_json(const Schedule& s, const workloads::Graph& g, const CnGraph& cns,
                const accelerators::Accelerator& acc) {
  json events = json::array();
  auto meta = [&](int pid, int tid, const std::string& name) {
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", pid},
                      {"tid", tid},
                      {"args", {{"name", name}}}});
  };
  auto process = [&](int pid, const std::string& name) {
    events.push_back(
        {{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", name}}}});
  };
  process(1, "cores");
  process(2, "links and DRAM");
  process(3, "memory");
  for (size_t c = 0; c < acc.cores.size(); ++c) meta(1, static_cast<int>(c), acc.cores[c].name);
  meta(2, 0, "dram");
  for (size_t l = 0; l < acc.links.size(); ++l)
    meta(2, static_cast<int>(l) + 1, "link " + acc.links[l].name);
  std::vector<double> dram_bytes(cns.cns.size(), 0);
  for (const auto& t : s.transfers)
    if (t.cn >= 0 && t.kind != TransferKind::kLink) dram_bytes[t.cn] += t.bytes;
  auto piece_sum = [&](const std::vector<PieceRef>& refs) {
    double b = 0;
    for (const auto& r : refs) b += cns.piece_bytes[cns.piece_index(r)];
    return b;
  };
  for (const auto& r : s.cns) {
    const auto& op = g.op(r.op);
    const CN& cn = cns.cns[r.cn];
    const std::string pass(workloads::pass_name(op.pass));
    events.push_back({{"name", op.name + " #" + std::to_string(r.tile)},
                      {"cat", pass},
                      {"ph", "X"},
                      {"pid", 1},
                      {"tid", r.core},
                      {"ts", r.start_s * 1e6},
                      {"dur", (r.end_s - r.start_s) * 1e6},
                      {"args",
                       {{"op", op.name},
                        {"kind", std::string(workloads::op_kind_name(op.kind))},
                        {"pass", pass},
                        {"tile", r.tile},
                        {"tiles", cn.tiles},
                        {"stack", cn.stack},
                        {"macs", cn.macs},
                        {"in_bytes", core::whole_bytes(piece_sum(cn.reads))},
                        {"out_bytes", core::whole_bytes(piece_sum(cn.writes))},
                        {"dram_bytes", core::whole_bytes(dram_bytes[r.cn])},
                        {"energy_pj", cn.energy_pj},
                        {"bound_by", cn_bound_by(r, cn)},
                        {"kernel", cn.kernel}}}});
  }
  for (const auto& t : s.transfers) {
    std::string what = t.tensor >= 0 ? g.tensor(t.tensor).name : "refetch";
    json args = {{"bytes", core::whole_bytes(t.bytes)}, {"energy_pj", t.energy_pj}};
    if (t.cn >= 0) args["for_op"] = g.op(cns.cns[t.cn].op).name;
    events.push_back({{"name", what},
                      {"cat", transfer_kind_names().str(t.kind)},
                      {"ph", "X"},
                      {"pid", 2},
                      {"tid", t.kind == TransferKind::kLink ? t.resource + 1 : 0},
                      {"ts", t.start_s * 1e6},
                      {"dur", (t.end_s - t.start_s) * 1e6},
                      {"args", args}});
  }
  // Occupancy of each memory as a counter track (Perfetto draws one per name).
  for (const auto& m : s.summary.memories)
    for (const auto& x : m.samples)
      events.push_back({{"name", m.name + " used"},
                        {"ph", "C"},
                        {"pid", 3},
                        {"ts", x.time_s * 1e6},
                        {"args", {{"bytes", core::whole_bytes(x.used_bytes)}}}});
  // Power at the supply per window (the windows of summary.json's peak_w) as a counter track.
  const PowerSummary& p = s.summary.power;
  const PowerWindows w = power_windows(s.summary.latency_s);
  const auto rows = window_energy_pj(s.energy_spans, w, static_cast<int>(acc.cores.size()));
  for (int i = 0; i <= w.count && w.count > 0; ++i) {
    double pj = 0;
    for (const auto& r : rows) pj += r[static_cast<size_t>(std::min(i, w.count - 1))];
    events.push_back({{"name", "power at the supply (W)"},
                      {"ph", "C"},
                      {"pid", 3},
                      {"ts", i * w.length_s * 1e6},
                      {"args",
                       {{"watts", (pj * 1e-12 / w.length_s + p.static_w) / p.regulator_efficiency +
                                      p.board_w}}}});
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ns"}};
}

std::string memory_csv(const Summary& s) {
  std::ostringstream out;
  out << "memory,time_s,used_bytes\n";
  for (const auto& m : s.memories)
    for (const auto& x : m.samples)
      out << m.name << ',' << x.time_s << ',' << core::whole_bytes(x.used_bytes) << '\n';
  return out.str();
}

std::string power_csv(const Schedule& s, const accelerators::Accelerator& acc) {
  const PowerSummary& p = s.summary.power;
  const PowerWindows w = power_windows(s.summary.latency_s);
  const int n = static_cast<int>(acc.cores.size());
  const auto rows = window_energy_pj(s.energy_spans, w, n);
  std::vector<std::string> names;
  for (const auto& c : acc.cores) names.push_back(c.name);
  for (const auto& c : acc.cores) names.push_back(c.name + ".memories");
  names.push_back("dram");
  names.push_back("links");
  int peak_at = 0;
  double peak_pj = -1;
  for (int i = 0; i < w.count; ++i) {
    double pj = 0;
    for (const auto& r : rows) pj += r[static_cast<size_t>(i)];
    if (pj > peak_pj) peak_pj = pj, peak_at = i;
  }
  std::ostringstream out;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "# peak %.6g W at the supply over %.6g s windows, in the window from %.6g s; "
                "average %.6g W\n",
                p.peak_w, w.length_s, peak_at * w.length_s, p.average_w);
  out << buf << "window_start_s,window_s,track,power_w\n";
  for (int i = 0; i < w.count; ++i) {
    const double t = i * w.length_s;
    double dynamic_w = 0;
    for (size_t r = 0; r < rows.size(); ++r) {
      const double watts = rows[r][static_cast<size_t>(i)] * 1e-12 / w.length_s;
      dynamic_w += watts;
      out << t << ',' << w.length_s << ',' << core::csv_field(names[r]) << ',' << watts << '\n';
    }
    out << t << ',' << w.length_s << ",static," << p.static_w << '\n';
    out << t << ',' << w.length_s << ",supply,"
        << (dynamic_w + p.static_w) / p.regulator_efficiency + p.board_w << '\n';
  }
  return out.str();
}

std::vector<OpSpan> op_spans(const Schedule& s, const workloads::Graph& g, const CnGraph& cns) {
  std::vector<OpSpan> rows(g.ops().size());
  std::vector<std::map<std::string, double>> bound_time(g.ops().size());
  for (const auto& r : s.cns) {
    auto& row = rows[r.op];
    const CN& cn = cns.cns[r.cn];
    row.start_s = std::min(row.start_s, r.start_s);
    row.end_s = std::max(row.end_s, r.end_s);
    row.onchip_energy_pj += cn.energy_pj;
    row.energy_pj += cn.energy_pj;
    row.busy_s += cn.duration_s;
    row.instructions += cn.instructions;
    row.macs += cn.macs;
    row.tiles = cn.tiles;
    row.core = r.core;
    row.stack = cn.stack;
    row.kernel = cn.kernel;
    bound_time[r.op][cn_bound_by(r, cn)] += r.end_s - r.start_s;
  }
  for (const auto& t : s.transfers) {
    if (t.cn < 0) continue;
    auto& row = rows[cns.cns[t.cn].op];
    row.energy_pj += t.energy_pj;
    if (t.kind == TransferKind::kLink)
      row.link_bytes += t.bytes;
    else if (t.kind == TransferKind::kDramWrite)
      row.dram_write_bytes += t.bytes;
    else
      row.dram_read_bytes += t.bytes;
  }
  for (size_t op = 0; op < rows.size(); ++op) {
    double longest = -1;
    for (const auto& [bound, time] : bound_time[op])
      if (time > longest) longest = time, rows[op].bound_by = bound;
  }
  return rows;
}

std::string ops_csv(const Schedule& s, const workloads::Graph& g, const CnGraph& cns,
                    const accelerators::Accelerator& acc) {
  const std::vector<OpSpan> rows = op_spans(s, g, cns);
  std::ostringstream out;
  out.precision(9);
  out << "op,kind,pass,stack,core,tiles,start_s,end_s,macs,onchip_energy_pj,busy_s,energy_pj,"
         "dram_read_bytes,dram_write_bytes,link_bytes,bound_by,kernel,instructions\n";
  for (const auto& op : g.ops()) {
    const auto& r = rows[op.id];
    if (r.core < 0) continue;
    out << core::csv_field(op.name) << ',' << workloads::op_kind_name(op.kind) << ','
        << workloads::pass_name(op.pass) << ',' << r.stack << ','
        << core::csv_field(acc.cores[r.core].name) << ',' << r.tiles << ',' << r.start_s << ','
        << r.end_s << ',' << r.macs << ',' << r.onchip_energy_pj << ',' << r.busy_s << ','
        << r.energy_pj << ',' << core::whole_bytes(r.dram_read_bytes) << ','
        << core::whole_bytes(r.dram_write_bytes) << ',' << core::whole_bytes(r.link_bytes) << ','
        << core::csv_field(r.bound_by) << ',' << r.kernel << ',' << r.instructions << '\n';
  }
  return out.str();
}

std::string power_text(const PowerSummary& p) {
  std::ostringstream o;
  char buf[300];
  std::snprintf(buf, sizeof buf,
                "  power            %.3g W average, %.3g W peak (%s windows), at the supply\n",
                p.average_w, p.peak_w, core::format_seconds(p.window_s).c_str());
  o << buf;
  std::snprintf(buf, sizeof buf,
                "  supply energy    %s  (dynamic %s + static %s at the chip, /%.3g regulators, "
                "+ board %s)\n",
                core::format_energy_pj(p.supply_energy_j * 1e12).c_str(),
                core::format_energy_pj(p.dynamic_energy_j * 1e12).c_str(),
                core::format_energy_pj(p.static_energy_j * 1e12).c_str(), p.regulator_efficiency,
                core::format_energy_pj(p.board_energy_j * 1e12).c_str());
  o << buf;
  if (p.budget_w > 0) {
    std::snprintf(buf, sizeof buf, "  power budget     %.4g W (%s)\n", p.budget_w,
                  p.over_budget() ? "EXCEEDED" : "within");
    o << buf;
  }
  if (!p.static_described)
    o << "  note             the accelerator states no static power (static_power, leakage, "
         "DRAM background/refresh, board baseline): power is dynamic only\n";
  return o.str();
}

std::string summary_text(const Summary& s, const accelerators::Accelerator& acc) {
  std::ostringstream o;
  char buf[256];
  std::snprintf(buf, sizeof buf, "  latency          %s (%s cycles at %.0f MHz)\n",
                core::format_seconds(s.latency_s).c_str(),
                core::format_count(s.latency_cycles).c_str(), s.reference_clock_hz / 1e6);
  o << buf;
  if (s.host_s > 0)
    o << "  host/driver      " << core::format_seconds(s.host_s) << " per run, not in the latency ("
      << core::format_seconds(s.latency_s + s.host_s) << " with it)\n";
  if (s.launches > 0) o << "  kernel launches  " << s.launches << "\n";
  o << "  energy           " << core::format_energy_pj(s.energy.total_pj()) << "  (compute "
    << core::format_energy_pj(s.energy.compute_pj) << ", on-chip memory "
    << core::format_energy_pj(s.energy.onchip_memory_pj) << ", links "
    << core::format_energy_pj(s.energy.link_pj) << ", DRAM "
    << core::format_energy_pj(s.energy.dram_pj) << ")\n";
  o << power_text(s.power);
  o << "  area             " << accelerators::area_line(accelerators::estimate_area(acc)) << "\n";
  o << "  DRAM traffic     read " << core::format_bytes(s.dram_read_bytes) << " (re-fetched "
    << core::format_bytes(s.refetch_dram_bytes) << "), write "
    << core::format_bytes(s.dram_write_bytes) << "; links " << core::format_bytes(s.link_bytes)
    << "\n";
  o << "  memory peaks     footprint " << core::format_bytes(s.peak_footprint_bytes) << ", DRAM "
    << core::format_bytes(s.peak_dram_bytes) << " of "
    << core::format_bytes(acc.dram.capacity_bytes) << "\n";
  for (const auto& m : s.memories)
    if (m.name != "dram")
      o << "                   " << m.name << ": " << core::format_bytes(m.peak_bytes) << " of "
        << core::format_bytes(m.capacity_bytes) << "\n";
  o << "  cores            ";
  for (size_t c = 0; c < acc.cores.size(); ++c) {
    std::snprintf(buf, sizeof buf, "%s%s %.0f%%", c ? ", " : "", acc.cores[c].name.c_str(),
                  100 * s.core_utilization.at(c));
    o << buf;
  }
  // Phases in the order they start.
  std::vector<std::pair<std::string, PhaseTime>> phases(s.phases.begin(), s.phases.end());
  std::stable_sort(phases.begin(), phases.end(), [](const auto& a, const auto& b) {
    return a.second.start_s < b.second.start_s;
  });
  o << "\n  phases (busy)    ";
  for (size_t i = 0; i < phases.size(); ++i)
    o << (i ? ", " : "") << phases[i].first << " " << core::format_seconds(phases[i].second.busy_s);
  o << "\n  energy by phase  ";
  for (size_t i = 0; i < phases.size(); ++i)
    o << (i ? ", " : "") << phases[i].first << " "
      << core::format_energy_pj(phases[i].second.energy_pj);
  o << "\n  schedule         " << s.cn_count << " CNs, " << s.transfer_count << " transfers\n";
  for (const auto& w : summary_warnings(s)) o << "  WARNING          " << w << "\n";
  return o.str();
}

std::string top_ops_text(const Schedule& s, const workloads::Graph& g, const CnGraph& cns,
                         const accelerators::Accelerator& acc, size_t n) {
  const std::vector<OpSpan> rows = op_spans(s, g, cns);
  std::vector<int> ran;
  for (const auto& op : g.ops())
    if (rows[op.id].core >= 0) ran.push_back(op.id);
  std::stable_sort(ran.begin(), ran.end(),
                   [&](int a, int b) { return rows[a].busy_s > rows[b].busy_s; });
  if (ran.size() > n) ran.resize(n);
  size_t name_width = 2, core_width = 4;
  for (int id : ran) {
    name_width = std::max(name_width, g.op(id).name.size());
    core_width = std::max(core_width, acc.cores[rows[id].core].name.size());
  }
  std::ostringstream o;
  char buf[512];
  auto line = [&](const std::string& op, const std::string& pass, const std::string& core,
                  const std::string& time, const std::string& share, const std::string& energy,
                  const std::string& dram, const std::string& bound) {
    std::snprintf(buf, sizeof buf, "  %-*s  %-15s  %-*s  %11s  %6s  %10s  %11s  %s\n",
                  static_cast<int>(name_width), op.c_str(), pass.c_str(),
                  static_cast<int>(core_width), core.c_str(), time.c_str(), share.c_str(),
                  energy.c_str(), dram.c_str(), bound.c_str());
    o << buf;
  };
  o << "  " << ran.size() << (ran.size() == 1 ? " op" : " ops")
    << " with the longest busy time (CN time summed; energy and DRAM bytes include the "
       "transfers they caused)\n";
  line("op", "pass", "core", "time", "share", "energy", "DRAM bytes", "bound by");
  for (int id : ran) {
    const OpSpan& r = rows[id];
    std::snprintf(buf, sizeof buf, "%.1f%%",
                  s.summary.latency_s > 0 ? 100 * r.busy_s / s.summary.latency_s : 0.0);
    line(g.op(id).name, std::string(workloads::pass_name(g.op(id).pass)), acc.cores[r.core].name,
         core::format_seconds(r.busy_s), buf, core::format_energy_pj(r.energy_pj),
         core::format_bytes(r.dram_read_bytes + r.dram_write_bytes),
         r.bound_by.empty() ? "-" : r.bound_by);
  }
  return o.str();
}

}  // namespace monet::fusion

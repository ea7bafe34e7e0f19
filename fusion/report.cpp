#include "fusion/report.hpp"

#include <cstdio>
#include <map>
#include <sstream>

#include "core/units.hpp"

namespace monet::fusion {

using nlohmann::json;

json summary_json(const Summary& s, const accelerators::Accelerator& acc) {
  json memories = json::array();
  for (const auto& m : s.memories)
    memories.push_back(
        {{"name", m.name}, {"capacity_bytes", m.capacity_bytes}, {"peak_bytes", m.peak_bytes}});
  json cores = json::array();
  for (size_t c = 0; c < acc.cores.size(); ++c)
    cores.push_back({{"name", acc.cores[c].name},
                     {"kind", accelerators::core_kind_name(acc.cores[c].kind)},
                     {"busy_s", s.core_busy_s.at(c)},
                     {"utilization", s.core_utilization.at(c)}});
  json phases = json::object();
  for (const auto& [name, p] : s.phases)
    phases[name] = {{"busy_s", p.busy_s}, {"start_s", p.start_s}, {"end_s", p.end_s}};
  return {{"schema", kSummarySchema},
          {"accelerator", acc.name},
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
           {{"peak_onchip_bytes", s.peak_onchip_bytes},
            {"peak_dram_bytes", s.peak_dram_bytes},
            {"peak_footprint_bytes", s.peak_footprint_bytes},
            {"dram_capacity_bytes", acc.dram.capacity_bytes},
            {"capacity_violation_bytes", s.capacity_violation_bytes},
            {"per_memory", memories}}},
          {"traffic",
           {{"dram_read_bytes", s.dram_read_bytes},
            {"dram_write_bytes", s.dram_write_bytes},
            {"link_bytes", s.link_bytes}}},
          {"cores", cores},
          {"phases", phases},
          {"counts", {{"cns", s.cn_count}, {"transfers", s.transfer_count}}}};
}

json trace_json(const Schedule& s, const workloads::Graph& g,
                const accelerators::Accelerator& acc) {
  json events = json::array();
  auto meta = [&](int pid, int tid, const std::string& name) {
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", pid},
                      {"tid", tid},
                      {"args", {{"name", name}}}});
  };
  events.push_back(
      {{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", "cores"}}}});
  events.push_back(
      {{"name", "process_name"}, {"ph", "M"}, {"pid", 2}, {"args", {{"name", "links and DRAM"}}}});
  for (size_t c = 0; c < acc.cores.size(); ++c) meta(1, static_cast<int>(c), acc.cores[c].name);
  meta(2, 0, "dram");
  for (size_t l = 0; l < acc.links.size(); ++l)
    meta(2, static_cast<int>(l) + 1, "link " + acc.links[l].name);
  for (const auto& r : s.cns) {
    const auto& op = g.op(r.op);
    events.push_back({{"name", op.name + " #" + std::to_string(r.tile)},
                      {"cat", std::string(workloads::pass_name(op.pass))},
                      {"ph", "X"},
                      {"pid", 1},
                      {"tid", r.core},
                      {"ts", r.start_s * 1e6},
                      {"dur", (r.end_s - r.start_s) * 1e6}});
  }
  static const char* kinds[] = {"dram read", "dram write", "link", "refetch"};
  for (const auto& t : s.transfers) {
    std::string what = t.tensor >= 0 ? g.tensor(t.tensor).name : "refetch";
    events.push_back({{"name", what},
                      {"cat", kinds[static_cast<int>(t.kind)]},
                      {"ph", "X"},
                      {"pid", 2},
                      {"tid", t.kind == TransferKind::kLink ? t.resource + 1 : 0},
                      {"ts", t.start_s * 1e6},
                      {"dur", (t.end_s - t.start_s) * 1e6},
                      {"args", {{"bytes", t.bytes}}}});
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ns"}};
}

std::string memory_csv(const Summary& s) {
  std::ostringstream out;
  out << "memory,time_s,used_bytes\n";
  for (const auto& m : s.memories)
    for (const auto& x : m.samples) out << m.name << ',' << x.time_s << ',' << x.used_bytes << '\n';
  return out.str();
}

std::vector<OpSpan> op_spans(const Schedule& s, const workloads::Graph& g, const CnGraph& cns) {
  std::vector<OpSpan> rows(g.ops().size());
  for (const auto& r : s.cns) {
    auto& row = rows[r.op];
    const CN& cn = cns.cns[r.cn];
    row.start_s = std::min(row.start_s, r.start_s);
    row.end_s = std::max(row.end_s, r.end_s);
    row.onchip_energy_pj += cn.energy_pj;
    row.macs += cn.macs;
    row.tiles = cn.tiles;
    row.core = r.core;
    row.stack = cn.stack;
  }
  return rows;
}

std::string ops_csv(const Schedule& s, const workloads::Graph& g, const CnGraph& cns,
                    const accelerators::Accelerator& acc) {
  const std::vector<OpSpan> rows = op_spans(s, g, cns);
  std::ostringstream out;
  out.precision(9);
  out << "op,kind,pass,stack,core,tiles,start_s,end_s,macs,onchip_energy_pj\n";
  for (const auto& op : g.ops()) {
    const auto& r = rows[op.id];
    if (r.core < 0) continue;
    out << op.name << ',' << workloads::op_kind_name(op.kind) << ','
        << workloads::pass_name(op.pass) << ',' << r.stack << ',' << acc.cores[r.core].name << ','
        << r.tiles << ',' << r.start_s << ',' << r.end_s << ',' << r.macs << ','
        << r.onchip_energy_pj << '\n';
  }
  return out.str();
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
  o << "  DRAM traffic     read " << core::format_bytes(s.dram_read_bytes) << ", write "
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
  o << "\n  phases (busy)    ";
  bool first = true;
  for (const auto& [name, p] : s.phases) {
    o << (first ? "" : ", ") << name << " " << core::format_seconds(p.busy_s);
    first = false;
  }
  o << "\n  schedule         " << s.cn_count << " CNs, " << s.transfer_count << " transfers\n";
  return o.str();
}

}  // namespace monet::fusion

#include "python/run.hpp"

#include <pybind11/numpy.h>

#include "core/file_io.hpp"
#include "fusion/names.hpp"
#include "fusion/report.hpp"
#include "fusion/run_outputs.hpp"

namespace monet::python {

namespace {
fusion::RunInfo info_of(const Run& r) {
  return {r.experiment,      r.mode,     r.plan_name, r.tiles,
          r.training_memory, r.training, {},          r.versus_layer_by_layer,
          r.folded};
}
}  // namespace

Run run_plan(std::shared_ptr<const fusion::Simulation> sim, const fusion::PlanSpec& spec,
             bool records) {
  Run r;
  r.sim = std::move(sim);
  r.plan = r.sim->plan(spec);
  r.cns = r.sim->cns(r.plan);
  fusion::ScheduleOptions options;
  options.keep_records = records;
  r.schedule = fusion::schedule(r.sim->graph(), r.plan, r.cns, r.sim->accelerator(), options);
  r.tiles = spec.tiles;
  r.records = records;
  r.versus_layer_by_layer = fusion::versus_layer_by_layer(*r.sim, spec, r.schedule.summary);
  return r;
}

nlohmann::json run_summary(const Run& r) {
  return fusion::run_summary_json(*r.sim, r.plan, r.schedule, info_of(r));
}

void write_run(const Run& r, const std::string& dir) {
  fusion::write_run_outputs(dir, *r.sim, r.plan, r.cns, r.schedule, info_of(r));
}

namespace {
template <class T>
py::array_t<T> array(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

std::string core_name(const accelerators::Accelerator& acc, int core) {
  return core < 0 ? std::string("dram") : acc.cores.at(core).name;
}
}  // namespace

py::dict cn_table(const Run& r) {
  const auto& g = r.sim->graph();
  const auto& acc = r.sim->accelerator();
  const size_t n = r.schedule.cns.size();
  std::vector<int64_t> cn(n), op(n), tile(n), tiles(n), stack(n), core(n);
  std::vector<double> start(n), end(n), energy(n), compute(n), macs(n), refetch(n);
  std::vector<std::string> op_name(n), kind(n), pass(n), core_names(n), bound(n), kernel(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& rec = r.schedule.cns[i];
    const auto& c = r.cns.cns.at(rec.cn);
    const auto& o = g.op(rec.op);
    cn[i] = rec.cn;
    op[i] = rec.op;
    tile[i] = rec.tile;
    tiles[i] = c.tiles;
    stack[i] = c.stack;
    core[i] = rec.core;
    start[i] = rec.start_s;
    end[i] = rec.end_s;
    energy[i] = c.energy_pj;
    compute[i] = c.compute_energy_pj;
    macs[i] = c.macs;
    refetch[i] = c.refetch_dram_bytes;
    op_name[i] = o.name;
    kind[i] = workloads::op_kind_name(o.kind);
    pass[i] = workloads::pass_name(o.pass);
    core_names[i] = core_name(acc, rec.core);
    bound[i] = fusion::cn_bound_by(rec, c);
    kernel[i] = c.kernel;
  }
  py::dict d;
  d["cn"] = array(cn);
  d["op"] = array(op);
  d["op_name"] = op_name;
  d["kind"] = kind;
  d["pass"] = pass;
  d["tile"] = array(tile);
  d["tiles"] = array(tiles);
  d["stack"] = array(stack);
  d["core"] = core_names;
  d["core_index"] = array(core);
  d["start_s"] = array(start);
  d["end_s"] = array(end);
  d["onchip_energy_pj"] = array(energy);
  d["compute_energy_pj"] = array(compute);
  d["macs"] = array(macs);
  d["refetch_dram_bytes"] = array(refetch);
  d["bound_by"] = bound;
  d["kernel"] = kernel;
  return d;
}

// One row per op that ran, in graph order (the rows of ops.csv, at full precision).
py::dict op_table(const Run& r) {
  const auto& g = r.sim->graph();
  const auto& acc = r.sim->accelerator();
  const std::vector<fusion::OpSpan> rows = fusion::op_spans(r.schedule, g, r.cns);
  std::vector<int64_t> op, stack, tiles;
  std::vector<double> start, end, macs, onchip, busy, energy, dram_read, dram_write, link,
      instructions;
  std::vector<std::string> name, kind, pass, block, core, bound, kernel;
  for (const auto& o : g.ops()) {
    const fusion::OpSpan& row = rows[o.id];
    if (row.core < 0) continue;
    op.push_back(o.id);
    name.push_back(o.name);
    kind.emplace_back(workloads::op_kind_name(o.kind));
    pass.emplace_back(workloads::pass_name(o.pass));
    block.push_back(o.block);
    stack.push_back(row.stack);
    core.push_back(core_name(acc, row.core));
    tiles.push_back(row.tiles);
    start.push_back(row.start_s);
    end.push_back(row.end_s);
    macs.push_back(row.macs);
    onchip.push_back(row.onchip_energy_pj);
    busy.push_back(row.busy_s);
    instructions.push_back(row.instructions);
    energy.push_back(row.energy_pj);
    dram_read.push_back(row.dram_read_bytes);
    dram_write.push_back(row.dram_write_bytes);
    link.push_back(row.link_bytes);
    bound.push_back(row.bound_by);
    kernel.push_back(row.kernel);
  }
  py::dict d;
  d["op"] = array(op);
  d["name"] = name;
  d["kind"] = kind;
  d["pass"] = pass;
  d["block"] = block;
  d["stack"] = array(stack);
  d["core"] = core;
  d["tiles"] = array(tiles);
  d["start_s"] = array(start);
  d["end_s"] = array(end);
  d["macs"] = array(macs);
  d["onchip_energy_pj"] = array(onchip);
  d["busy_s"] = array(busy);
  d["energy_pj"] = array(energy);
  d["dram_read_bytes"] = array(dram_read);
  d["dram_write_bytes"] = array(dram_write);
  d["link_bytes"] = array(link);
  d["bound_by"] = bound;
  d["kernel"] = kernel;
  d["instructions"] = array(instructions);
  return d;
}

py::dict transfer_table(const Run& r) {
  const auto& g = r.sim->graph();
  const auto& acc = r.sim->accelerator();
  const size_t n = r.schedule.transfers.size();
  std::vector<std::string> kind(n), resource(n), tensor(n), from(n), to(n);
  std::vector<double> bytes(n), start(n), end(n), energy(n);
  std::vector<int64_t> cn(n), op(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& t = r.schedule.transfers[i];
    kind[i] = fusion::transfer_kind_names().str(t.kind);
    resource[i] = t.kind == fusion::TransferKind::kLink ? "link " + acc.links.at(t.resource).name
                                                        : std::string("dram");
    tensor[i] = t.tensor >= 0 ? g.tensor(t.tensor).name : std::string();
    from[i] = core_name(acc, t.from_core);
    to[i] = core_name(acc, t.to_core);
    bytes[i] = t.bytes;
    start[i] = t.start_s;
    end[i] = t.end_s;
    energy[i] = t.energy_pj;
    cn[i] = t.cn;
    op[i] = t.cn >= 0 ? r.cns.cns.at(t.cn).op : -1;
  }
  py::dict d;
  d["kind"] = kind;
  d["resource"] = resource;
  d["tensor"] = tensor;
  d["from"] = from;
  d["to"] = to;
  d["bytes"] = array(bytes);
  d["start_s"] = array(start);
  d["end_s"] = array(end);
  d["energy_pj"] = array(energy);
  d["cn"] = array(cn);
  d["op"] = array(op);
  return d;
}

py::list memory_timelines(const Run& r) {
  py::list out;
  for (const auto& m : r.schedule.summary.memories) {
    std::vector<double> t, used;
    t.reserve(m.samples.size());
    used.reserve(m.samples.size());
    for (const auto& s : m.samples) {
      t.push_back(s.time_s);
      used.push_back(s.used_bytes);
    }
    py::dict d;
    d["name"] = m.name;
    d["capacity_bytes"] = m.capacity_bytes;
    d["peak_bytes"] = m.peak_bytes;
    d["time_s"] = array(t);
    d["used_bytes"] = array(used);
    out.append(d);
  }
  return out;
}

}  // namespace monet::python

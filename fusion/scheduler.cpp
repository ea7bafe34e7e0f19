#include "fusion/scheduler.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <queue>
#include <tuple>
#include <unordered_map>

#include "core/error.hpp"

namespace monet::fusion {

using workloads::Graph;

namespace {

struct Residence {
  int pool;
  double ready_s;
};

struct PieceState {
  double bytes = 0;
  bool in_dram = false;
  double dram_ready_s = 0;
  bool persistent = false;  // model state that lives in DRAM for the whole step
  // Space reserved in DRAM for the whole step even before the data exists: parameter
  // gradient buffers (frameworks keep .grad allocated across steps).
  bool dram_home = false;
  bool final_output = false;
  // An optimizer's updated parameter or state: written back over the old copy in DRAM, so it
  // moves bytes but takes no new space.
  bool in_place = false;
  bool alive = true;
  int remaining_reads = 0;
  int dram_fetches = 0;  // reads from DRAM onto a core so far (the 2nd and later re-fetch)
  double last_use_s = 0;
  int pinned_by = -1;                // CN currently using it
  bool preloaded = false;            // a parameter placed on chip before the run, never evicted
  int producer_stack = -1;           // stack of the CN that writes it
  bool read_by_later_stack = false;  // a CN of another stack reads it
  std::vector<Residence> at;
};

struct Pool {
  std::string name;
  double capacity = 0;
  double used = 0;
  std::vector<int> resident;
  MemoryTimeline timeline;
  double last_time = 0;
};

struct BandwidthResource {
  double free_s = 0;
  double bytes_per_s = 0;
  double energy_pj_per_bit = 0;
};

class Scheduler {
 public:
  Scheduler(const Graph& g, const FusionPlan& plan, const CnGraph& cns,
            const accelerators::Accelerator& acc, const ScheduleOptions& opt)
      : g_(g), plan_(plan), cg_(cns), acc_(acc), opt_(opt) {}

  Schedule run();

 private:
  void setup();
  void preload_weights();
  double dram_transfer(TransferKind kind, int tensor, double bytes, double earliest, int core);
  double link_transfer(int link, int tensor, double bytes, double earliest, int from, int to);
  double make_room(int pool, double bytes, double t, int cn);
  void add_to_pool(int piece, int pool, double ready_s, double t);
  void remove_from_pool(int piece, int pool, double t);
  void sample(Pool& p, double t);
  double bring(int piece, int core, double t, int cn);
  void release(int piece, double t);
  void dram_change(double delta, double t);
  void live_change(double delta);
  int find_link(int a, int b) const;

  const Graph& g_;
  const FusionPlan& plan_;
  const CnGraph& cg_;
  const accelerators::Accelerator& acc_;
  const ScheduleOptions& opt_;

  std::vector<PieceState> pieces_;
  std::vector<Pool> pools_;
  std::vector<int> pool_of_core_;
  BandwidthResource dram_;
  std::vector<BandwidthResource> links_;
  std::map<std::pair<int, int>, int> link_of_pair_;
  std::vector<int> dram_link_of_core_;           // a core's own path to DRAM (an AXI port), or -1
  std::unordered_map<int64_t, double> streams_;  // (piece, pool) → end of its last stream
  Schedule out_;
  MemoryTimeline dram_timeline_;
  double dram_used_ = 0, live_ = 0, dram_last_ = 0;
  int current_cn_ = -1;             // the CN being scheduled: transfers are charged to it
  double current_transfer_pj_ = 0;  // energy of the transfers it caused so far
};

int Scheduler::find_link(int a, int b) const {
  auto it = link_of_pair_.find({a, b});
  return it == link_of_pair_.end() ? -1 : it->second;
}

void Scheduler::setup() {
  // Pools: each core's top memory, or a shared level common to several cores.
  std::map<int, int> shared_pool;
  for (size_t c = 0; c < acc_.cores.size(); ++c) {
    const auto& core = acc_.cores[c];
    if (core.memories.empty()) throw core::Error("core '" + core.name + "' has no memory");
    const auto& top = core.memories.back();
    if (top.shared_index >= 0) {
      auto it = shared_pool.find(top.shared_index);
      if (it != shared_pool.end()) {
        pool_of_core_.push_back(it->second);
        continue;
      }
      shared_pool[top.shared_index] = static_cast<int>(pools_.size());
    }
    Pool p;
    p.name = top.shared_index >= 0 ? top.name : core.name + "." + top.name;
    p.capacity = top.size_bytes * static_cast<double>(std::max<int64_t>(1, top.instances));
    p.timeline.name = p.name;
    p.timeline.capacity_bytes = p.capacity;
    pool_of_core_.push_back(static_cast<int>(pools_.size()));
    pools_.push_back(std::move(p));
  }
  dram_.bytes_per_s = acc_.dram.timing_bytes_per_s();
  dram_link_of_core_.assign(acc_.cores.size(), -1);
  for (size_t l = 0; l < acc_.links.size(); ++l) {
    const auto& link = acc_.links[l];
    links_.push_back({0, link.bandwidth_bytes_per_s, link.energy_pj_per_bit});
    int a = acc_.find_core(link.from), b = acc_.find_core(link.to);
    if (a < 0 || b < 0) {
      // A core's own link to DRAM: its transfers also pass it (at its bandwidth).
      int c = a >= 0 ? a : b;
      if (c >= 0 && (link.from == "dram" || link.to == "dram"))
        dram_link_of_core_[c] = static_cast<int>(l);
      continue;
    }
    link_of_pair_[{a, b}] = static_cast<int>(l);
    if (link.bidirectional) link_of_pair_[{b, a}] = static_cast<int>(l);
  }
  dram_timeline_.name = "dram";
  dram_timeline_.capacity_bytes = acc_.dram.capacity_bytes;

  pieces_.resize(cg_.piece_bytes.size());
  for (const auto& t : g_.tensors()) {
    for (int p = 0; p < cg_.pieces_of_tensor[t.id]; ++p) {
      PieceState& s = pieces_[cg_.piece_offset[t.id] + p];
      s.bytes = cg_.piece_bytes[cg_.piece_offset[t.id] + p];
      s.persistent = t.producer < 0;
      s.final_output = t.producer >= 0 && t.consumers.empty();
      s.in_place = s.final_output && (t.kind == workloads::TensorKind::kParameter ||
                                      t.kind == workloads::TensorKind::kOptimizerState);
      s.dram_home = s.persistent || t.kind == workloads::TensorKind::kParamGradient;
      s.in_dram = s.persistent;
      if (s.dram_home) {
        dram_used_ += s.bytes;
        live_ += s.bytes;
      }
    }
  }
  for (const auto& cn : cg_.cns)
    for (const auto& r : cn.reads) ++pieces_[cg_.piece_index(r)].remaining_reads;
  for (const auto& cn : cg_.cns)
    for (const auto& w : cn.writes) pieces_[cg_.piece_index(w)].producer_stack = cn.stack;
  for (const auto& cn : cg_.cns)
    for (const auto& r : cn.reads) {
      auto& s = pieces_[cg_.piece_index(r)];
      if (s.producer_stack >= 0 && s.producer_stack != cn.stack) s.read_by_later_stack = true;
    }
  preload_weights();
  out_.summary.peak_footprint_bytes = live_;
  dram_change(0, 0);
}

// `weights: preloaded` cores: every parameter piece their CNs read is in their top memory at
// time 0 (the driver put it there before the run). Refused when they do not fit, as a
// compiler that keeps the weights on chip refuses such a model.
void Scheduler::preload_weights() {
  std::vector<double> preloaded(pools_.size(), 0);
  for (const auto& cn : cg_.cns) {
    if (cn.core < 0 || !acc_.cores[cn.core].execution.weights_preloaded) continue;
    const int pool = pool_of_core_[cn.core];
    for (const auto& r : cn.reads) {
      const int piece = cg_.piece_index(r);
      auto& s = pieces_[piece];
      if (s.preloaded || !s.persistent ||
          g_.tensor(r.tensor).kind != workloads::TensorKind::kParameter)
        continue;
      s.preloaded = true;
      preloaded[pool] += s.bytes;
      add_to_pool(piece, pool, 0, 0);
    }
  }
  for (size_t p = 0; p < pools_.size(); ++p)
    if (preloaded[p] > pools_[p].capacity + 1e-9)
      throw core::Error("weights preloaded into " + pools_[p].name + ": " +
                        std::to_string(static_cast<int64_t>(preloaded[p])) +
                        " bytes of parameters do not fit its " +
                        std::to_string(static_cast<int64_t>(pools_[p].capacity)) + " bytes");
}

void Scheduler::sample(Pool& p, double t) {
  p.last_time = std::max(p.last_time, t);
  p.timeline.peak_bytes = std::max(p.timeline.peak_bytes, p.used);
  if (opt_.keep_records) p.timeline.samples.push_back({p.last_time, p.used});
}

void Scheduler::dram_change(double delta, double t) {
  dram_used_ += delta;
  dram_last_ = std::max(dram_last_, t);
  dram_timeline_.peak_bytes = std::max(dram_timeline_.peak_bytes, dram_used_);
  if (opt_.keep_records) dram_timeline_.samples.push_back({dram_last_, dram_used_});
}

void Scheduler::live_change(double delta) {
  live_ += delta;
  out_.summary.peak_footprint_bytes = std::max(out_.summary.peak_footprint_bytes, live_);
}

double Scheduler::dram_transfer(TransferKind kind, int tensor, double bytes, double earliest,
                                int core) {
  if (bytes <= 0) return earliest;
  double start = std::max(earliest, dram_.free_s);
  double end = start + bytes / dram_.bytes_per_s;
  dram_.free_s = end;
  const int port = core >= 0 ? dram_link_of_core_[core] : -1;
  double transfer_pj = 0;  // DRAM and port energy
  if (port >= 0) {
    // Through the core's own port: the slower of the two sets the pace; the DRAM channel is
    // free again once its share is done, the port only when the last byte has crossed it.
    auto& l = links_[dram_link_of_core_[core]];
    start = std::max(start, l.free_s);
    end = start + bytes / std::min(dram_.bytes_per_s, l.bytes_per_s);
    dram_.free_s = start + bytes / dram_.bytes_per_s;
    l.free_s = end;
    const double port_pj = bytes * 8 * l.energy_pj_per_bit;
    out_.summary.energy.link_pj += port_pj;
    current_transfer_pj_ += port_pj;
    transfer_pj += port_pj;
  }
  bool write = kind == TransferKind::kDramWrite;
  double pj_per_bit = write ? acc_.dram.write_energy_pj_per_bit : acc_.dram.read_energy_pj_per_bit;
  const double pj = bytes * 8 * pj_per_bit;
  out_.summary.energy.dram_pj += pj;
  current_transfer_pj_ += pj;
  transfer_pj += pj;
  (write ? out_.summary.dram_write_bytes : out_.summary.dram_read_bytes) += bytes;
  if (kind == TransferKind::kRefetch) out_.summary.refetch_dram_bytes += bytes;
  ++out_.summary.transfer_count;
  out_.energy_spans.push_back({start, end, transfer_pj, kDramTrack});
  if (opt_.keep_records)
    out_.transfers.push_back({kind, port, tensor, write ? core : -1, write ? -1 : core, bytes,
                              start, end, transfer_pj, current_cn_});
  return end;
}

double Scheduler::link_transfer(int link, int tensor, double bytes, double earliest, int from,
                                int to) {
  auto& l = links_[link];
  double start = std::max(earliest, l.free_s);
  double end = start + bytes / l.bytes_per_s;
  l.free_s = end;
  const double pj = bytes * 8 * l.energy_pj_per_bit;
  out_.summary.energy.link_pj += pj;
  current_transfer_pj_ += pj;
  out_.summary.link_bytes += bytes;
  ++out_.summary.transfer_count;
  out_.energy_spans.push_back({start, end, pj, kLinkTrack});
  if (opt_.keep_records)
    out_.transfers.push_back(
        {TransferKind::kLink, link, tensor, from, to, bytes, start, end, pj, current_cn_});
  return end;
}

void Scheduler::add_to_pool(int piece, int pool, double ready_s, double t) {
  auto& p = pools_[pool];
  p.used += pieces_[piece].bytes;
  p.resident.push_back(piece);
  pieces_[piece].at.push_back({pool, ready_s});
  sample(p, t);
}

void Scheduler::remove_from_pool(int piece, int pool, double t) {
  auto& p = pools_[pool];
  auto it = std::find(p.resident.begin(), p.resident.end(), piece);
  if (it == p.resident.end()) return;
  *it = p.resident.back();
  p.resident.pop_back();
  p.used -= pieces_[piece].bytes;
  if (p.used < 1e-6) p.used = 0;
  auto& at = pieces_[piece].at;
  at.erase(std::remove_if(at.begin(), at.end(), [&](const Residence& r) { return r.pool == pool; }),
           at.end());
  sample(p, t);
}

// Frees space for `bytes` in `pool` by evicting least-recently used pieces not in use by
// `cn`; dirty victims are written back first. Returns when the space is available, or a
// negative value if the bytes can never fit.
double Scheduler::make_room(int pool, double bytes, double t, int cn) {
  auto& p = pools_[pool];
  if (bytes > p.capacity) return -1;
  double available = t;
  while (p.used + bytes > p.capacity + 1e-9) {
    int victim = -1;
    for (int r : p.resident) {
      const auto& s = pieces_[r];
      if (s.pinned_by == cn || s.preloaded) continue;
      if (victim < 0 || s.last_use_s < pieces_[victim].last_use_s) victim = r;
    }
    if (victim < 0) return -1;
    auto& v = pieces_[victim];
    double ready = t;
    for (auto& r : v.at)
      if (r.pool == pool) ready = std::max(ready, r.ready_s);
    bool elsewhere_on_chip = v.at.size() > 1;
    if (!v.in_dram && !elsewhere_on_chip) {
      // Spill: the only copy goes to DRAM before its space is reused.
      int tensor = cg_.piece_tensor[victim];
      double end = dram_transfer(TransferKind::kDramWrite, tensor, v.bytes, ready, -1);
      v.in_dram = true;
      v.dram_ready_s = end;
      if (!v.dram_home) dram_change(v.bytes, end);
      available = std::max(available, end);
    }
    remove_from_pool(victim, pool, available);
  }
  return available;
}

// Makes `piece` available in `core`'s pool; returns the time it is there.
double Scheduler::bring(int piece, int core, double t, int cn) {
  auto& s = pieces_[piece];
  int pool = pool_of_core_[core];
  for (auto& r : s.at)
    if (r.pool == pool) return r.ready_s;
  int tensor = cg_.piece_tensor[piece];
  double room = make_room(pool, s.bytes, t, cn);
  bool fits = room >= 0;
  double earliest = fits ? room : t;
  // A piece too large for the pool streams through it. Readers on cores sharing the pool
  // that start while such a stream is still in flight take the same blocks as they pass
  // (a GPU's SMs sharing weight tiles through the L2); a later reader streams again.
  const int64_t stream_key = static_cast<int64_t>(piece) * 1024 + pool;
  if (!fits) {
    auto it = streams_.find(stream_key);
    if (it != streams_.end() && t < it->second) return it->second;
  }
  double arrival;
  // Prefer a direct link from a core holding the piece.
  int via = -1, from_core = -1;
  double from_ready = 0;
  for (auto& r : s.at)
    for (size_t c = 0; c < acc_.cores.size() && via < 0; ++c)
      if (pool_of_core_[c] == r.pool) {
        int l = find_link(static_cast<int>(c), core);
        if (l >= 0) via = l, from_core = static_cast<int>(c), from_ready = r.ready_s;
      }
  if (via >= 0) {
    arrival = link_transfer(via, tensor, s.bytes, std::max(earliest, from_ready), from_core, core);
  } else {
    if (!s.in_dram) {
      // On another core with no link: write it back through DRAM first.
      double ready = t;
      for (auto& r : s.at) ready = std::max(ready, r.ready_s);
      double end = dram_transfer(TransferKind::kDramWrite, tensor, s.bytes, ready, -1);
      s.in_dram = true;
      s.dram_ready_s = end;
      if (!s.dram_home) dram_change(s.bytes, end);
    }
    // Data already fetched once and fetched again (weights read by every tile of a stack, a
    // halo piece shared by neighbouring tiles, a piece evicted before its last reader) is a
    // re-fetch: the traffic that grows with the tile count.
    if (s.dram_fetches++ > 0) out_.summary.refetch_dram_bytes += s.bytes;
    arrival = dram_transfer(TransferKind::kDramRead, tensor, s.bytes,
                            std::max(earliest, s.dram_ready_s), core);
  }
  if (fits)
    add_to_pool(piece, pool, arrival, earliest);
  else
    streams_[stream_key] = arrival;
  return arrival;
}

void Scheduler::release(int piece, double t) {
  auto& s = pieces_[piece];
  if (--s.remaining_reads > 0 || s.final_output) return;
  while (!s.at.empty()) remove_from_pool(piece, s.at.back().pool, t);
  if (s.dram_home) return;
  if (s.in_dram) dram_change(-s.bytes, t);
  live_change(-s.bytes);
  s.alive = false;
}

Schedule Scheduler::run() {
  setup();
  const auto& cns = cg_.cns;
  const size_t n = cns.size();
  std::vector<int> indegree(n, 0);
  std::vector<std::vector<int>> succ(n);
  for (const auto& cn : cns)
    for (int p : cn.preds) {
      ++indegree[cn.id];
      succ[p].push_back(cn.id);
    }
  // Priority: stack order, then tile (depth-first through a fused stack), then op order.
  using Key = std::tuple<int, int, int>;
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> ready;
  for (const auto& cn : cns)
    if (indegree[cn.id] == 0) ready.push({cn.stack, cn.tile, cn.id});
  std::vector<double> end_of(n, 0), core_free(acc_.cores.size(), 0);
  // The host launches one kernel per stack (a fused stack is one kernel) in stack order,
  // each taking the launch time of its core; a kernel cannot start before it is launched.
  std::vector<double> launched(plan_.stacks.size(), 0);
  {
    double host = 0;
    for (size_t st = 0; st < plan_.stacks.size(); ++st) {
      double cost = 0;
      for (int op : plan_.stacks[st].ops)
        cost = std::max(cost, acc_.cores[plan_.core_of_op[op]].execution.launch_s);
      if (cost > 0) {
        host += cost;
        ++out_.summary.launches;
      }
      launched[st] = host;
    }
  }
  std::vector<bool> ran(acc_.cores.size(), false);
  out_.summary.core_busy_s.assign(acc_.cores.size(), 0);
  out_.summary.core_instructions.assign(acc_.cores.size(), 0);
  if (opt_.keep_records) out_.cns.reserve(n);
  size_t done = 0;
  double makespan = 0;
  while (!ready.empty()) {
    auto [stack, tile, id] = ready.top();
    ready.pop();
    const CN& cn = cns[id];
    current_cn_ = id;
    current_transfer_pj_ = 0;
    // Identical cores share an op's tiles: take the one free first.
    int core = cn.core;
    if (cn.op < static_cast<int>(plan_.core_choices.size())) {
      const auto& choices = plan_.core_choices[cn.op];
      // Only CNs placed on one of the op's cores may move (not, say, CIM reprogramming).
      if (std::find(choices.begin(), choices.end(), core) != choices.end())
        for (int c : choices)
          if (core_free[c] < core_free[core]) core = c;
    }
    const auto& exec = acc_.cores[core].execution;
    const bool in_order = exec.overlap == accelerators::Overlap::kNone;
    double t0 = core_free[core];
    for (int p : cn.preds) t0 = std::max(t0, end_of[p]);
    if (exec.launch_s > 0 && cn.stack >= 0) t0 = std::max(t0, launched[cn.stack]);
    ran[core] = true;
    for (const auto& r : cn.reads) pieces_[cg_.piece_index(r)].pinned_by = cn.id;
    for (const auto& w : cn.writes) pieces_[cg_.piece_index(w)].pinned_by = cn.id;
    double start = t0;
    for (const auto& r : cn.reads)
      start = std::max(start, bring(cg_.piece_index(r), core, t0, cn.id));
    // Output pieces take space from the start of the CN; too large ones stream to DRAM.
    const int pool = pool_of_core_[core];
    std::vector<int> reserved;
    for (const auto& w : cn.writes) {
      int piece = cg_.piece_index(w);
      // `stack_outputs: dram`: what a later stack reads is stored and loaded again.
      if (exec.stack_outputs_to_dram && pieces_[piece].read_by_later_stack) continue;
      double room = make_room(pool, pieces_[piece].bytes, start, cn.id);
      if (room < 0) continue;
      start = std::max(start, room);
      add_to_pool(piece, pool, std::numeric_limits<double>::infinity(), start);
      reserved.push_back(piece);
    }
    double end = start + cn.duration_s;
    double core_done = end;
    // In-order cores wait for their own transfers (the re-reads after the compute that
    // needed them, as far as timing goes); others overlap them with compute.
    if (cn.refetch_dram_bytes > 0) {
      if (in_order)
        core_done = dram_transfer(TransferKind::kRefetch, -1, cn.refetch_dram_bytes, end, core);
      else
        end = std::max(
            end, dram_transfer(TransferKind::kRefetch, -1, cn.refetch_dram_bytes, start, core));
      core_done = std::max(core_done, end);
    }
    for (const auto& w : cn.writes) {
      int piece = cg_.piece_index(w);
      auto& s = pieces_[piece];
      if (!s.in_place && !s.dram_home) live_change(s.bytes);
      s.last_use_s = end;
      bool on_chip = std::find(reserved.begin(), reserved.end(), piece) != reserved.end();
      if (on_chip)
        for (auto& r : s.at)
          if (r.pool == pool) r.ready_s = end;
      if (!on_chip || s.final_output) {
        double e = dram_transfer(TransferKind::kDramWrite, w.tensor, s.bytes, end, core);
        s.in_dram = true;
        s.dram_ready_s = e;
        if (!s.in_place && !s.dram_home) dram_change(s.bytes, e);
        makespan = std::max(makespan, e);
        if (in_order) core_done = std::max(core_done, e);
      }
    }
    for (const auto& r : cn.reads) {
      int piece = cg_.piece_index(r);
      pieces_[piece].last_use_s = end;
      pieces_[piece].pinned_by = -1;
      release(piece, end);
    }
    for (const auto& w : cn.writes) pieces_[cg_.piece_index(w)].pinned_by = -1;
    core_free[core] = core_done;
    end_of[id] = end;
    makespan = std::max(makespan, end);
    out_.summary.core_busy_s[core] += cn.duration_s;
    out_.summary.core_instructions[core] += cn.instructions;
    out_.summary.energy.compute_pj += cn.compute_energy_pj;
    out_.summary.energy.onchip_memory_pj += cn.energy_pj - cn.compute_energy_pj;
    out_.energy_spans.push_back({start, end, cn.compute_energy_pj, core, false});
    out_.energy_spans.push_back({start, end, cn.energy_pj - cn.compute_energy_pj, core, true});
    const auto pass = std::string(workloads::pass_name(g_.op(cn.op).pass));
    auto [it, fresh] = out_.summary.phases.try_emplace(pass, PhaseTime{0, start, end});
    it->second.busy_s += cn.duration_s;
    it->second.energy_pj += cn.energy_pj + current_transfer_pj_;
    it->second.start_s = std::min(it->second.start_s, start);
    it->second.end_s = std::max(it->second.end_s, end);
    if (opt_.keep_records) out_.cns.push_back({cn.id, cn.op, cn.tile, core, start, end});
    ++done;
    for (int s : succ[id])
      if (--indegree[s] == 0) ready.push({cns[s].stack, cns[s].tile, s});
  }
  if (done != n) throw core::Error("CN graph has a dependency cycle");
  // Host/driver time per invocation, once per core group that ran work; reported apart.
  std::vector<std::string> groups;
  for (size_t c = 0; c < acc_.cores.size(); ++c)
    if (ran[c] && acc_.cores[c].execution.host_s > 0 &&
        std::find(groups.begin(), groups.end(), acc_.cores[c].group) == groups.end()) {
      groups.push_back(acc_.cores[c].group);
      out_.summary.host_s += acc_.cores[c].execution.host_s;
    }

  auto& sum = out_.summary;
  sum.latency_s = std::max({makespan, dram_.free_s});
  for (auto& l : links_) sum.latency_s = std::max(sum.latency_s, l.free_s);
  for (auto& c : acc_.cores) sum.reference_clock_hz = std::max(sum.reference_clock_hz, c.clock_hz);
  sum.latency_cycles = sum.latency_s * sum.reference_clock_hz;
  for (double busy : sum.core_busy_s)
    sum.core_utilization.push_back(sum.latency_s > 0 ? busy / sum.latency_s : 0);
  for (auto& p : pools_) {
    sum.peak_onchip_bytes = std::max(sum.peak_onchip_bytes, p.timeline.peak_bytes);
    sum.memories.push_back(std::move(p.timeline));
  }
  sum.peak_dram_bytes = dram_timeline_.peak_bytes;
  sum.capacity_violation_bytes = std::max(0.0, sum.peak_dram_bytes - acc_.dram.capacity_bytes);
  sum.memories.push_back(std::move(dram_timeline_));
  sum.cn_count = n;
  sum.power = power_summary(out_.energy_spans, sum.latency_s, accelerators::static_power(acc_));
  sum.power.budget_w = acc_.power_budget_w;
  if (!opt_.keep_records) out_.energy_spans.clear();
  return std::move(out_);
}

}  // namespace

Schedule schedule(const Graph& g, const FusionPlan& plan, const CnGraph& cns,
                  const accelerators::Accelerator& acc, const ScheduleOptions& options) {
  Schedule s = Scheduler(g, plan, cns, acc, options).run();
  s.summary.fallbacks = plan.fallbacks;
  return s;
}

}  // namespace monet::fusion

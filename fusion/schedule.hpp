// Results of scheduling one step: per-CN and per-transfer timing, memory timelines, and the
// summary. Times are seconds from the start of the step; energy in pJ; sizes in bytes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fusion/fallback.hpp"
#include "fusion/power.hpp"

namespace monet::fusion {

struct CnRecord {
  int cn = -1;
  int op = -1;
  int tile = 0;
  int core = -1;
  double start_s = 0;
  double end_s = 0;
};

enum class TransferKind { kDramRead, kDramWrite, kLink, kRefetch };

struct TransferRecord {
  TransferKind kind = TransferKind::kDramRead;
  // Link index for kLink; for DRAM transfers -1, or the link of the core's own DRAM port
  // when it has one (the transfer then also pays that link's energy per bit).
  int resource = -1;
  int tensor = -1;
  int from_core = -1;  // -1 = DRAM
  int to_core = -1;    // -1 = DRAM
  double bytes = 0;
  double start_s = 0;
  double end_s = 0;
  double energy_pj = 0;
  // The CN whose scheduling caused it: its input reads and output writes, the spills that made
  // room for it, its refetches. Every transfer has one.
  int cn = -1;
};

struct MemorySample {
  double time_s = 0;
  double used_bytes = 0;
};

struct MemoryTimeline {
  std::string name;  // "<core>.<level>", a shared level's name, or "dram"
  double capacity_bytes = 0;
  double peak_bytes = 0;
  std::vector<MemorySample> samples;  // occupancy after each change, time-ordered
};

struct EnergySummary {
  double compute_pj = 0;        // MAC, vector and CIM periphery (ADC/DAC/cell writes)
  double onchip_memory_pj = 0;  // every on-chip memory level
  double link_pj = 0;           // core-to-core links
  double dram_pj = 0;           // off-chip transfers
  double total_pj() const { return compute_pj + onchip_memory_pj + link_pj + dram_pj; }
};

struct PhaseTime {
  double busy_s = 0;   // sum of CN durations in the phase, over all cores
  double start_s = 0;  // first CN start
  double end_s = 0;    // last CN end
  // On-chip energy of the phase's CNs plus the DRAM and link energy of the transfers they
  // caused (TransferRecord::cn): the phases' energies add up to the total.
  double energy_pj = 0;
};

struct Summary {
  double latency_s = 0;
  double latency_cycles = 0;  // at the reference clock (fastest core)
  double reference_clock_hz = 0;
  EnergySummary energy;
  std::vector<MemoryTimeline> memories;  // peaks live here too (samples dropped in summaries)
  double peak_onchip_bytes = 0;          // max over on-chip memories
  double peak_dram_bytes = 0;            // data resident in DRAM (persistent + spilled)
  double peak_footprint_bytes = 0;       // every live byte wherever it is
  double dram_read_bytes = 0;
  double dram_write_bytes = 0;
  // Of dram_read_bytes: data read again — tensor pieces fetched from DRAM a second time or more
  // (weights re-read by each tile, shared halo pieces, evicted pieces) and the mapping's
  // re-reads within a tile (CN::refetch_dram_bytes).
  double refetch_dram_bytes = 0;
  double link_bytes = 0;
  std::vector<double> core_busy_s;          // per core
  std::vector<double> core_instructions;    // per core: instructions issued (execution.issue)
  std::vector<double> core_utilization;     // busy / latency
  std::map<std::string, PhaseTime> phases;  // by pass name
  double capacity_violation_bytes = 0;      // DRAM capacity overflow (0 = fits)
  std::vector<Fallback> fallbacks;          // the plan's allocation fall-backs
  // Host/driver time per invocation (execution.host of the cores that ran), not part of
  // latency_s: compare latency_s with bare-metal figures, latency_s + host_s with timings
  // around a driver call.
  double host_s = 0;
  size_t launches = 0;  // kernel launches (stacks on cores with a launch time)
  size_t cn_count = 0;
  size_t transfer_count = 0;
  PowerSummary power;  // dynamic + static energy and power at the supply
};

struct Schedule {
  std::vector<CnRecord> cns;
  std::vector<TransferRecord> transfers;
  std::vector<EnergySpan> energy_spans;  // dynamic energy over time (kept with the records)
  Summary summary;
};

}  // namespace monet::fusion

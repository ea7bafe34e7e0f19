// Output documents of a run: summary.json (schema monet.summary/1, documented in
// configs/experiments/README.md), a Chrome/Perfetto trace, memory.csv and ops.csv.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "accelerators/accelerator.hpp"
#include "fusion/cn.hpp"
#include "fusion/schedule.hpp"

namespace monet::fusion {

inline constexpr const char* kSummarySchema = "monet.summary/1";

nlohmann::json summary_json(const Summary& s, const accelerators::Accelerator& acc);
// summary.json's `power` object (also used by episode and generation summaries).
nlohmann::json power_json(const PowerSummary& p);
// Chrome trace-event JSON: one track per core (slices carry op, pass, tile, MACs, bytes, energy
// and what bounds them), per link and for the DRAM channel, and one counter track per memory.
nlohmann::json trace_json(const Schedule& s, const workloads::Graph& g, const CnGraph& cns,
                          const accelerators::Accelerator& acc);
std::string memory_csv(const Summary& s);
// power.csv: dynamic power per core (compute and memories), DRAM and links per window, the
// static and the supply power; a first `#` line states the peak and its window.
std::string power_csv(const Schedule& s, const accelerators::Accelerator& acc);

// What bounds one scheduled CN: its cost's bound (compute, a memory level's bandwidth, ...),
// or "dram bandwidth" when its refetch transfer outlasted the on-chip work.
std::string cn_bound_by(const CnRecord& record, const CN& cn);

// Per op (index = op id): the span of its tiles and their sums; core < 0 when it never ran.
// Transfers count for the op whose CN caused them (TransferRecord::cn).
struct OpSpan {
  double start_s = 1e300, end_s = 0, onchip_energy_pj = 0, macs = 0;
  double busy_s = 0;        // its CNs' durations summed
  double instructions = 0;  // issued by its CNs (CN::instructions)
  double energy_pj = 0;     // on-chip energy + the DRAM and link energy of its transfers
  double dram_read_bytes = 0, dram_write_bytes = 0, link_bytes = 0;
  std::string bound_by;  // the bound of most of its CN time (cn_bound_by)
  std::string kernel;    // its CNs' GPU kernel (CN::kernel)
  int tiles = 0, core = -1, stack = -1;
};
std::vector<OpSpan> op_spans(const Schedule& s, const workloads::Graph& g, const CnGraph& cns);
std::string ops_csv(const Schedule& s, const workloads::Graph& g, const CnGraph& cns,
                    const accelerators::Accelerator& acc);
// Memories whose peak exceeds their capacity (DRAM when the data does not fit; an on-chip
// memory only if the scheduler could not spill). A run with any is not feasible.
struct OverCapacity {
  std::string memory;
  double peak_bytes = 0, capacity_bytes = 0;
  double excess_bytes() const { return peak_bytes - capacity_bytes; }
};
std::vector<OverCapacity> over_capacity(const Summary& s);
// One line per warning (no "warning:" prefix): memories over capacity, then allocation
// fall-backs. The CLI prints them on stderr; summary_text lists them too.
std::vector<std::string> summary_warnings(const Summary& s);
// The warning of a run whose average power exceeds its budget; none within it or without one.
std::optional<std::string> power_warning(const PowerSummary& p);
// The text summary's power lines: average and peak, supply energy and its parts, the budget,
// and a note when the accelerator states no static power.
std::string power_text(const PowerSummary& p);
// A readable multi-line summary for terminals.
std::string summary_text(const Summary& s, const accelerators::Accelerator& acc);
// The `n` ops with the longest busy time as a text table: time, share of the latency, energy,
// DRAM bytes, what bounds them.
std::string top_ops_text(const Schedule& s, const workloads::Graph& g, const CnGraph& cns,
                         const accelerators::Accelerator& acc, size_t n);

}  // namespace monet::fusion

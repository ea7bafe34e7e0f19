// Output documents of a run: summary.json (schema monet.summary/1, documented in
// configs/experiments/README.md), a Chrome/Perfetto trace, memory.csv and ops.csv.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "accelerators/accelerator.hpp"
#include "fusion/cn.hpp"
#include "fusion/schedule.hpp"

namespace monet::fusion {

inline constexpr const char* kSummarySchema = "monet.summary/1";

nlohmann::json summary_json(const Summary& s, const accelerators::Accelerator& acc);
// Chrome trace-event JSON: one track per core, per link and for the DRAM channel.
nlohmann::json trace_json(const Schedule& s, const workloads::Graph& g,
                          const accelerators::Accelerator& acc);
std::string memory_csv(const Summary& s);

// Per op (index = op id): the span of its tiles and their sums; core < 0 when it never ran.
struct OpSpan {
  double start_s = 1e300, end_s = 0, onchip_energy_pj = 0, macs = 0;
  int tiles = 0, core = -1, stack = -1;
};
std::vector<OpSpan> op_spans(const Schedule& s, const workloads::Graph& g, const CnGraph& cns);
std::string ops_csv(const Schedule& s, const workloads::Graph& g, const CnGraph& cns,
                    const accelerators::Accelerator& acc);
// A readable multi-line summary for terminals.
std::string summary_text(const Summary& s, const accelerators::Accelerator& acc);

}  // namespace monet::fusion

#include "mapping/hierarchy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "mapping/cost.hpp"

namespace monet::mapping {

double dram_bits_per_cycle(const accelerators::Accelerator& acc, const accelerators::Core& core) {
  if (acc.dram.timing_bytes_per_s() <= 0 || core.clock_hz <= 0) return 0;
  double bw = acc.dram.timing_bytes_per_s();
  // A link between the core and "dram" is the core's own port to it (e.g. an FPGA
  // accelerator's AXI masters): no faster than that port.
  for (const auto& l : acc.links)
    if (((l.from == core.name || l.from == core.group) && l.to == "dram") ||
        ((l.to == core.name || l.to == core.group) && l.from == "dram"))
      if (l.bandwidth_bytes_per_s > 0) bw = std::min(bw, l.bandwidth_bytes_per_s);
  return bw * 8.0 / core.clock_hz;
}

namespace detail {

std::vector<accelerators::ArrayDim> effective_array(const accelerators::Core& core) {
  if (core.kind != accelerators::CoreKind::kSimd || !core.array.empty()) return core.array;
  accelerators::ArrayDim lanes;
  lanes.name = "lanes";
  lanes.size = std::max<int64_t>(1, static_cast<int64_t>(std::floor(core.vector_ops_per_cycle)));
  lanes.unrolls = {"K", "OX", "C", "OY", "B", "G"};
  return {lanes};
}

Hierarchy make_hierarchy(const accelerators::Accelerator& acc, const accelerators::Core& core,
                         const std::vector<accelerators::ArrayDim>& array) {
  if (core.memories.size() + 1 > static_cast<size_t>(kMaxLevels))
    throw core::Error("core '" + core.name + "' has " + std::to_string(core.memories.size()) +
                      " memory levels; the mapper supports at most " +
                      std::to_string(kMaxLevels - 1));
  Hierarchy h;
  h.execution = core.execution;
  for (const auto& m : core.memories) {
    // A shared level (GPU L2) appears in each core as a full copy, its rate already in this
    // core's cycles; standalone, one core has all of its bandwidth.
    Level l;
    l.name = m.name;
    l.capacity_bits = m.size_bytes * 8.0;
    l.read_bits_per_cycle = m.read_bits_per_cycle * std::max(1, m.read_ports);
    l.write_bits_per_cycle = m.write_bits_per_cycle * std::max(1, m.write_ports);
    l.read_pj_per_bit = m.read_energy_pj_per_bit;
    l.write_pj_per_bit = m.write_energy_pj_per_bit;
    l.holds = m.holds;
    l.min_access_bits = m.min_access_bits;
    l.instances = 1;
    l.serves.assign(array.size(), false);
    for (size_t a = 0; a < array.size(); ++a) {
      // `per_pe` (YAML `serves: []`): a private copy per PE; no list: spans every dim.
      l.serves[a] = !m.per_pe &&
                    (m.served_dims.empty() || std::find(m.served_dims.begin(), m.served_dims.end(),
                                                        array[a].name) != m.served_dims.end());
      // A level that does not span an array dim is replicated along it.
      if (!l.serves[a]) l.instances *= static_cast<double>(array[a].size);
    }
    h.levels.push_back(std::move(l));
  }
  Level d;
  d.name = "dram";
  d.is_dram = true;
  d.capacity_bits = std::numeric_limits<double>::infinity();
  d.read_bits_per_cycle = d.write_bits_per_cycle = dram_bits_per_cycle(acc, core);
  d.read_pj_per_bit = acc.dram.read_energy_pj_per_bit;
  d.write_pj_per_bit = acc.dram.write_energy_pj_per_bit;
  d.min_access_bits = acc.dram.min_access_bits;
  d.serves.assign(array.size(), true);
  h.levels.push_back(std::move(d));
  for (int x = 0; x < 3; ++x)
    for (int i = 0; i < static_cast<int>(h.levels.size()); ++i)
      if (h.levels[i].holds[x]) h.chain[x].push_back(i);
  return h;
}

}  // namespace detail
}  // namespace monet::mapping

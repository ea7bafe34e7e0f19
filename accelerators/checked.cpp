#include "accelerators/checked.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "accelerators/cim_rules.hpp"
#include "accelerators/tlmm_rules.hpp"
#include "core/error.hpp"

namespace monet::accelerators {

namespace {

class Checker {
 public:
  explicit Checker(const Accelerator& a)
      : where_{"<accelerator '" + a.name + "' edited in code>", 0} {}

  void positive(const std::string& field, double v) {
    if (!(v > 0) || !std::isfinite(v)) add(field, v, "must be positive");
  }
  void non_negative(const std::string& field, double v) {
    if (!(v >= 0) || !std::isfinite(v)) add(field, v, "must not be negative");
  }
  void at_least_one(const std::string& field, int64_t v) {
    if (v < 1) add(field, static_cast<double>(v), "must be at least 1");
  }
  void add(const std::string& field, double v, const std::string& rule) {
    std::ostringstream s;
    s << v;
    issues_.add(where_, field, s.str(), rule);
  }
  void add(const std::string& field, const std::string& v, const std::string& rule) {
    issues_.add(where_, field, v, rule);
  }
  void throw_if_any() const { issues_.throw_if_any(); }

 private:
  core::Location where_;
  core::IssueList issues_;
};

void check_cim(Checker& ck, const std::string& at, const CimSpec& c) {
  for (const auto& broken : cim_rule_breaks(c))
    ck.add(at + "." + broken.field, broken.value, broken.rule);
}

void check_level_values(Checker& ck, const std::string& at, const MemoryLevel& m) {
  ck.positive(at + ".size_bytes", m.size_bytes);
  ck.at_least_one(at + ".read_ports", m.read_ports);
  ck.at_least_one(at + ".write_ports", m.write_ports);
  ck.non_negative(at + ".read_energy_pj_per_bit", m.read_energy_pj_per_bit);
  ck.non_negative(at + ".write_energy_pj_per_bit", m.write_energy_pj_per_bit);
  ck.non_negative(at + ".min_access_bits", m.min_access_bits);
  ck.non_negative(at + ".leakage_w_per_byte", m.leakage_w_per_byte);
  if (!m.holds[0] && !m.holds[1] && !m.holds[2])
    ck.add(at + ".holds", "[]", "a memory must hold at least one of I, W, O");
}

void derive_private_level(Checker& ck, const std::string& at, const Core& core, MemoryLevel& m) {
  check_level_values(ck, at, m);
  ck.non_negative(at + ".read_bits_per_cycle", m.read_bits_per_cycle);
  ck.non_negative(at + ".write_bits_per_cycle", m.write_bits_per_cycle);
  m.read_bytes_per_s = m.read_bits_per_cycle * core.clock_hz / 8;
  m.write_bytes_per_s = m.write_bits_per_cycle * core.clock_hz / 8;
  m.instances = 1;
  for (const auto& d : core.array) {
    bool served =
        std::find(m.served_dims.begin(), m.served_dims.end(), d.name) != m.served_dims.end();
    if (m.per_pe || (!m.served_dims.empty() && !served)) m.instances *= d.size;
  }
  for (const auto& s : m.served_dims)
    if (std::none_of(core.array.begin(), core.array.end(), [&](auto& d) { return d.name == s; }))
      ck.add(at + ".served_dims", s, "not an array dimension of this core");
}
}  // namespace

Accelerator checked_accelerator(const Accelerator& in) {
  Accelerator a = in;
  Checker ck(a);
  if (a.cores.empty()) ck.add("cores", "[]", "an accelerator needs at least one core");
  for (size_t s = 0; s < a.shared_memories.size(); ++s) {
    const std::string at = "shared_memories[" + std::to_string(s) + "]";
    check_level_values(ck, at, a.shared_memories[s]);
    ck.non_negative(at + ".read_bytes_per_s", a.shared_memories[s].read_bytes_per_s);
    ck.non_negative(at + ".write_bytes_per_s", a.shared_memories[s].write_bytes_per_s);
  }
  for (size_t c = 0; c < a.cores.size(); ++c) {
    Core& core = a.cores[c];
    const std::string at = "cores[" + std::to_string(c) + "]";
    ck.positive(at + ".clock_hz", core.clock_hz);
    ck.at_least_one(at + ".precision_bits", core.precision_bits);
    ck.non_negative(at + ".mac_energy_pj", core.mac_energy_pj);
    ck.non_negative(at + ".vector_ops_per_cycle", core.vector_ops_per_cycle);
    ck.non_negative(at + ".vector_op_energy_pj", core.vector_op_energy_pj);
    ck.non_negative(at + ".static_power_w", core.static_power_w);
    const auto& ex = core.execution;
    ck.non_negative(at + ".execution.issue_cycles", ex.issue_cycles);
    ck.non_negative(at + ".execution.launch_s", ex.launch_s);
    ck.non_negative(at + ".execution.host_s", ex.host_s);
    ck.non_negative(at + ".execution.channels_per_vector", ex.channels_per_vector);
    ck.non_negative(at + ".execution.stationary_load.cycles", ex.stationary_load.cycles);
    ck.non_negative(at + ".execution.stationary_load.fill_cycles", ex.stationary_load.fill_cycles);
    ck.non_negative(at + ".execution.stationary_load.energy_pj", ex.stationary_load.energy_pj);
    for (size_t b = 0; b < ex.blocks.size(); ++b) {
      const std::string bat = at + ".execution.blocks[" + std::to_string(b) + "]";
      ck.at_least_one(bat + ".rows", ex.blocks[b].rows);
      ck.at_least_one(bat + ".cols", ex.blocks[b].cols);
      ck.at_least_one(bat + ".blocks_per_sm", ex.blocks[b].blocks_per_sm);
    }
    ck.non_negative(at + ".execution.partial_sum_bits", ex.partial_sum_bits);
    for (size_t r = 0; r < ex.rates.size(); ++r) {
      ck.positive(at + ".execution.rates[" + std::to_string(r) + "].macs_per_cycle",
                  ex.rates[r].macs_per_cycle);
      ck.at_least_one(at + ".execution.rates[" + std::to_string(r) + "].bits", ex.rates[r].bits);
    }
    if (!ex.rates.empty() && !core.rate_for(core.precision_bits))
      ck.add(at + ".execution.rates", static_cast<double>(core.precision_bits),
             "no rate for the core's own precision");
    if (core.kind == CoreKind::kTlmm)
      for (const auto& broken : tlmm_rule_breaks(core.tlmm))
        ck.add(at + ".tlmm." + broken.field, broken.value, broken.rule);
    if (core.kind == CoreKind::kCim) {
      check_cim(ck, at + ".cim", core.cim);
      if (auto rule = cim_adder_rule_break(core); !rule.empty())
        ck.add(at + ".vector_ops_per_cycle", core.vector_ops_per_cycle, rule);
      core.array = cim_array(core.cim);
    }
    if ((core.kind == CoreKind::kArray || core.kind == CoreKind::kGpuSm) && core.array.empty())
      ck.add(at + ".array", "[]", "array and gpu-sm cores need at least one array dimension");
    for (size_t d = 0; d < core.array.size(); ++d)
      ck.at_least_one(at + ".array[" + std::to_string(d) + "].size", core.array[d].size);
    if (core.memories.empty()) ck.add(at + ".memories", "[]", "a core needs at least one memory");
    for (size_t l = 0; l < core.memories.size(); ++l) {
      MemoryLevel& m = core.memories[l];
      const std::string lat = at + ".memories[" + std::to_string(l) + "]";
      if (m.shared_index < 0) {
        derive_private_level(ck, lat, core, m);
        continue;
      }
      if (m.shared_index >= static_cast<int>(a.shared_memories.size())) {
        ck.add(lat + ".shared_index", m.shared_index, "no such shared memory");
        continue;
      }
      // Same conversion as the loader (accelerators/parse_memory.cpp).
      const int index = m.shared_index, line = m.line;
      m = a.shared_memories[index];
      m.shared_index = index;
      m.line = line;
      if (core.clock_hz > 0) {
        m.read_bits_per_cycle = m.read_bytes_per_s * 8 / core.clock_hz;
        m.write_bits_per_cycle = m.write_bytes_per_s * 8 / core.clock_hz;
      }
    }
  }
  for (size_t l = 0; l < a.links.size(); ++l) {
    const std::string at = "links[" + std::to_string(l) + "]";
    ck.non_negative(at + ".bandwidth_bytes_per_s", a.links[l].bandwidth_bytes_per_s);
    ck.non_negative(at + ".energy_pj_per_bit", a.links[l].energy_pj_per_bit);
  }
  ck.positive("dram.capacity_bytes", a.dram.capacity_bytes);
  ck.non_negative("dram.bandwidth_bytes_per_s", a.dram.bandwidth_bytes_per_s);
  if (!(a.dram.sustained_fraction > 0 && a.dram.sustained_fraction <= 1))
    ck.add("dram.sustained_fraction", a.dram.sustained_fraction, "must be a fraction in (0, 1]");
  ck.non_negative("dram.read_energy_pj_per_bit", a.dram.read_energy_pj_per_bit);
  ck.non_negative("dram.write_energy_pj_per_bit", a.dram.write_energy_pj_per_bit);
  ck.non_negative("dram.min_access_bits", a.dram.min_access_bits);
  ck.non_negative("dram.background_power_w", a.dram.background_power_w);
  ck.non_negative("dram.refresh_power_w", a.dram.refresh_power_w);
  ck.non_negative("board.baseline_power_w", a.board.baseline_power_w);
  if (!(a.board.regulator_efficiency > 0 && a.board.regulator_efficiency <= 1))
    ck.add("board.regulator_efficiency", a.board.regulator_efficiency,
           "must be a fraction in (0, 1]");
  ck.throw_if_any();
  return a;
}

}  // namespace monet::accelerators

// Invariants of any accelerator a loader accepted: every quantity finite, counts positive.
#pragma once

#include "accelerators/accelerator.hpp"
#include "fuzz/fuzz_target.hpp"

namespace monet::fuzz {

inline void check_level(const accelerators::MemoryLevel& m) {
  for (double v :
       {m.size_bytes, m.read_bits_per_cycle, m.write_bits_per_cycle, m.read_energy_pj_per_bit,
        m.write_energy_pj_per_bit, m.read_bytes_per_s, m.write_bytes_per_s})
    require_finite(v, "memory '" + m.name + "' quantity");
  if (m.instances < 1) finding("memory '" + m.name + "' has no instances");
}

inline void check_accelerator(const accelerators::Accelerator& acc) {
  for (const auto& c : acc.cores) {
    for (double v :
         {c.clock_hz, c.mac_energy_pj, c.vector_ops_per_cycle, c.vector_op_energy_pj,
          c.cim.adc_energy_pj, c.cim.adc_delay_s, c.cim.dac_energy_pj, c.cim.cell_read_energy_pj,
          c.cim.cell_write_energy_pj, c.cim.write_pulse_s, c.cim.written_fraction})
      require_finite(v, "core '" + c.name + "' quantity");
    if (!(c.clock_hz > 0)) finding("core '" + c.name + "' accepted without a positive clock");
    for (const auto& d : c.array)
      if (d.size < 1) finding("core '" + c.name + "' array dim of size < 1");
    for (const auto& m : c.memories) check_level(m);
    (void)c.macs_per_cycle();
  }
  for (const auto& m : acc.shared_memories) check_level(m);
  for (const auto& l : acc.links) {
    require_finite(l.bandwidth_bytes_per_s, "link bandwidth");
    require_finite(l.energy_pj_per_bit, "link energy");
  }
  for (double v :
       {acc.dram.capacity_bytes, acc.dram.bandwidth_bytes_per_s, acc.dram.sustained_fraction,
        acc.dram.read_energy_pj_per_bit, acc.dram.write_energy_pj_per_bit})
    require_finite(v, "dram quantity");
}

}  // namespace monet::fuzz

// A two-core chip with static power, leakage, a voltage and two power modes, shared by the
// power-mode tests (tests/fusion) and compare's budget warning (tests/cli).
#pragma once

namespace monet::test {

// Two 8x8 arrays stated at 0.8 V; mode `low` keeps one at 500 MHz and 0.6 V.
inline constexpr const char* kModeChip = R"(
name: pair
cores:
  - name: pe
    repeat: 2
    kind: array
    clock: 1 GHz
    precision: 32 bit
    array:
      - {name: D1, size: 8, unrolls: [K]}
      - {name: D2, size: 8, unrolls: [C]}
    mac_energy: 1 pJ
    vector_ops_per_cycle: 8
    vector_op_energy: 0.1 pJ
    op_kinds: [all]
    static_power: 2 W
    memories:
      - {name: sram, size: 96 KiB, bandwidth: 1024 bit/cycle, access_bits: 64,
         read_energy: 5 pJ, write_energy: 5 pJ, holds: [I, W, O], leakage: 1 uW/KiB}
dram: {capacity: 1 GiB, bandwidth: 16 GB/s, read_energy: 10 pJ/bit, write_energy: 10 pJ/bit,
       background_power: 500 mW}
voltage: 0.8 V
power_budget: 1000 W
modes:
  - name: low
    power_budget: 1 W
    voltage: 0.6 V
    clocks: {pe: 500 MHz}
    active_cores: {pe: 1}
    bandwidths: {dram: 8 GB/s}
  - name: high
    clocks: {pe: 2 GHz}
)";

}  // namespace monet::test

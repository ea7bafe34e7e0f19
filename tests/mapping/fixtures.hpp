// Accelerators and op shapes built in code, small enough to check by hand.
#pragma once

#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"
#include "mapping/cost.hpp"

namespace monet::mapping::test {

inline accelerators::MemoryLevel memory(const std::string& name, double size_bytes,
                                        double bits_per_cycle, double read_pj_per_bit,
                                        double write_pj_per_bit, std::array<bool, 3> holds) {
  accelerators::MemoryLevel m;
  m.name = name;
  m.size_bytes = size_bytes;
  m.read_bits_per_cycle = m.write_bits_per_cycle = bits_per_cycle;
  m.read_energy_pj_per_bit = read_pj_per_bit;
  m.write_energy_pj_per_bit = write_pj_per_bit;
  m.holds = holds;
  return m;
}

// One core at 1 GHz running loop nests; `array` sizes unroll K then C.
inline accelerators::Accelerator one_core(std::vector<int64_t> array,
                                          std::vector<accelerators::MemoryLevel> memories,
                                          double dram_bytes_per_s, double dram_read_pj_per_bit,
                                          double dram_write_pj_per_bit, double mac_pj) {
  accelerators::Core c;
  c.name = "core";
  c.kind = accelerators::CoreKind::kArray;
  c.clock_hz = 1e9;
  const char* dims[] = {"K", "C"};
  for (size_t i = 0; i < array.size(); ++i)
    c.array.push_back({"D" + std::to_string(i + 1), array[i], {dims[i % 2]}});
  c.mac_energy_pj = mac_pj;
  c.vector_ops_per_cycle = 4;
  c.vector_op_energy_pj = 0.5;
  c.op_kinds = {"conv", "matmul", "relu", "add", "reshape", "optimizer"};
  c.memories = std::move(memories);
  accelerators::Accelerator a;
  a.name = "test";
  a.cores.push_back(std::move(c));
  a.dram.bandwidth_bytes_per_s = dram_bytes_per_s;
  a.dram.read_energy_pj_per_bit = dram_read_pj_per_bit;
  a.dram.write_energy_pj_per_bit = dram_write_pj_per_bit;
  return a;
}

// O[m][n] += I[m][k] · W[k][n] as the builder writes a linear layer: OX = M rows, K = N
// output features, C = the reduction.
inline OpShape gemm(int64_t m, int64_t n, int64_t k, int bits = 16) {
  workloads::LoopNest nest;
  nest[workloads::Dim::kOX] = m;
  nest[workloads::Dim::kK] = n;
  nest[workloads::Dim::kC] = k;
  OpShape s;
  s.kind = workloads::OpKind::kMatmul;
  s.nest = nest;
  s.in_h = 1;
  s.in_w = m;
  s.operand_bits = {bits, bits, bits};
  return s;
}

// An element-streaming op of `elements` elements, `ops` operations each, reading `read` and
// writing `write` 16-bit elements.
inline OpShape element_op(workloads::OpKind kind, int64_t elements, double ops, int64_t read,
                          int64_t write) {
  OpShape s;
  s.kind = kind;
  s.elements = elements;
  s.ops_per_element = ops;
  s.read_elements = read;
  s.write_elements = write;
  s.operand_bits = {16, 0, 16};
  return s;
}

// A CIM core after the cim-reram preset's figures: 128x128 crossbars of 2-bit cells holding
// 8-bit weights, 8 columns per 8-bit ADC (11.8 ns), 1-bit DAC inputs, 1 GHz.
inline accelerators::Accelerator cim_core(int64_t crossbars) {
  accelerators::Core c;
  c.name = "cim";
  c.kind = accelerators::CoreKind::kCim;
  c.clock_hz = 1e9;
  c.precision_bits = 8;
  c.op_kinds = {"conv", "matmul", "optimizer"};
  c.vector_ops_per_cycle = 32;
  c.cim.rows = 128;
  c.cim.cols = 128;
  c.cim.crossbars = crossbars;
  c.cim.weight_bits = 8;
  c.cim.cell_bits = 2;
  c.cim.input_bits = 8;
  c.cim.dac_bits = 1;
  c.cim.cols_per_adc = 8;
  c.cim.adc_energy_pj = 0.7;
  c.cim.adc_delay_s = 11.8e-9;
  c.cim.dac_energy_pj = 0.0405;
  c.cim.cell_write_energy_pj = 0.095;
  c.cim.write_pulse_s = 50e-9;
  c.cim.written_fraction = 0.1;
  c.memories = {memory("in_buf", 64 * 1024, 128, 0.15, 0.15, {true, false, false}),
                memory("out_buf", 64 * 1024, 128, 0.15, 0.15, {false, false, true})};
  accelerators::Accelerator a;
  a.name = "cim-test";
  a.cores.push_back(std::move(c));
  a.dram.bandwidth_bytes_per_s = 256e9;
  a.dram.read_energy_pj_per_bit = 3.9;
  a.dram.write_energy_pj_per_bit = 3.9;
  return a;
}

}  // namespace monet::mapping::test

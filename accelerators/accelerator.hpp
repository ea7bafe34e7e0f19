// The hardware description: cores (dataflow array, SIMD, CIM crossbars, GPU SM), their
// memory hierarchies, links between cores and one off-chip DRAM. Plain structs in base
// units (bytes, bits per cycle, pJ, Hz, seconds); the YAML loader converts units once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace monet::accelerators {

enum class CoreKind { kArray, kSimd, kCim, kGpuSm };

// Operands a memory holds, in the order of workloads::Operand (I, W, O).
enum class MemOperand { kI = 0, kW = 1, kO = 2 };
inline constexpr int kMemOperandCount = 3;

// One dimension of the operational array. The mapper unrolls one of `unrolls` (loop dim
// names "B", "G", "K", "C", "OY", "OX", "FY", "FX") over it; one entry means fixed.
struct ArrayDim {
  std::string name;  // "D1", "D2", ...
  int64_t size = 1;
  std::vector<std::string> unrolls;
};

struct MemoryLevel {
  std::string name;
  double size_bytes = 0;
  double read_bits_per_cycle = 0;   // per port, in the owning core's cycles
  double write_bits_per_cycle = 0;  // per port
  int read_ports = 1;
  int write_ports = 1;
  double read_energy_pj_per_bit = 0;
  double write_energy_pj_per_bit = 0;
  std::array<bool, kMemOperandCount> holds{false, false, false};
  std::vector<std::string> served_dims;  // array dims whose PEs it feeds ("D1"); empty = all
  int shared_index = -1;  // >= 0: this level is Accelerator::shared_memories[shared_index]
  int line = 0;           // source line, for messages
  // Added by the YAML loader (additive; the fields above keep their meaning):
  // The same bandwidths as absolute rates (bits per cycle × owning core's clock / 8); for
  // Accelerator::shared_memories, which belong to no core, these are the only rates set.
  double read_bytes_per_s = 0;
  double write_bytes_per_s = 0;
  // Copies of this level in the core: 1 when it serves every array dim (served_dims empty
  // or complete); otherwise the product of the sizes of the array dims it does NOT serve.
  // A per-PE register file (YAML `serves: []`) has one copy per PE; size_bytes is per copy.
  int64_t instances = 1;
  bool per_pe = false;  // YAML `serves: []`: one private copy per PE (served_dims empty)

  bool holds_operand(MemOperand o) const { return holds[static_cast<int>(o)]; }
};

// Compute-in-memory crossbar parameters (NeuroSim / ZigZag-IMC style).
struct CimSpec {
  int64_t rows = 128;     // reduction inputs per crossbar
  int64_t cols = 128;     // cells per row
  int64_t crossbars = 1;  // crossbars in the core
  int weight_bits = 8;    // bits per weight
  int cell_bits = 1;      // bits stored per cell (cells per weight = weight/cell bits)
  int input_bits = 8;     // activation precision
  int dac_bits = 1;       // bits applied per input cycle (bit-serial)
  int adc_bits = 8;
  int cols_per_adc = 8;            // columns multiplexed onto one ADC
  double adc_energy_pj = 0.7;      // per conversion
  double adc_delay_s = 11.8e-9;    // per conversion
  double dac_energy_pj = 0.05;     // per row drive per input cycle
  double cell_read_energy_pj = 0;  // per cell per input cycle (array current)
  double cell_write_energy_pj = 0.095;
  double write_pulse_s = 50e-9;   // per row programmed
  double written_fraction = 1.0;  // share of cells reprogrammed per weight update (0..1]
};

struct Core {
  std::string name;
  CoreKind kind = CoreKind::kArray;
  double clock_hz = 0;
  std::vector<ArrayDim> array;        // empty for simd
  double mac_energy_pj = 0;           // per MAC
  int precision_bits = 16;            // operand precision of the datapath
  double vector_ops_per_cycle = 1;    // element-streaming throughput
  double vector_op_energy_pj = 0;     // per element operation
  std::vector<std::string> op_kinds;  // supported workloads::OpKind names
  std::vector<MemoryLevel> memories;  // innermost first; the last one is the core's top
  CimSpec cim;                        // kind == kCim only
  int line = 0;
  // Added by the YAML loader: a core written once with `repeat: N` expands to N cores named
  // group + index ("sm0".."sm7"); `group` is the name as written (= name when not repeated).
  std::string group;
  int repeat_index = -1;  // 0..N-1 for repeated cores, -1 otherwise

  int64_t macs_per_cycle() const;  // product of array dims (1 for simd)
  bool supports(const std::string& op_kind) const;
};

// A connection between two cores (or a core and "dram"), bandwidth shared by its transfers.
struct Link {
  std::string name;
  std::string from;
  std::string to;
  double bandwidth_bytes_per_s = 0;
  double energy_pj_per_bit = 0;
  bool bidirectional = true;
  int line = 0;
};

struct Dram {
  double capacity_bytes = 0;
  double bandwidth_bytes_per_s = 0;
  double read_energy_pj_per_bit = 0;
  double write_energy_pj_per_bit = 0;
};

struct Accelerator {
  std::string name;
  std::string description;
  std::string source_file;  // empty for programmatic descriptions
  std::vector<Core> cores;
  std::vector<MemoryLevel> shared_memories;  // e.g. a GPU L2 shared by all SM cores
  std::vector<Link> links;
  Dram dram;

  int find_core(const std::string& name) const;  // -1 if absent
};

std::string core_kind_name(CoreKind k);

}  // namespace monet::accelerators

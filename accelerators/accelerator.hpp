// The hardware description: cores (dataflow array, SIMD, CIM crossbars, GPU SM), their
// memory hierarchies, links between cores and one off-chip DRAM. Plain structs in base
// units (bytes, bits per cycle, pJ, Hz, seconds); the YAML loader converts units once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/names.hpp"
#include "core/op_vocabulary.hpp"

namespace monet::accelerators {

enum class CoreKind { kArray, kSimd, kCim, kGpuSm, kTlmm };

// Operands a memory holds: the loop-nest operands I, W, O (core/op_vocabulary.hpp).
using MemOperand = core::Operand;
inline constexpr int kMemOperandCount = core::kOperandCount;

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
  // Smallest transfer to or from one copy, in bits (YAML `min_access`, ZigZag's
  // bandwidth_min): a transfer of fewer bits costs a whole access. 0 = any width.
  int min_access_bits = 0;
  // Added by the YAML loader (additive; the fields above keep their meaning):
  // The same bandwidths as absolute rates (bits per cycle × owning core's clock / 8); for
  // Accelerator::shared_memories, which belong to no core, these are the only rates set.
  double read_bytes_per_s = 0;
  double write_bytes_per_s = 0;
  // Copies of this level in the core: 1 when it serves every array dim (served_dims empty
  // or complete); otherwise the product of the sizes of the array dims it does NOT serve.
  // A per-PE register file (YAML `serves: []`) has one copy per PE; size_bytes is per copy.
  int64_t instances = 1;
  // Static (leakage) power per byte of capacity, per copy (YAML `leakage: 0.5 uW/KiB`).
  double leakage_w_per_byte = 0;
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

// Table-lookup matmul engine (TeLLMe's TLMM, T-MAC-style): the activations of a row are cut
// into groups of `group` values; for each group a table of the `weight_levels`^group possible
// partial sums (every combination of weight values) is built online, and each output then
// takes one lookup per group, indexed by the group's weight codes, and one add. No MACs.
struct TlmmSpec {
  int group = 3;                      // activations per group (g)
  int weight_levels = 3;              // values a weight takes (3: ternary, 2: binary)
  int weight_bits = 2;                // widest weight code it indexes with
  double lookups_per_cycle = 1;       // table lookups (each with its accumulate) per cycle
  double entries_per_cycle = 1;       // table entries built per cycle (one add each)
  int64_t table_entries = 1024;       // entries the table memory holds at once
  int entry_bits = 16;                // width of one table entry (a partial sum)
  double lookup_energy_pj = 0;        // per lookup and its accumulate
  double entry_energy_pj = 0;         // per table entry built
  int64_t entries_per_table() const;  // weight_levels^group
};

// How a core runs one op: what overlaps what, and the costs that do not scale with MACs.
// Priced by mapping/ (an OpCost carries the phases), scheduled by fusion/.
enum class Overlap {
  kFull,            // every transfer overlaps compute; the slowest of them sets the time
  kDoubleBuffered,  // as kFull in steady state, plus loading the first tiles before compute
                    // starts and writing the last outputs after it ends (ZigZag's model)
  kNone,            // in-order: load, compute and store of a tile run one after another
};

// Loading the stationary operand into the PE array (a systolic array shifts a new weight
// block in row by row before inputs can stream through it).
struct StationaryLoad {
  MemOperand operand = MemOperand::kW;
  double cycles = 0;       // per load of the whole array
  double fill_cycles = 0;  // pipeline fill before the first result after a load
  double energy_pj = 0;    // per operand element loaded
};

// Peak compute rate at one operand precision (e.g. INT8 vs FP16 tensor cores, FP32 on the
// CUDA cores).
struct PrecisionRate {
  int bits = 16;
  double macs_per_cycle = 0;  // MACs per core cycle at this precision
  double mac_energy_pj = -1;  // per MAC; < 0: the core's mac_energy
  std::string unit;           // what runs it ("tensor cores", "CUDA cores"), for reports
};

// GPU occupancy: a kernel cuts the op's output (rows x output channels) into thread blocks
// of one shape, and an SM runs `blocks_per_sm` of them at once (a block alone gets that
// share of the SM). A core lists the shapes its kernels come in; an op runs with the fastest.
struct ThreadBlock {
  int64_t rows = 1;  // output rows (B·OY·OX, tokens) per block
  int64_t cols = 1;  // output channels (K) per block
  int blocks_per_sm = 1;
};

struct Execution {
  Overlap overlap = Overlap::kFull;
  bool has_stationary_load = false;
  StationaryLoad stationary_load;
  double issue_cycles = 0;  // per instruction (stationary load, compute block, tile move)
  double launch_s = 0;      // per op launch (GPU kernel); the ops of one fused stack share one
  double host_s = 0;        // per invocation (driver/host work around one run), reported apart
  std::vector<ThreadBlock> blocks;   // gpu-sm: kernel tile shapes (empty: no wave model)
  std::vector<PrecisionRate> rates;  // empty: the array size at `precision`
  int partial_sum_bits = 0;          // width of partial sums in memories; 0 = the output's
  // `stack_outputs: dram`: a stack's outputs that a later stack reads are stored to DRAM and
  // loaded again by it (an accelerator program that saves every layer's output), instead of
  // staying in the core's top memory while there is room.
  bool stack_outputs_to_dram = false;
  // `weights: preloaded`: the parameters this core reads sit in its top memory before the
  // run (loaded once by the driver, outside the timed run) and are never evicted.
  bool weights_preloaded = false;
  // `channels_per_vector: N`: the core's memories (and DRAM, for the tensors it reads or
  // writes) hold tensors as vectors of N channels, one pixel's (or row's) channels padded to
  // whole vectors, and its array and vector unit process whole vectors (Tensil: N =
  // array_size). 0: elements are packed.
  int channels_per_vector = 0;
};

std::string overlap_name(Overlap o);
std::optional<Overlap> overlap_from_name(const std::string& name);

// Silicon area inputs (YAML `area:` on the accelerator or on one core; a core's own figures
// win). With no node the area is not estimated. Each per-unit figure is at `node_nm` and
// replaces the built-in one (accelerators/area.hpp); 0 = use the built-in model.
struct AreaSpec {
  double node_nm = 0;           // technology node; 0 = not stated
  double mac_mm2 = 0;           // one MAC unit at the core's precision
  double sram_bit_mm2 = 0;      // one SRAM bit (bitcell)
  double register_bit_mm2 = 0;  // one flip-flop bit (per-PE register files)
  double cim_cell_mm2 = 0;      // one crossbar cell
  double extra_mm2 = 0;         // stated fixed area (control, interconnect, I/O)
  int line = 0;
  bool any_figure() const {
    return mac_mm2 > 0 || sram_bit_mm2 > 0 || register_bit_mm2 > 0 || cim_cell_mm2 > 0 ||
           extra_mm2 > 0;
  }
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
  TlmmSpec tlmm;                      // kind == kTlmm only
  Execution execution;
  // Leakage and clock tree of the core's logic (not its memories), drawn while the run lasts
  // whether the core computes or idles (no power gating modelled). YAML `static_power: 1 W`.
  double static_power_w = 0;
  AreaSpec area;  // YAML `area:` of this core (node 0: the accelerator's)
  int line = 0;
  // Added by the YAML loader: a core written once with `repeat: N` expands to N cores named
  // group + index ("sm0".."sm7"); `group` is the name as written (= name when not repeated).
  std::string group;
  int repeat_index = -1;  // 0..N-1 for repeated cores, -1 otherwise

  int64_t macs_per_cycle() const;  // product of array dims (1 for simd)
  // The rate entry for operands of `bits` (the smallest entry at least that wide), or nullptr
  // when the core lists no rates or none that wide.
  const PrecisionRate* rate_for(int bits) const;
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
  double bandwidth_bytes_per_s = 0;  // the interface's peak (pin) rate
  // The share of it kernels sustain (YAML `sustained_bandwidth`, a measured rate, divided by
  // `bandwidth`); transfers are timed at timing_bytes_per_s(). A share, not a rate, so a new
  // peak (a power mode's memory clock, a searched or scripted bandwidth) keeps it.
  double sustained_fraction = 1;
  double read_energy_pj_per_bit = 0;
  double write_energy_pj_per_bit = 0;
  int min_access_bits = 0;  // as MemoryLevel::min_access_bits
  // Static power of the DRAM devices while the run lasts (YAML `background_power`,
  // `refresh_power`): active/precharge standby current and periodic refresh.
  double background_power_w = 0;
  double refresh_power_w = 0;

  double timing_bytes_per_s() const { return bandwidth_bytes_per_s * sustained_fraction; }
};

// What the board draws besides the accelerator's own cores, memories and DRAM, and how its
// supply reaches them (YAML `board: {baseline_power, regulator_efficiency}`).
struct Board {
  double baseline_power_w = 0;      // idle rails: CPU, I/O, carrier board, at the supply
  double regulator_efficiency = 1;  // (0, 1]: chip and DRAM power / power drawn from the supply
};

// A power mode (nvpmodel-style): the clocks, active cores and bandwidths the board runs at
// under one power budget. YAML `modes:`; `preset@mode` selects one (accelerators/power_mode.hpp).
struct PowerMode {
  std::string name;  // as the vendor names it ("7W", "MAXN_SUPER")
  std::string description;
  double power_budget_w = 0;                               // 0: the mode states none
  double voltage_v = 0;                                    // 0: not given (no V scaling)
  std::vector<std::pair<std::string, double>> clocks_hz;   // core group (or core) -> clock
  std::vector<std::pair<std::string, int>> active_cores;   // core group -> cores left on
  std::vector<std::pair<std::string, double>> bandwidths;  // shared memory or "dram" -> B/s
  int line = 0;
};

struct Accelerator {
  std::string name;
  std::string description;
  std::string source_file;  // empty for programmatic descriptions
  std::vector<Core> cores;
  std::vector<MemoryLevel> shared_memories;  // e.g. a GPU L2 shared by all SM cores
  std::vector<Link> links;
  Dram dram;
  Board board;
  // Average supply power the board may draw (YAML `power_budget`, or the selected mode's);
  // a run above it is flagged (a real board would throttle). 0 = none stated.
  double power_budget_w = 0;
  // Supply voltage the energy and static figures are stated at (YAML `voltage`); a mode with
  // its own voltage scales them from this one. 0 = not stated.
  double voltage_v = 0;
  AreaSpec area;                 // YAML `area:` (technology node and per-unit figures)
  std::vector<PowerMode> modes;  // empty once a mode is applied
  std::string mode;              // the applied mode's name, "" = as described

  int find_core(const std::string& name) const;  // -1 if absent
};

// "array", "simd", "cim", "gpu-sm", "tlmm".
const core::NameTable<CoreKind>& core_kind_names();
std::string core_kind_name(CoreKind k);

}  // namespace monet::accelerators

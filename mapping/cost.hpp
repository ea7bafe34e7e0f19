// Per-(op, core) analytical cost: what one op (or one tile of it) costs on one core.
// The DRAM is treated as the outermost memory level of every core. Two latencies are
// reported: `cycles` for a standalone run whose operands start and end in DRAM (the
// `monet-sim cost` view), and `onchip_cycles` assuming every DRAM transfer is scheduled
// elsewhere (the fusion scheduler's view: it moves tensors over DRAM/links itself).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"
#include "core/names.hpp"
#include "workloads/graph.hpp"

namespace monet::mapping {

// What the temporal search minimises. kDram minimises off-chip traffic first (then latency,
// then energy): under it a larger memory never adds DRAM traffic (under the others a larger
// memory may buy a cheaper on-chip mapping with more DRAM traffic); also a sensible choice
// when cores share the DRAM bandwidth.
enum class Objective { kEnergy, kLatency, kEdp, kDram };

struct CostOptions {
  Objective objective = Objective::kLatency;
  // CIM: share of cells reprogrammed per weight update, overrides the core's value if >= 0.
  double written_fraction = -1;
  // CIM: weights already programmed in the crossbars (no programming cost for this op).
  bool weights_resident = false;
  // The temporal search's reference path (mapping/temporal.cpp): price every move of its
  // bound at every node instead of replaying the open levels' recorded ones, checking the
  // latency window from a few terms first or repricing from a parent's parts, and finish
  // every bound and candidate in full instead of only what the ranking compares. The same
  // results, slower; tests compare the two.
  bool direct_bound = false;
  // The temporal search's first pass over at most 4 merged loops, whose best bounds the full
  // search (mapping/temporal.cpp). false: the full search alone, the same latency up to ties;
  // tests compare the two.
  bool coarse_first = true;
  // false: the temporal search prunes nothing and prices every mapping it reaches (up to its
  // safety cap). Slow; tests compare it with the pruned search to check the bound.
  bool prune = true;
  // The temporal search's reference for its canonical block order (mapping/temporal.cpp):
  // every order of the loops within each level's block. Exponentially slower; with
  // prune = false, tests compare it with the canonical search on small layers.
  bool all_orders = false;
};

// Everything the cost model needs to know about an op; two ops with equal shapes cost the
// same, which is what the cache keys on. A tile of an op is an OpShape with a smaller nest.
struct OpShape {
  workloads::OpKind kind = workloads::OpKind::kConv;
  workloads::Pass pass = workloads::Pass::kForward;
  std::optional<workloads::LoopNest> nest;  // compute ops
  int64_t in_h = 1, in_w = 1;               // real input rows/cols (conv), for I's footprint
  int64_t elements = 0;                     // element-streaming ops
  double ops_per_element = 0;
  int window = 1;
  int64_t read_elements = 0;                    // element ops: elements read from all inputs
  int64_t write_elements = 0;                   // element ops: elements written
  std::array<int, 3> operand_bits{16, 16, 16};  // I, W, O (element ops: in, -, out)
  // Stored bits per element where they differ from operand_bits (packed or group-quantised
  // weights: workloads::Storage); 0 = operand_bits. Memory traffic and footprints use them.
  std::array<double, 3> stored_bits{0, 0, 0};
  // Operations per W element to turn its stored code into an operand (scales, zero points,
  // unpacking), run on the core's vector unit once per weight element of the op.
  double dequant_ops = 0;
  bool weight_is_parameter = true;  // false for attention products (both operands activations)
  int64_t channels = 0;             // element ops: channels of the output (vector layouts pad them)

  bool operator==(const OpShape& o) const;  // field by field (LoopNest has no operator==)
  int64_t macs() const { return nest ? nest->macs() : 0; }
  double stored(int operand) const {
    return stored_bits[operand] > 0 ? stored_bits[operand] : operand_bits[operand];
  }
};

OpShape shape_of(const workloads::Graph& g, const workloads::Op& op);
size_t hash_value(const OpShape& s);

// Vector layouts (accelerators::Execution::channels_per_vector, mapping/vector_layout.cpp):
// the factor a channel count grows by when padded to whole vectors of `per_vector`; the
// channel count of a tensor (NCHW: dimension 1, else the last); a tensor's size factor
// (weights padded in both channel dimensions); and an op shape with its channels padded
// (loop nests: K and C; element ops: every element count). per_vector <= 0: unchanged.
double channel_padding(int64_t channels, int per_vector);
int64_t channels_of(const workloads::Tensor& t);
double tensor_padding(const workloads::Tensor& t, int per_vector);
OpShape padded_to_vectors(const OpShape& s, int per_vector);

// Objective names as used on the command line and in YAML: "latency", "energy", "edp", "dram".
const core::NameTable<Objective>& objective_names();
std::string objective_name(Objective o);
std::optional<Objective> objective_from_name(const std::string& name);

// Peak MACs per core cycle: the array size (GPU SM: its tensor cores; SIMD: its lanes); for a
// CIM core the crossbar MVM rate at the ADC-limited cycle time with bit-serial inputs.
double peak_macs_per_cycle(const accelerators::Core& core);
// Operand width to build workloads with for this accelerator: the smallest precision of
// the cores that run loop nests (16 when none does).
int default_operand_bits(const accelerators::Accelerator& acc);
// The off-chip bandwidth seen by one core, in bits per core cycle (0 = unlimited).
double dram_bits_per_cycle(const accelerators::Accelerator& acc, const accelerators::Core& core);

struct LevelTraffic {
  std::string memory;                 // level name, or "dram"
  std::array<double, 3> read_bits{};  // per operand I, W, O
  std::array<double, 3> write_bits{};
};

struct EnergyBreakdown {
  double mac_pj = 0;     // array MACs (or tensor-core MACs)
  double vector_pj = 0;  // element-streaming ops
  double memory_pj = 0;  // all on-chip levels (per level in `levels`)
  double dram_pj = 0;
  double cim_adc_pj = 0;
  double cim_dac_pj = 0;
  double cim_write_pj = 0;   // weight programming / updates in crossbar cells
  double array_load_pj = 0;  // shifting stationary operands into the PE array
  double table_pj = 0;       // table-lookup cores: table builds, lookups and their adds
  std::vector<std::pair<std::string, double>> levels;  // per on-chip level, pJ
  double total() const {
    return mac_pj + vector_pj + memory_pj + dram_pj + cim_adc_pj + cim_dac_pj + cim_write_pj +
           array_load_pj + table_pj;
  }
};

// Where the on-chip cycles of an op go, by the core's execution model
// (accelerators::Execution): onload + compute + offload + fixed == onchip_cycles.
// Under overlap `full` transfers hide in `compute` (which then includes stalls); under
// `double-buffered` onload/offload are the first input tiles and the last output tile; under
// `none` they are every transfer between on-chip memories, one after another.
struct CostPhases {
  double onload = 0;   // moving inputs (and partial sums) in, not overlapped with compute
  double compute = 0;  // compute, with the stalls of transfers that overlap it
  double offload = 0;  // moving outputs out, not overlapped with compute
  double fixed = 0;    // stationary-operand loads, pipeline fills, instruction issue
  bool operator==(const CostPhases&) const = default;
};

struct OpCost {
  bool feasible = true;
  std::string reason;           // why not, when infeasible
  double cycles = 0;            // standalone: compute + stalls incl. DRAM bandwidth
  double onchip_cycles = 0;     // with DRAM transfers accounted for elsewhere
  CostPhases phases;            // of onchip_cycles
  double compute_cycles = 0;    // ideal cycles at the achieved spatial utilisation and rate
  double array_loads = 0;       // stationary-operand loads into the PE array
  double instructions = 0;      // stationary loads, compute blocks and tile moves issued
  int rate_bits = 0;            // the precision rate used (0: the array size, no rate table)
  double dequant_ops = 0;       // weight dequantisation operations (OpShape::dequant_ops)
  double energy_pj = 0;         // standalone total (includes DRAM)
  double onchip_energy_pj = 0;  // total minus DRAM
  EnergyBreakdown energy;
  double spatial_utilization = 0;  // used PEs / PEs (0..1)
  // CIM: copies of the weights held in the crossbars (replicated over spare crossbars, each
  // copy serving its own input vectors) and crossbars in use; 0 on other cores.
  int weight_copies = 0;
  int crossbars_used = 0;
  // Table-lookup cores: lookups (each with its accumulate), table entries built, and the
  // passes over the weights (one per set of rows whose tables fit at once); 0 on other cores.
  double table_lookups = 0;
  double table_entries_built = 0;
  double table_passes = 0;
  std::array<double, 3> dram_read_bytes{};  // per operand, standalone mapping
  std::array<double, 3> dram_write_bytes{};
  std::vector<LevelTraffic> traffic;
  std::string mapping;  // readable spatial + temporal mapping
  // The largest part of onchip_cycles: "compute", "<level> bandwidth" (that port stalls the
  // compute phase), "on-load", "off-load", "stationary-operand loads", "instruction issue",
  // "cim cell writes"; empty for ops that take no time (views). The list may grow: readers
  // take the text as given.
  std::string bound_by;

  double dram_bytes() const;  // reads + writes, all operands
};

// A loop-nest op as one GPU kernel on `sms` identical SMs (accelerators::ThreadBlock): the
// fastest of the core's block shapes, its block count and waves, and the cycles of all waves
// (compute only). cycles == 0 when the core has no thread-block shapes or the op no nest.
struct GpuWaves {
  double cycles = 0;
  double blocks = 0;
  double waves = 0;
  accelerators::ThreadBlock shape;
};
GpuWaves gpu_waves(const OpShape& s, const accelerators::Core& core, int sms);

// The same op as a GEMV kernel on the CUDA cores, for an output of one row per channel (one
// token: tensor-core tiles would pad it to their smallest block's rows). As llama.cpp's
// mul_mat_vec (docs/references.md, "GPU GEMV kernel"): one thread block per output channel
// reduces its weight row, dequantising it in registers first (OpShape::dequant_ops per
// weight); the blocks run in waves of `sms`. The FMAs run at the core's 32-bit rate entry
// (the CUDA cores' FP32 FMA, accumulating in FP32) and the dequantisation on the same cores
// at vector_ops_per_cycle, one after the other. Compute only: the scheduler prices the
// weights' DRAM transfer as for the tiled kernel. `applies` is false (cycles infinite) for a
// core without thread-block shapes or a 32-bit rate entry, an output of more than one row,
// and weight gradients.
struct GpuGemv {
  bool applies = false;
  double cycles = std::numeric_limits<double>::infinity();
  double blocks = 0;  // output channels (G x K; G x C for an input gradient)
  double waves = 0;
  double mac_energy_pj = 0;  // per FMA: the 32-bit rate entry's
};
GpuGemv gpu_gemv(const OpShape& s, const accelerators::Core& core, int sms);

class CostModel {
 public:
  explicit CostModel(const accelerators::Accelerator& acc, CostOptions options = {});
  ~CostModel();
  CostModel(const CostModel&) = delete;
  CostModel& operator=(const CostModel&) = delete;

  const accelerators::Accelerator& accelerator() const { return acc_; }
  const CostOptions& options() const { return options_; }

  // Cached; safe to call from several threads at once.
  OpCost evaluate(const OpShape& shape, int core) const;
  OpCost evaluate(const workloads::Graph& g, const workloads::Op& op, int core) const {
    return evaluate(shape_of(g, op), core);
  }
  // Bypasses the cache (for benchmarks and tests).
  OpCost evaluate_uncached(const OpShape& shape, int core) const;
  // CIM: writing a weight update of `weights` weights into the crossbars of `core`, where
  // only the written fraction (options, else the core's) of the cells is reprogrammed
  // (threshold-based updates). For the scheduler, when an optimizer op elsewhere updates
  // weights that live in a CIM core. Zero cost on other cores (weights sit in memory).
  // `copies`: copies of the weights the forward op keeps (OpCost::weight_copies), each
  // rewritten.
  OpCost weight_update(int core, int64_t weights, int copies = 1) const;
  size_t cache_size() const;

 private:
  // The pricing path of the core's kind, on the shape as the core holds it.
  OpCost price(const OpShape& shape, const accelerators::Core& core) const;
  struct Cache;
  const accelerators::Accelerator& acc_;
  CostOptions options_;
  Cache* cache_;
};

}  // namespace monet::mapping

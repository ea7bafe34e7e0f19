// The co-design problem of a training step: which core runs each layer, which layers are
// fused and how finely, which activations are kept or recomputed, and (optionally) hardware
// knobs — scored by simulating the schedule. Gene groups not searched stay as the
// experiment file sets them.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.hpp"
#include "fusion/experiment.hpp"
#include "fusion/schedule.hpp"
#include "ga/genome.hpp"
#include "training/chain.hpp"

namespace monet::codesign {

struct HardwareKnob {
  enum class Kind { kArraySize, kMemorySize, kDramBandwidth };
  Kind kind = Kind::kArraySize;
  std::string core;            // core name or repeat-group name (array, memory knobs)
  std::string memory;          // memory level name (memory knob)
  std::vector<double> values;  // array: PEs per dim; memory: bytes; DRAM: bytes/s
  std::string label() const;
};

// kFrozenParameters: parameters left frozen (a proxy for how much of the network adapts;
// training experiments only), so partial-training searches trade it against time and memory.
// The generation objectives (generate searches only, codesign/generate_problem.hpp): time to
// first token, time per output token, energy per output token, peak memory, and two quality
// PROXIES (bits below the experiment's own precision, weighted by parameters for weights) —
// proxies, not accuracy.
enum class Objective {
  kLatency,
  kEnergy,
  kOnchipMemory,
  kDramMemory,
  kFootprint,
  kFrozenParameters,
  kTtft,
  kTpot,
  kEnergyPerToken,
  kPeakMemory,
  kWeightBitsLost,
  kKvCacheBitsLost,
  kAveragePower,  // at the supply (fusion/power.hpp): dynamic + stated static and board power
  kArea           // the accelerator's estimated area (accelerators/area.hpp); needs a node
};

// The one table of objectives: the name an experiment's `objectives:` uses, the output name
// (with its unit), a label for people and the unit, e.g. latency / latency_s / latency / s.
struct ObjectiveInfo {
  Objective objective;
  const char* key;
  const char* output;
  const char* label;
  const char* unit;
  bool codesign = true;   // scored by codesign (and training) searches
  bool generate = false;  // scored by generate searches (mode: generate)
};
const std::vector<ObjectiveInfo>& objective_table();
const ObjectiveInfo& objective_info(Objective o);
// The keys of the objectives a generate (codesign) search scores, for messages and docs:
// "ttft, tpot, ...".
std::string generate_objective_keys();
std::string codesign_objective_keys();
Objective parse_objective(const std::string& name);  // throws core::Error listing the names
std::string objective_name(Objective o);             // with unit: "latency_s", "energy_pj", ...
// One column of the table for a list of objectives, in order (&ObjectiveInfo::output, ...).
std::vector<std::string> objective_column(const std::vector<Objective>& list,
                                          const char* ObjectiveInfo::*field);

struct CodesignConfig {
  bool allocation = true;
  bool fusion = true;
  bool checkpoint = false;
  bool hardware = false;
  // One gene per block with parameters: 0 frozen, 1 trained, 2 adapter (the experiment's
  // training.adapters restricted to that block, when one attaches there). Sparse
  // back-propagation as in PockEngine; training experiments only.
  bool trainable = false;
  int max_tile_exponent = 4;  // tiles per stack 1, 2, 4, ... 2^max
  training::Granularity granularity = training::Granularity::kBlock;
  std::vector<Objective> objectives = {Objective::kLatency, Objective::kEnergy,
                                       Objective::kFootprint};
  std::vector<HardwareKnob> knobs;
  // `search.constraints`: limits a member must respect to be feasible (0 = none). With any
  // limit the violation is the sum of relative excesses (DRAM excess / capacity + each
  // limit's excess / limit) instead of DRAM bytes over capacity.
  double max_area_mm2 = 0;
  double max_average_power_w = 0;
  bool constrained() const { return max_area_mm2 > 0 || max_average_power_w > 0; }
};

// `search.constraints`' violation, for every search that takes limits: the sum of relative
// excesses, DRAM bytes over capacity / capacity plus each (value - limit) / limit over the
// limits set (> 0); 0 = feasible.
struct Limit {
  double value = 0, limit = 0;
};
double relative_violation(double capacity_violation_bytes, double dram_capacity_bytes,
                          std::initializer_list<Limit> limits);

// The gene-group names a search lists, once (in genome order): allocation, fusion, checkpoint,
// hardware, trainable. parse_search and the Python binding both go through these.
std::vector<std::string> gene_group_names(const CodesignConfig& c);  // the groups c searches
std::string gene_group_list();                                       // "allocation, fusion, ..."
// Searches exactly the named groups; throws core::Error naming the valid ones.
void set_gene_groups(CodesignConfig& c, const std::vector<std::string>& names);

// Knob kind names ("array", "memory", "dram_bandwidth"), once.
std::string_view knob_kind_name(HardwareKnob::Kind k);
HardwareKnob::Kind parse_knob_kind(std::string_view name);  // throws core::Error listing them
// The unit of a knob's values (YAML, Python): none for array sizes (PEs per dim, integers),
// bytes for memory sizes, bytes/s for the DRAM bandwidth.
std::optional<core::Dimension> knob_value_dimension(HardwareKnob::Kind k);

class CodesignProblem : public ga::Problem {
 public:
  // The experiment must be a training run (checkpoint genes) or any run (the others).
  CodesignProblem(const fusion::Experiment& experiment, CodesignConfig config);
  ~CodesignProblem() override;

  std::vector<ga::GeneGroup> genes() const override;
  std::vector<std::string> objective_names() const override;
  std::vector<std::string> objective_labels() const;
  std::vector<std::string> objective_units() const;
  ga::Evaluation evaluate(const ga::Genome& genome) const override;

  // Known plans: the experiment's own, layer-by-layer store-all, per-block fusion with 2^k
  // tiles, √n checkpointing; all on the fastest-core allocation.
  std::vector<ga::Genome> seeds() const;
  // Full simulation of a genome, with records (for reports and replay).
  fusion::Schedule simulate(const ga::Genome& genome, bool keep_records) const;
  // "stacks 12 (tiles 8,8,4,...) | cores sa_ws:14 cim:7 | checkpoint K|K|DD | hw sa_ws.array=32"
  std::string describe(const ga::Genome& genome) const;
  // The allocation fall-backs of the genome's plan (ops a gene's core could not run).
  std::vector<fusion::Fallback> fallbacks(const ga::Genome& genome) const;
  // A replayable experiment document (YAML text) equal to the genome's plan. Hardware knobs
  // other than the experiment's write `accelerator_file` next to it (path given).
  std::string experiment_yaml(const ga::Genome& genome, const std::string& name,
                              const std::string& accelerator_file) const;
  // The accelerator with the genome's knobs applied.
  accelerators::Accelerator accelerator_for(const ga::Genome& genome) const;

 private:
  struct HwVariant;  // accelerator with knobs applied + its cost cache
  struct Variant;    // a training graph (one checkpoint plan) on one HwVariant
  std::shared_ptr<const HwVariant> hardware(const ga::Genome& genome) const;
  std::shared_ptr<const Variant> variant(const ga::Genome& genome) const;
  fusion::PlanSpec plan_spec(const ga::Genome& genome) const;
  void init_trainable_genes();
  // Decoded trainable genes: per unit 0 frozen, 1 trained, 2 adapter; a genome that would
  // train nothing trains the last unit (last-layer training).
  std::vector<int> trainable_choice(const ga::Genome& genome) const;
  training::TrainingOptions training_options(const ga::Genome& genome) const;
  std::vector<int> slice(const ga::Genome& g, size_t offset, size_t n) const;

  fusion::Experiment experiment_;
  CodesignConfig config_;
  workloads::Graph forward_;         // adapted when the experiment has adapters (and no
                                     // trainable genes, which place the adapters themselves)
  std::vector<int> adapter_params_;  // their parameters (ids in forward_)
  // Trainable genes: units (block names, or op names of ops without a block) that have
  // parameters, in forward order; per unit and experiment adapter, its targets inside.
  std::vector<std::string> train_units_;
  std::vector<char> unit_is_block_;
  std::vector<std::vector<std::vector<std::string>>> unit_sites_;
  accelerators::Accelerator base_acc_;
  training::Chain chain_;
  std::vector<int> forward_ops_;  // forward op ids in order
  // Forward ops placed by the genome: one allocation gene per op that more than one core
  // class can run; the others are pinned to their only class. Derived ops follow.
  std::vector<int> alloc_ops_;
  std::vector<int> gene_of_alloc_op_;           // index into the allocation genes, -1 when pinned
  std::vector<std::string> blocks_;             // forward blocks in order (tile genes)
  std::vector<int> block_of_op_;                // forward op id -> index into blocks_
  std::vector<std::vector<int>> core_classes_;  // identical cores (GPU SMs) form one class
  std::vector<std::vector<int>> classes_of_unit_;  // per alloc op: classes that can run it
  std::vector<ga::GeneGroup> groups_;
  size_t n_alloc_ = 0, n_cuts_ = 0, n_tiles_ = 0, n_mirror_ = 0, n_ckpt_ = 0, n_hw_ = 0,
         n_train_ = 0;
  size_t offset_alloc_ = 0, offset_cuts_ = 0, offset_tiles_ = 0, offset_mirror_ = 0,
         offset_ckpt_ = 0, offset_hw_ = 0, offset_train_ = 0;

  mutable std::mutex mutex_;
  mutable std::map<std::vector<int>, std::shared_ptr<const HwVariant>> hw_;
  mutable std::map<std::vector<int>, std::shared_ptr<const Variant>> variants_;
};

}  // namespace monet::codesign

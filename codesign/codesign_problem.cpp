#include "codesign/codesign_problem.hpp"

#include <cstdio>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "accelerators/area.hpp"
#include "accelerators/checked.hpp"
#include "accelerators/loader.hpp"
#include "codesign/chain_problem.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "fusion/experiment_writer.hpp"
#include "fusion/scheduler.hpp"
#include "training/checkpoint_dp.hpp"
#include "training/expand.hpp"

namespace monet::codesign {

using workloads::Pass;

std::string HardwareKnob::label() const {
  switch (kind) {
    case Kind::kArraySize:
      return core + ".array";
    case Kind::kMemorySize:
      return core + "." + memory + ".size";
    case Kind::kDramBandwidth:
      return "dram.bandwidth";
  }
  return "?";
}

namespace {
struct GeneGroupName {
  const char* name;
  bool CodesignConfig::*searched;
};
constexpr GeneGroupName kGeneGroups[] = {{"allocation", &CodesignConfig::allocation},
                                         {"fusion", &CodesignConfig::fusion},
                                         {"checkpoint", &CodesignConfig::checkpoint},
                                         {"hardware", &CodesignConfig::hardware},
                                         {"trainable", &CodesignConfig::trainable}};

constexpr std::pair<HardwareKnob::Kind, const char*> kKnobKinds[] = {
    {HardwareKnob::Kind::kArraySize, "array"},
    {HardwareKnob::Kind::kMemorySize, "memory"},
    {HardwareKnob::Kind::kDramBandwidth, "dram_bandwidth"}};
}  // namespace

std::vector<std::string> gene_group_names(const CodesignConfig& c) {
  std::vector<std::string> out;
  for (const auto& g : kGeneGroups)
    if (c.*g.searched) out.emplace_back(g.name);
  return out;
}

std::string gene_group_list() {
  std::string out;
  for (const auto& g : kGeneGroups) out += (out.empty() ? "" : ", ") + std::string(g.name);
  return out;
}

void set_gene_groups(CodesignConfig& c, const std::vector<std::string>& names) {
  for (const auto& g : kGeneGroups) c.*g.searched = false;
  for (const auto& n : names) {
    auto it = std::find_if(std::begin(kGeneGroups), std::end(kGeneGroups),
                           [&](const GeneGroupName& g) { return n == g.name; });
    if (it == std::end(kGeneGroups))
      throw core::Error("unknown gene group '" + n + "' (" + gene_group_list() + ")");
    c.*it->searched = true;
  }
}

std::string_view knob_kind_name(HardwareKnob::Kind k) {
  for (const auto& [kind, name] : kKnobKinds)
    if (kind == k) return name;
  return "?";
}

HardwareKnob::Kind parse_knob_kind(std::string_view name) {
  std::string known;
  for (const auto& [kind, n] : kKnobKinds) {
    if (name == n) return kind;
    known += (known.empty() ? "" : ", ") + std::string(n);
  }
  throw core::Error("knob kind '" + std::string(name) + "' is not one of " + known);
}

std::optional<core::Dimension> knob_value_dimension(HardwareKnob::Kind k) {
  switch (k) {
    case HardwareKnob::Kind::kArraySize:
      return std::nullopt;
    case HardwareKnob::Kind::kMemorySize:
      return core::Dimension::kBytes;
    case HardwareKnob::Kind::kDramBandwidth:
      return core::Dimension::kBandwidth;
  }
  return std::nullopt;
}

const std::vector<ObjectiveInfo>& objective_table() {
  static const std::vector<ObjectiveInfo> table = {
      {Objective::kLatency, "latency", "latency_s", "latency", "s"},
      {Objective::kEnergy, "energy", "energy_pj", "energy", "pJ"},
      {Objective::kOnchipMemory, "onchip_memory", "peak_onchip_bytes", "peak on-chip memory", "B"},
      {Objective::kDramMemory, "dram_memory", "peak_dram_bytes", "peak DRAM", "B"},
      {Objective::kFootprint, "footprint", "peak_footprint_bytes", "peak footprint", "B"},
      {Objective::kFrozenParameters, "frozen_parameters", "frozen_parameters", "frozen parameters",
       "elements"},
      {Objective::kTtft, "ttft", "ttft_s", "time to first token", "s", false, true},
      {Objective::kTpot, "tpot", "tpot_s", "time per output token", "s", false, true},
      {Objective::kEnergyPerToken, "energy_per_token", "energy_per_token_j",
       "energy per output token", "J", false, true},
      {Objective::kPeakMemory, "peak_memory", "peak_memory_bytes", "peak memory", "B", false, true},
      {Objective::kWeightBitsLost, "weight_bits_lost", "weight_bits_lost",
       "weight bits lost (quality proxy)", "bit", false, true},
      {Objective::kKvCacheBitsLost, "kv_cache_bits_lost", "kv_cache_bits_lost",
       "KV-cache bits lost (quality proxy)", "bit", false, true},
      {Objective::kAveragePower, "average_power", "average_power_w", "average power", "W", true,
       true},
      {Objective::kArea, "area", "area_mm2", "area", "mm2"},
  };
  return table;
}

namespace {
std::string objective_keys(bool ObjectiveInfo::*scored) {
  std::string keys;
  for (const auto& info : objective_table())
    if (info.*scored) keys += (keys.empty() ? "" : ", ") + std::string(info.key);
  return keys;
}
}  // namespace

double relative_violation(double capacity_violation_bytes, double dram_capacity_bytes,
                          std::initializer_list<Limit> limits) {
  double v = dram_capacity_bytes > 0 ? capacity_violation_bytes / dram_capacity_bytes : 0;
  for (const Limit& l : limits)
    if (l.limit > 0) v += std::max(0.0, l.value - l.limit) / l.limit;
  return v;
}

std::string generate_objective_keys() {
  return objective_keys(&ObjectiveInfo::generate);
}
std::string codesign_objective_keys() {
  return objective_keys(&ObjectiveInfo::codesign);
}

const ObjectiveInfo& objective_info(Objective o) {
  for (const auto& info : objective_table())
    if (info.objective == o) return info;
  throw core::Error("objective without a table entry");
}

Objective parse_objective(const std::string& name) {
  std::string known;
  for (const auto& info : objective_table()) {
    if (name == info.key) return info.objective;
    known += (known.empty() ? "" : ", ") + std::string(info.key);
  }
  throw core::Error("unknown objective '" + name + "' (known: " + known + ")");
}

std::string objective_name(Objective o) {
  return objective_info(o).output;
}

struct CodesignProblem::HwVariant {
  std::shared_ptr<const accelerators::Accelerator> acc;
  std::shared_ptr<const mapping::CostModel> costs;
  double area_mm2 = 0;  // estimated (0 when the accelerator states no node)
};

struct CodesignProblem::Variant {
  std::unique_ptr<fusion::Simulation> sim;
  int64_t frozen_parameters = 0;  // training: parameters the step does not train
};

namespace {
int log2_floor(int v) {
  int e = 0;
  while ((2 << e) <= v) ++e;
  return e;
}
}  // namespace

CodesignProblem::CodesignProblem(const fusion::Experiment& experiment, CodesignConfig config)
    : experiment_(experiment),
      config_(std::move(config)),
      forward_(fusion::build_forward(experiment.workload)),
      base_acc_(accelerators::load_accelerator(experiment.accelerator)) {
  if (experiment_.few_shot)
    throw core::Error(
        "search: a few-shot episode (mode: few-shot) is several simulations; search the "
        "training or inference of its backbone instead");
  if (experiment_.teacher)
    throw core::Error(
        "search: distillation steps (distillation.teacher) are not searched; search the "
        "student's training step without the teacher");
  if (config_.checkpoint && !experiment_.training)
    throw core::Error("search: checkpoint genes need a training experiment (mode: training)");
  if (config_.trainable && !experiment_.training)
    throw core::Error("search: trainable genes need a training experiment (mode: training)");
  if (config_.trainable && config_.checkpoint)
    throw core::Error(
        "search: trainable and checkpoint genes cannot be searched together (the checkpoint "
        "genes are built for one trainable set)");
  if (experiment_.training)
    chain_ = training::extract_chain(forward_, experiment_.training_options);
  if (config_.trainable) init_trainable_genes();
  // The forward graph the search places and fuses is the adapted one (adapter ops included);
  // with trainable genes each genome places the adapters itself.
  if (experiment_.training && !experiment_.training_options.adapters.empty() &&
      !config_.trainable) {
    training::AdaptedGraph a =
        training::apply_adapters(forward_, experiment_.training_options.adapters);
    forward_ = std::move(a.graph);
    adapter_params_ = std::move(a.adapter_params);
  }
  for (auto o : config_.objectives)
    if (o == Objective::kFrozenParameters && !experiment_.training)
      throw core::Error("search: the frozen_parameters objective needs a training experiment");
  const bool wants_area =
      config_.max_area_mm2 > 0 || std::find(config_.objectives.begin(), config_.objectives.end(),
                                            Objective::kArea) != config_.objectives.end();
  if (wants_area && !accelerators::estimate_area(base_acc_).estimated)
    throw core::Error(
        "search: the area objective and constraint need an accelerator with a "
        "technology node (add `area: {node: 28 nm}` to " +
        base_acc_.name + "; FPGA and GPU presets state none)");
  if (config_.objectives.empty()) throw core::Error("search: no objectives");
  if (config_.hardware && config_.knobs.empty())
    throw core::Error("search: hardware genes need at least one knob");
  for (const auto& k : config_.knobs) {
    if (k.values.empty()) throw core::Error("search: knob " + k.label() + " has no values");
    if (k.kind != HardwareKnob::Kind::kDramBandwidth) {
      bool found = false;
      for (const auto& c : base_acc_.cores) found = found || c.name == k.core || c.group == k.core;
      if (!found) throw core::Error("search: knob " + k.label() + " names an unknown core");
    }
  }
  for (const auto& op : forward_.ops()) {
    forward_ops_.push_back(op.id);
  }
  block_of_op_.assign(forward_.ops().size(), 0);
  for (const auto& op : forward_.ops()) {
    std::string b = op.block.empty() ? op.name : op.block;
    if (blocks_.empty() || blocks_.back() != b) blocks_.push_back(b);
    block_of_op_[op.id] = static_cast<int>(blocks_.size()) - 1;
  }
  // Core classes: cores repeated from one description are interchangeable.
  std::map<std::string, int> class_of_group;
  for (size_t c = 0; c < base_acc_.cores.size(); ++c) {
    const std::string& g =
        base_acc_.cores[c].group.empty() ? base_acc_.cores[c].name : base_acc_.cores[c].group;
    auto [it, fresh] = class_of_group.emplace(g, static_cast<int>(core_classes_.size()));
    if (fresh) core_classes_.emplace_back();
    core_classes_[it->second].push_back(static_cast<int>(c));
  }

  // Allocation: every forward op, over the core classes that can run it — judged on the
  // graph the search simulates (training element sizes), where forward ops keep their ids.
  mapping::CostModel base_costs(base_acc_, experiment_.cost);
  const workloads::Graph sized =
      experiment_.training
          ? training::expand_adapted(forward_, adapter_params_, experiment_.training_options).graph
          : forward_;
  for (const auto& fop : forward_.ops()) {
    const auto& op = sized.op(fop.id);
    std::vector<int> ok;
    for (size_t k = 0; k < core_classes_.size(); ++k)
      if (base_costs.evaluate(sized, op, core_classes_[k][0]).feasible)
        ok.push_back(static_cast<int>(k));
    if (ok.empty())
      throw core::ConfigError(experiment_.accelerator_where, "accelerator", experiment_.accelerator,
                              "no core of this accelerator can run op '" + op.name + "'");
    alloc_ops_.push_back(op.id);
    classes_of_unit_.push_back(ok);
  }
  auto add = [&](ga::GeneGroup g, size_t& offset, size_t& count) {
    offset = ga::genome_length(groups_);
    count = g.size();
    if (count) groups_.push_back(std::move(g));
  };
  if (config_.allocation) {
    ga::GeneGroup g;
    g.name = "allocation";
    g.crossover = ga::GeneGroup::Crossover::kTwoPoint;
    g.mutation = ga::GeneGroup::Mutation::kReset;
    for (auto& ok : classes_of_unit_) {
      gene_of_alloc_op_.push_back(ok.size() > 1 ? static_cast<int>(g.lower.size()) : -1);
      if (ok.size() < 2) continue;
      // Values 0..k-1 pin the op to one core class; k leaves it to the fastest of them, with
      // equally fast cores sharing its tiles (what `allocation_default: fastest` does).
      g.lower.push_back(0);
      g.upper.push_back(static_cast<int>(ok.size()));
    }
    add(std::move(g), offset_alloc_, n_alloc_);
  }
  if (config_.fusion) {
    add(ga::GeneGroup::uniform("fusion_cuts", forward_ops_.size() - 1, 0, 1,
                               ga::GeneGroup::Crossover::kTwoPoint,
                               ga::GeneGroup::Mutation::kBitFlip),
        offset_cuts_, n_cuts_);
    add(ga::GeneGroup::uniform("tile_exponent", blocks_.size(), 0, config_.max_tile_exponent,
                               ga::GeneGroup::Crossover::kUniform, ga::GeneGroup::Mutation::kStep),
        offset_tiles_, n_tiles_);
    // 1: backward stacks mirror the forward ones; 0: backward runs layer by layer.
    if (experiment_.training)
      add(ga::GeneGroup::uniform("backward_fusion", 1, 0, 1, ga::GeneGroup::Crossover::kUniform,
                                 ga::GeneGroup::Mutation::kBitFlip),
          offset_mirror_, n_mirror_);
  }
  if (config_.checkpoint)
    add(ga::GeneGroup::uniform(
            "checkpoint",
            static_cast<size_t>(training::plan_gene_count(chain_, config_.granularity)), 0, 1,
            ga::GeneGroup::Crossover::kUniform, ga::GeneGroup::Mutation::kBitFlip),
        offset_ckpt_, n_ckpt_);
  if (config_.hardware) {
    ga::GeneGroup g;
    g.name = "hardware";
    g.crossover = ga::GeneGroup::Crossover::kUniform;
    g.mutation = ga::GeneGroup::Mutation::kStep;
    for (auto& k : config_.knobs) {
      g.lower.push_back(0);
      g.upper.push_back(static_cast<int>(k.values.size()) - 1);
    }
    add(std::move(g), offset_hw_, n_hw_);
  }
  if (config_.trainable) {
    ga::GeneGroup g;
    g.name = "trainable";
    g.crossover = ga::GeneGroup::Crossover::kUniform;
    g.mutation = ga::GeneGroup::Mutation::kReset;
    for (const auto& sites : unit_sites_) {
      bool adapter = false;
      for (const auto& s : sites) adapter = adapter || !s.empty();
      g.lower.push_back(0);
      g.upper.push_back(adapter ? 2 : 1);
    }
    add(std::move(g), offset_train_, n_train_);
  }
  if (groups_.empty()) throw core::Error("search: no gene group to search");
  ga::validate_genes(groups_);
}

CodesignProblem::~CodesignProblem() = default;

std::vector<ga::GeneGroup> CodesignProblem::genes() const {
  return groups_;
}

std::vector<std::string> objective_column(const std::vector<Objective>& list,
                                          const char* ObjectiveInfo::*field) {
  std::vector<std::string> out;
  for (auto o : list) out.emplace_back(objective_info(o).*field);
  return out;
}

std::vector<std::string> CodesignProblem::objective_names() const {
  return objective_column(config_.objectives, &ObjectiveInfo::output);
}

std::vector<std::string> CodesignProblem::objective_labels() const {
  return objective_column(config_.objectives, &ObjectiveInfo::label);
}

std::vector<std::string> CodesignProblem::objective_units() const {
  return objective_column(config_.objectives, &ObjectiveInfo::unit);
}

std::vector<int> CodesignProblem::slice(const ga::Genome& g, size_t offset, size_t n) const {
  return std::vector<int>(g.begin() + static_cast<long>(offset),
                          g.begin() + static_cast<long>(offset + n));
}

accelerators::Accelerator CodesignProblem::accelerator_for(const ga::Genome& genome) const {
  if (!n_hw_) return base_acc_;
  accelerators::Accelerator acc = base_acc_;
  std::vector<int> idx = slice(genome, offset_hw_, n_hw_);
  // The variant describes itself: the base's description names the base's sizes.
  std::string knobs_text;
  for (size_t k = 0; k < config_.knobs.size(); ++k) {
    const auto& knob = config_.knobs[k];
    double v = knob.values[static_cast<size_t>(idx[k])];
    std::string value;
    if (knob.kind == HardwareKnob::Kind::kArraySize) {
      const auto n = static_cast<int64_t>(v);
      int dims = 0;
      for (const auto& core : acc.cores)
        if (core.name == knob.core || core.group == knob.core)
          dims = std::max(dims, static_cast<int>(core.array.size()));
      for (int d = 0; d < std::max(dims, 1); ++d) value += (d ? "x" : "") + std::to_string(n);
    } else if (knob.kind == HardwareKnob::Kind::kMemorySize) {
      value = core::format_bytes(v);
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4g GB/s", v / 1e9);
      value = buf;
    }
    knobs_text += (knobs_text.empty() ? "" : ", ") + knob.label() + " " + value;
    if (knob.kind == HardwareKnob::Kind::kDramBandwidth) {
      acc.dram.bandwidth_bytes_per_s = v;
      continue;
    }
    for (auto& core : acc.cores) {
      if (core.name != knob.core && core.group != knob.core) continue;
      if (knob.kind == HardwareKnob::Kind::kArraySize) {
        for (auto& d : core.array) d.size = static_cast<int64_t>(v);
      } else {
        for (auto& m : core.memories)
          if (m.name == knob.memory) m.size_bytes = v;
      }
    }
  }
  acc.description =
      "search variant of " + base_acc_.name + ": " + knobs_text + " (other figures as the base's)";
  // Per-PE buffer counts follow the array size; the checker re-derives them (and rejects,
  // with the field named, a memory made smaller than one word).
  return accelerators::checked_accelerator(acc);
}

std::shared_ptr<const CodesignProblem::HwVariant> CodesignProblem::hardware(
    const ga::Genome& genome) const {
  std::vector<int> key = n_hw_ ? slice(genome, offset_hw_, n_hw_) : std::vector<int>{};
  {
    std::lock_guard lock(mutex_);
    if (auto it = hw_.find(key); it != hw_.end()) return it->second;
  }
  auto hw = std::make_shared<HwVariant>();
  auto acc = std::make_shared<const accelerators::Accelerator>(accelerator_for(genome));
  hw->costs = std::make_shared<const mapping::CostModel>(*acc, experiment_.cost);
  const accelerators::AreaEstimate area = accelerators::estimate_area(*acc);
  hw->area_mm2 = area.estimated ? area.total_mm2 : 0;
  hw->acc = std::move(acc);
  std::lock_guard lock(mutex_);
  return hw_.emplace(key, std::move(hw)).first->second;  // first writer wins
}

void CodesignProblem::init_trainable_genes() {
  const auto& adapters = experiment_.training_options.adapters;
  // Validate the adapters on the whole graph once (errors name the experiment's lines).
  if (!adapters.empty()) training::apply_adapters(forward_, adapters);
  std::map<std::string, size_t> index;
  for (const auto& op : forward_.ops()) {
    bool params = false;
    for (int t : op.inputs)
      params = params || forward_.tensor(t).kind == workloads::TensorKind::kParameter;
    const std::string unit = op.block.empty() ? op.name : op.block;
    if (!params || index.count(unit)) continue;
    index[unit] = train_units_.size();
    train_units_.push_back(unit);
    unit_is_block_.push_back(!op.block.empty());
  }
  if (train_units_.empty())
    throw core::Error("search: trainable genes: the graph has no parameter");
  unit_sites_.assign(train_units_.size(), std::vector<std::vector<std::string>>(adapters.size()));
  auto unit_of_op = [&](const workloads::Op& op) -> long {
    auto it = index.find(op.block.empty() ? op.name : op.block);
    return it == index.end() ? -1 : static_cast<long>(it->second);
  };
  for (size_t a = 0; a < adapters.size(); ++a) {
    const auto& spec = adapters[a];
    for (const auto& op : forward_.ops()) {
      bool hit = false;
      for (const auto& p : spec.targets)
        hit = hit ||
              core::glob_match(p, spec.kind == training::AdapterKind::kLora ? op.name : op.block);
      long u = unit_of_op(op);
      if (!hit || u < 0) continue;
      auto& sites = unit_sites_[static_cast<size_t>(u)][a];
      const std::string site = spec.kind == training::AdapterKind::kLora ? op.name : op.block;
      if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
    }
  }
}

std::vector<int> CodesignProblem::trainable_choice(const ga::Genome& genome) const {
  std::vector<int> c = slice(genome, offset_train_, n_train_);
  if (std::find_if(c.begin(), c.end(), [](int v) { return v != 0; }) == c.end())
    c.back() = 1;  // nothing would train: train the last block (last-layer training)
  return c;
}

training::TrainingOptions CodesignProblem::training_options(const ga::Genome& genome) const {
  training::TrainingOptions o = experiment_.training_options;
  if (n_train_) {
    const auto choice = trainable_choice(genome);
    training::TrainableSpec t;
    t.policy = training::TrainablePolicy::kPatterns;
    std::vector<training::AdapterSpec> adapters;
    for (size_t a = 0; a < o.adapters.size(); ++a) {
      training::AdapterSpec spec = o.adapters[a];
      spec.targets.clear();
      spec.target_sources.clear();
      for (size_t u = 0; u < choice.size(); ++u)
        if (choice[u] == 2)
          for (const auto& site : unit_sites_[u][a]) spec.targets.push_back(site);
      if (!spec.targets.empty()) adapters.push_back(std::move(spec));
    }
    for (size_t u = 0; u < choice.size(); ++u)
      if (choice[u] == 1)
        t.patterns.push_back(unit_is_block_[u] ? "block:" + train_units_[u] : train_units_[u]);
    // Only adapters: the default set (adapters only).
    if (t.patterns.empty()) t.policy = training::TrainablePolicy::kDefault;
    o.trainable = t;
    o.adapters = std::move(adapters);
  }
  if (n_ckpt_) {
    auto plan = canonical_chain_plan(
        chain_, training::plan_from_genes(chain_, config_.granularity,
                                          slice(genome, offset_ckpt_, n_ckpt_)));
    o.checkpoint = training::to_checkpoint_plan(chain_, plan);
  }
  return o;
}

std::shared_ptr<const CodesignProblem::Variant> CodesignProblem::variant(
    const ga::Genome& genome) const {
  std::vector<int> key = n_hw_ ? slice(genome, offset_hw_, n_hw_) : std::vector<int>{};
  if (n_ckpt_) {
    auto bits = slice(genome, offset_ckpt_, n_ckpt_);
    key.push_back(-1);
    key.insert(key.end(), bits.begin(), bits.end());
  }
  if (n_train_) {
    auto choice = trainable_choice(genome);
    key.push_back(-2);
    key.insert(key.end(), choice.begin(), choice.end());
  }
  {
    std::lock_guard lock(mutex_);
    if (auto it = variants_.find(key); it != variants_.end()) return it->second;
  }
  auto hw = hardware(genome);
  auto v = std::make_shared<Variant>();
  workloads::Graph graph = forward_;
  if (experiment_.training) {
    const training::TrainingOptions o = training_options(genome);
    training::TrainingStep step = n_train_ ? training::expand(forward_, o)
                                           : training::expand_adapted(forward_, adapter_params_, o);
    v->frozen_parameters = step.parameters - step.trainable_parameters;
    graph = std::move(step.graph);
  }
  v->sim = std::make_unique<fusion::Simulation>(std::move(graph), hw->acc, hw->costs);
  std::lock_guard lock(mutex_);
  return variants_.emplace(key, std::move(v)).first->second;
}

fusion::PlanSpec CodesignProblem::plan_spec(const ga::Genome& genome) const {
  fusion::PlanSpec spec = experiment_.plan;
  if (n_cuts_) {
    auto cuts = slice(genome, offset_cuts_, n_cuts_);
    auto exps = slice(genome, offset_tiles_, n_tiles_);
    spec.rule = fusion::StackRule::kExplicit;
    spec.starts.clear();
    spec.stack_tiles.clear();
    for (size_t i = 0; i < forward_ops_.size(); ++i) {
      if (i > 0 && !cuts[i - 1]) continue;
      int op = forward_ops_[i];
      spec.starts.push_back(forward_.op(op).name);
      spec.stack_tiles.push_back(1 << exps[static_cast<size_t>(block_of_op_[op])]);
    }
    spec.tiles = *std::max_element(spec.stack_tiles.begin(), spec.stack_tiles.end());
    if (n_mirror_) spec.mirror_backward = genome[offset_mirror_] == 1;
  }
  if (n_alloc_) {
    auto genes = slice(genome, offset_alloc_, n_alloc_);
    spec.allocation.clear();
    for (size_t u = 0; u < alloc_ops_.size(); ++u) {
      fusion::AllocationRule rule;
      rule.name_pattern = forward_.op(alloc_ops_[u]).name;
      rule.strict = false;  // a gene's core that cannot run the op is a reported fall-back
      int gene = gene_of_alloc_op_[u];
      size_t k = gene < 0 ? 0 : static_cast<size_t>(genes[static_cast<size_t>(gene)]);
      const auto& ok = classes_of_unit_[u];
      for (size_t j = 0; j < ok.size(); ++j)
        if (j == k || k == ok.size())
          for (int c : core_classes_[static_cast<size_t>(ok[j])])
            rule.cores.push_back(base_acc_.cores[static_cast<size_t>(c)].name);
      spec.allocation.push_back(std::move(rule));
    }
    spec.allocation_default = fusion::AllocationDefault::kFollow;
  }
  return spec;
}

fusion::Schedule CodesignProblem::simulate(const ga::Genome& genome, bool keep_records) const {
  auto v = variant(genome);
  fusion::FusionPlan plan = v->sim->plan(plan_spec(genome));
  fusion::ScheduleOptions opt;
  opt.keep_records = keep_records;
  return v->sim->evaluate(plan, opt);
}

ga::Evaluation CodesignProblem::evaluate(const ga::Genome& genome) const {
  fusion::Schedule s = simulate(genome, false);
  ga::Evaluation e;
  for (auto o : config_.objectives) {
    switch (o) {
      case Objective::kLatency:
        e.objectives.push_back(s.summary.latency_s);
        break;
      case Objective::kEnergy:
        e.objectives.push_back(s.summary.energy.total_pj());
        break;
      case Objective::kOnchipMemory:
        e.objectives.push_back(s.summary.peak_onchip_bytes);
        break;
      case Objective::kDramMemory:
        e.objectives.push_back(s.summary.peak_dram_bytes);
        break;
      case Objective::kFootprint:
        e.objectives.push_back(s.summary.peak_footprint_bytes);
        break;
      case Objective::kFrozenParameters:
        e.objectives.push_back(static_cast<double>(variant(genome)->frozen_parameters));
        break;
      case Objective::kAveragePower:
        e.objectives.push_back(s.summary.power.average_w);
        break;
      case Objective::kArea:
        e.objectives.push_back(hardware(genome)->area_mm2);
        break;
      default:  // the generation objectives: refused by search_rule_breaks
        throw core::Error("search: objective '" + std::string(objective_info(o).key) +
                          "' belongs to generate searches (mode: generate)");
    }
  }
  e.violation = s.summary.capacity_violation_bytes;
  if (config_.constrained())
    e.violation = relative_violation(s.summary.capacity_violation_bytes,
                                     hardware(genome)->acc->dram.capacity_bytes,
                                     {{hardware(genome)->area_mm2, config_.max_area_mm2},
                                      {s.summary.power.average_w, config_.max_average_power_w}});
  return e;
}

std::vector<ga::Genome> CodesignProblem::seeds() const {
  // The base: fastest class per op, the experiment's stacks and tiles, store-all, base knobs.
  ga::Genome base(ga::genome_length(groups_), 0);
  if (n_alloc_)
    for (size_t u = 0; u < alloc_ops_.size(); ++u)
      if (gene_of_alloc_op_[u] >= 0)
        base[offset_alloc_ + static_cast<size_t>(gene_of_alloc_op_[u])] =
            static_cast<int>(classes_of_unit_[u].size());  // fastest
  auto set_fusion = [&](ga::Genome& g, fusion::StackRule rule, int tiles) {
    if (!n_cuts_) return;
    auto groups = fusion::group_forward_ops(forward_, rule, experiment_.plan.ops_per_stack,
                                            experiment_.plan.starts);
    for (size_t i = 1; i < forward_ops_.size(); ++i)
      g[offset_cuts_ + i - 1] = groups[forward_ops_[i]] != groups[forward_ops_[i - 1]];
    int e = std::min(log2_floor(std::max(1, tiles)), config_.max_tile_exponent);
    for (size_t b = 0; b < n_tiles_; ++b)
      g[offset_tiles_ + b] = rule == fusion::StackRule::kLayerByLayer ? 0 : e;
    if (n_mirror_) g[offset_mirror_] = experiment_.plan.mirror_backward ? 1 : 0;
  };
  auto set_ckpt = [&](ga::Genome& g, const training::ChainPlan& p) {
    if (!n_ckpt_) return;
    auto bits = training::plan_genes(p);
    std::copy(bits.begin(), bits.end(), g.begin() + static_cast<long>(offset_ckpt_));
  };
  if (n_hw_)
    for (size_t k = 0; k < config_.knobs.size(); ++k) {
      // Start from the knob value nearest the preset's own.
      const auto& knob = config_.knobs[k];
      base[offset_hw_ + k] = static_cast<int>(knob.values.size() / 2);
    }
  // Trainable genes: full fine-tuning first, then last-layer training, then adapters wherever
  // one attaches with the last block trained (the known points of the memory-time trade).
  if (n_train_) std::fill_n(base.begin() + static_cast<long>(offset_train_), n_train_, 1);
  std::vector<ga::Genome> out;
  ga::Genome own = base;
  set_fusion(own, experiment_.plan.rule, experiment_.plan.tiles);
  if (n_ckpt_) set_ckpt(own, training::store_all_plan(chain_, config_.granularity));
  out.push_back(own);
  if (n_train_) {
    ga::Genome last = own;
    std::fill_n(last.begin() + static_cast<long>(offset_train_), n_train_, 0);
    last[offset_train_ + n_train_ - 1] = 1;
    out.push_back(last);
    ga::Genome adapters = last;
    for (size_t u = 0; u + 1 < n_train_; ++u)
      if (groups_.back().upper[u] == 2) adapters[offset_train_ + u] = 2;
    out.push_back(adapters);
  }
  ga::Genome lbl = own;
  set_fusion(lbl, fusion::StackRule::kLayerByLayer, 1);
  out.push_back(lbl);
  for (int e = 1; e <= config_.max_tile_exponent; ++e) {
    ga::Genome fused = own;
    set_fusion(fused, fusion::StackRule::kBlocks, 1 << e);
    out.push_back(fused);
    if (n_mirror_) {
      fused[offset_mirror_] = 1 - fused[offset_mirror_];
      out.push_back(fused);
    }
  }
  if (n_ckpt_) {
    ga::Genome sq = own;
    set_fusion(sq, fusion::StackRule::kBlocks, 1 << std::min(3, config_.max_tile_exponent));
    set_ckpt(sq, training::sqrt_plan(chain_, config_.granularity));
    out.push_back(sq);
  }
  // Most important first (a small population keeps only the first ones); no duplicates.
  std::vector<ga::Genome> unique;
  for (auto& g : out)
    if (std::find(unique.begin(), unique.end(), g) == unique.end()) unique.push_back(std::move(g));
  return unique;
}

std::vector<fusion::Fallback> CodesignProblem::fallbacks(const ga::Genome& genome) const {
  return variant(genome)->sim->plan(plan_spec(genome)).fallbacks;
}

std::string CodesignProblem::describe(const ga::Genome& genome) const {
  std::ostringstream o;
  fusion::PlanSpec spec = plan_spec(genome);
  if (n_cuts_) {
    // Run-length tiles: "stacks 12 tiles 8x4,2x8" = four stacks of 8 tiles, eight of 2.
    o << "stacks " << spec.starts.size() << " tiles ";
    for (size_t i = 0; i < spec.stack_tiles.size();) {
      size_t j = i;
      while (j < spec.stack_tiles.size() && spec.stack_tiles[j] == spec.stack_tiles[i]) ++j;
      o << (i ? "," : "") << spec.stack_tiles[i] << "x" << (j - i);
      i = j;
    }
    if (n_mirror_ && genome[offset_mirror_] == 0) o << " (backward layer by layer)";
  } else {
    o << "stacks " << experiment_.plan_name << " tiles " << experiment_.plan.tiles;
  }
  if (n_alloc_) {
    std::map<std::string, int> count;
    for (auto& r : spec.allocation) ++count[r.cores.size() == 1 ? r.cores[0] : r.cores[0] + "+"];
    // "sa_ws+" counts ops left to the fastest of several cores starting with sa_ws.
    o << " | cores";
    for (auto& [c, n] : count) o << " " << c << ":" << n;
  }
  if (n_ckpt_)
    o << " | checkpoint "
      << training::plan_str(
             chain_, canonical_chain_plan(
                         chain_, training::plan_from_genes(chain_, config_.granularity,
                                                           slice(genome, offset_ckpt_, n_ckpt_))));
  if (n_train_) {
    // "| trained 2/10: layer4.1,head | adapters 3: layer1.0,..."
    auto choice = trainable_choice(genome);
    auto list = [&](int value) {
      std::string names;
      size_t n = 0;
      for (size_t u = 0; u < choice.size(); ++u)
        if (choice[u] == value) names += (n++ ? "," : "") + train_units_[u];
      return std::make_pair(n, names);
    };
    auto [trained, trained_names] = list(1);
    o << " | trained " << trained << "/" << choice.size()
      << (trained ? ": " + trained_names : std::string());
    const auto& upper = groups_.back().upper;
    if (std::find(upper.begin(), upper.end(), 2) != upper.end()) {
      auto [adapted, adapted_names] = list(2);
      o << " | adapters " << adapted << (adapted ? ": " + adapted_names : std::string());
    }
  }
  if (n_hw_) {
    o << " | hw";
    for (size_t k = 0; k < config_.knobs.size(); ++k) {
      const auto& knob = config_.knobs[k];
      double v = knob.values[static_cast<size_t>(genome[offset_hw_ + k])];
      o << " " << knob.label() << "=";
      if (knob.kind == HardwareKnob::Kind::kMemorySize)
        o << core::format_bytes(v);
      else if (knob.kind == HardwareKnob::Kind::kDramBandwidth)
        o << v / 1e9 << " GB/s";
      else
        o << v << "x" << v;
    }
  }
  return o.str();
}

std::string CodesignProblem::experiment_yaml(const ga::Genome& genome, const std::string& name,
                                             const std::string& accelerator_file) const {
  // The experiment with the genome's choices, written by the experiment writer so that every
  // other field (element_bits, cost, outputs, few-shot, teacher, search) is kept.
  fusion::Experiment e = experiment_;
  e.name = name;
  if (e.training) e.training_options = training_options(genome);
  if (n_hw_) e.accelerator = accelerator_file;
  e.plan = plan_spec(genome);
  if (e.plan.rule == fusion::StackRule::kExplicit) e.plan_name = "explicit";
  return fusion::write_experiment_yaml(
      e, "Replays one member of a monet-sim search front (" + describe(genome) + ").");
}

}  // namespace monet::codesign

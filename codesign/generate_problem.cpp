#include "codesign/generate_problem.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "accelerators/loader.hpp"
#include "core/error.hpp"
#include "core/glob.hpp"
#include "fusion/experiment_writer.hpp"
#include "mapping/cost.hpp"

namespace monet::codesign {

namespace {
struct GroupName {
  const char* name;
  bool GenerateSearchConfig::*searched;
};
constexpr GroupName kGroups[] = {{"weights", &GenerateSearchConfig::weights},
                                 {"kv_cache", &GenerateSearchConfig::kv_cache},
                                 {"fusion", &GenerateSearchConfig::fusion},
                                 {"allocation", &GenerateSearchConfig::allocation}};

// "8", "4g128", "t1.6" (ternary five per byte), "t2".
std::string short_format(const workloads::WeightFormat& f) {
  if (f.kind == workloads::WeightFormat::Kind::kTernary)
    return f.ternary_per_word == 5 ? "t1.6" : "t2";
  return std::to_string(f.bits) + (f.group_size ? "g" + std::to_string(f.group_size) : "");
}

// Op roles (names with layer numbers blanked) no core of the accelerator can run as the
// experiment's precision makes them, with the cores' reasons: one decode step is enough to
// see every role at every precision.
std::map<std::string, std::string> unrunnable_roles(const fusion::Experiment& x,
                                                    const accelerators::Accelerator& acc,
                                                    const mapping::CostModel& costs) {
  const fusion::GenerationRun r = fusion::generation_setup(x);
  const workloads::Graph g = fusion::generation_graph(r, 1, 1);
  std::map<std::string, std::string> out;
  std::map<std::string, bool> seen;
  for (const auto& op : g.ops()) {
    if (!op.is_compute()) continue;
    std::string role;
    for (char ch : op.name)
      if (!std::isdigit(static_cast<unsigned char>(ch)) || role.empty() || role.back() != '#')
        role += std::isdigit(static_cast<unsigned char>(ch)) ? '#' : ch;
    if (seen[role]) continue;
    seen[role] = true;
    std::string reasons;
    bool declared = false, runs = false;
    for (size_t c = 0; c < acc.cores.size() && !runs; ++c) {
      if (!acc.cores[c].supports(std::string(workloads::op_kind_name(op.kind)))) continue;
      declared = true;
      const mapping::OpCost cost = costs.evaluate(g, op, static_cast<int>(c));
      runs = cost.feasible;
      if (!runs) reasons += (reasons.empty() ? "" : "; ") + acc.cores[c].name + ": " + cost.reason;
    }
    if (declared && !runs) out[role] = "op '" + op.name + "': " + reasons;
  }
  return out;
}

// precision.layer_weights from per-layer choices: one entry per run of consecutive layers with
// equal weights and KV bits (an unset format / 0 bits leaves the layer to `precision`).
template <class WeightsOf, class KvOf>
std::vector<fusion::LayerWeights> layer_entries(int64_t layers, WeightsOf weights_of, KvOf kv_of) {
  std::vector<fusion::LayerWeights> out;
  for (int64_t l = 0; l < layers; ++l) {
    const workloads::WeightFormat w = weights_of(l);
    const int kv = kv_of(l);
    if (!w.set() && !kv) continue;
    if (!out.empty() && out.back().last == l - 1 && out.back().weights == w &&
        out.back().kv_cache == kv)
      out.back().last = l;
    else
      out.push_back({l, l, w, kv, {}});
  }
  return out;
}

// The experiment's own entry values for a layer (unset / 0 where no entry sets them).
workloads::WeightFormat own_weights(const fusion::Experiment& x, int64_t l) {
  const workloads::WeightFormat* f = fusion::layer_weights_of(x.precision.layer_weights, l);
  return f ? *f : workloads::WeightFormat{};
}
int own_kv(const fusion::Experiment& x, int64_t l) {
  return fusion::layer_kv_cache_of(x.precision.layer_weights, l);
}

size_t nearest(const std::vector<double>& values, double v) {
  size_t best = 0;
  for (size_t i = 1; i < values.size(); ++i)
    if (std::abs(values[i] - v) < std::abs(values[best] - v)) best = i;
  return best;
}
}  // namespace

std::vector<std::string> generate_gene_group_names(const GenerateSearchConfig& c) {
  std::vector<std::string> out;
  for (const auto& g : kGroups)
    if (c.*g.searched) out.emplace_back(g.name);
  return out;
}

std::string generate_gene_group_list() {
  std::string out;
  for (const auto& g : kGroups) out += (out.empty() ? "" : ", ") + std::string(g.name);
  return out;
}

void set_generate_gene_groups(GenerateSearchConfig& c, const std::vector<std::string>& names) {
  for (const auto& g : kGroups) c.*g.searched = false;
  for (const auto& n : names) {
    auto it = std::find_if(std::begin(kGroups), std::end(kGroups),
                           [&](const GroupName& g) { return n == g.name; });
    if (it == std::end(kGroups))
      throw core::Error("unknown gene group '" + n + "' of a generate search (" +
                        generate_gene_group_list() + ")");
    c.*it->searched = true;
  }
}

std::vector<Objective> default_generate_objectives() {
  return {Objective::kTtft,       Objective::kTpot,           Objective::kEnergyPerToken,
          Objective::kPeakMemory, Objective::kWeightBitsLost, Objective::kKvCacheBitsLost};
}

void parse_generate_fields(const core::YamlNode& s, GenerateSearchConfig& c) {
  c.node = s;
  if (s.has("layer_groups")) c.layer_groups = static_cast<int>(s["layer_groups"].as_int(1, 4096));
  auto list = [&](const char* key) {
    core::YamlNode n = s[key];
    if (!n.is_seq()) n.fail("must be a list");
    return n;
  };
  if (s.has("weight_formats")) {
    core::YamlNode n = list("weight_formats");
    for (size_t i = 0; i < n.size(); ++i)
      c.weight_formats.push_back(workloads::weight_format_from_yaml(n.at(i)));
  }
  if (s.has("other_weight_bits")) {
    core::YamlNode n = list("other_weight_bits");
    for (size_t i = 0; i < n.size(); ++i)
      c.other_weight_bits.push_back(workloads::precision_bits_from_yaml(n.at(i)));
  }
  if (s.has("kv_cache_bits")) {
    core::YamlNode n = list("kv_cache_bits");
    for (size_t i = 0; i < n.size(); ++i)
      c.kv_cache_bits.push_back(workloads::precision_bits_from_yaml(n.at(i)));
  }
  if (s.has("allocation_ops")) c.allocation_ops = s["allocation_ops"].as_string_list();
}

double information_bits(const workloads::WeightFormat& f) {
  return f.kind == workloads::WeightFormat::Kind::kTernary ? std::log2(3.0) : f.bits;
}

GenerateProblem::GenerateProblem(const fusion::Experiment& experiment, GenerateSearchConfig config,
                                 std::vector<Objective> objectives, double max_average_power_w)
    : experiment_(experiment),
      config_(std::move(config)),
      objectives_(std::move(objectives)),
      max_average_power_w_(max_average_power_w) {
  if (!experiment_.generate)
    throw core::Error("search: problem generate needs a generation experiment (mode: generate)");
  if (objectives_.empty()) throw core::Error("search: no objectives");
  for (auto o : objectives_)
    if (!objective_info(o).generate)
      throw core::Error("search: objective '" + std::string(objective_info(o).key) +
                        "' is not a generation objective");
  // A candidate the experiment's hardware cannot take: refused at its value in the section.
  auto fail = [&](const std::string& key, long index, const std::string& value,
                  const std::string& rule) {
    core::YamlNode n = config_.node[key];
    if (n.defined() && index >= 0 && n.is_seq()) n = n.at(static_cast<size_t>(index));
    if (n.defined()) n.fail(rule);
    throw core::ConfigError({experiment_.file, 0},
                            "search." + key + (index >= 0 ? "[" + std::to_string(index) + "]" : ""),
                            value, rule);
  };
  base_ = fusion::generation_setup(experiment_);
  const int64_t layers = base_.config.num_hidden_layers;
  if (config_.layer_groups < 1 || config_.layer_groups > layers)
    fail("layer_groups", -1, std::to_string(config_.layer_groups),
         "must be from 1 to the model's " + std::to_string(layers) + " decoder layers");
  const int64_t n_groups = config_.layer_groups;
  for (int64_t k = 0; k < n_groups; ++k)
    groups_.emplace_back(k * layers / n_groups, (k + 1) * layers / n_groups - 1);
  if (config_.max_tile_exponent < 0 ||
      (int64_t{1} << config_.max_tile_exponent) > base_.prompt_tokens)
    fail("max_tile_exponent", -1, std::to_string(config_.max_tile_exponent),
         "2^max_tile_exponent prefill tiles must not exceed the prompt's " +
             std::to_string(base_.prompt_tokens) + " tokens");

  // Parameters per layer group and the experiment's own bits (the proxy's reference).
  {
    const workloads::Graph g = fusion::generation_graph(base_, 1, 0);
    const std::vector<int> layer = fusion::block_linear_weight_layers(g);
    group_params_.assign(groups_.size(), 0);
    group_ref_bits_.assign(groups_.size(), 0);
    for (const auto& t : g.tensors()) {
      if (t.kind != workloads::TensorKind::kParameter) continue;
      const double n = static_cast<double>(t.elements());
      total_params_ += n;
      if (layer[t.id] < 0) {
        other_params_ += n;
        continue;
      }
      size_t k = 0;
      while (groups_[k].second < layer[t.id]) ++k;
      group_params_[k] += n;
      group_ref_bits_[k] += n * information_bits(base_.layer_format(layer[t.id]));
    }
  }

  // Every candidate must run on some core wherever the experiment's own precision does.
  const accelerators::Accelerator acc = accelerators::load_accelerator(experiment_.accelerator);
  dram_capacity_bytes_ = acc.dram.capacity_bytes;
  const mapping::CostModel costs(acc, experiment_.cost);
  const auto base_unrunnable = unrunnable_roles(experiment_, acc, costs);
  std::vector<fusion::Experiment> variants = {experiment_};  // every candidate, one at a time
  auto check = [&](fusion::Experiment x, const char* key, size_t i, const std::string& value) {
    x.precision.node = core::YamlNode();
    variants.push_back(x);
    for (const auto& [role, why] : unrunnable_roles(x, acc, costs))
      if (!base_unrunnable.count(role))
        fail(key, static_cast<long>(i), value,
             "no core of '" + acc.name + "' can run this precision: " + why);
  };
  // A candidate is checked on every layer at once, the other choices kept as the experiment's.
  if (config_.weights) {
    for (size_t i = 0; i < config_.weight_formats.size(); ++i) {
      fusion::Experiment x = experiment_;
      x.precision.layer_weights = layer_entries(
          layers, [&](int64_t) { return config_.weight_formats[i]; },
          [&](int64_t l) { return own_kv(experiment_, l); });
      check(x, "weight_formats", i, config_.weight_formats[i].str());
    }
    for (size_t i = 0; i < config_.other_weight_bits.size(); ++i) {
      fusion::Experiment x = experiment_;
      x.precision.other_weights = config_.other_weight_bits[i];
      check(x, "other_weight_bits", i, std::to_string(config_.other_weight_bits[i]));
    }
  }
  if (config_.kv_cache)
    for (size_t i = 0; i < config_.kv_cache_bits.size(); ++i) {
      fusion::Experiment x = experiment_;
      x.precision.layer_weights = layer_entries(
          layers, [&](int64_t l) { return own_weights(experiment_, l); },
          [&](int64_t) { return config_.kv_cache_bits[i]; });
      check(x, "kv_cache_bits", i, std::to_string(config_.kv_cache_bits[i]));
    }

  // Core classes: cores repeated from one description are interchangeable.
  std::map<std::string, int> class_of_group;
  for (size_t c = 0; c < acc.cores.size(); ++c) {
    core_names_.push_back(acc.cores[c].name);
    const std::string& g = acc.cores[c].group.empty() ? acc.cores[c].name : acc.cores[c].group;
    auto [it, fresh] = class_of_group.emplace(g, static_cast<int>(core_classes_.size()));
    if (fresh) core_classes_.emplace_back();
    core_classes_[static_cast<size_t>(it->second)].push_back(static_cast<int>(c));
  }
  if (config_.allocation) {
    // The classes that can run every op a glob matches, in the prefill (the larger shapes), at
    // the experiment's precision and at every candidate: an op's operands take their bits from
    // one gene each, so whatever a genome combines, the class it names runs the op and the
    // replay file's allocation rule (strict, like every rule a file states) holds.
    std::vector<workloads::Graph> graphs;
    for (const auto& x : variants)
      graphs.push_back(
          fusion::generation_graph(fusion::generation_setup(x), base_.prompt_tokens, 0));
    const workloads::Graph& g = graphs.front();
    for (size_t i = 0; i < config_.allocation_ops.size(); ++i) {
      const std::string& pattern = config_.allocation_ops[i];
      std::vector<int> ops;
      for (const auto& op : g.ops())
        if (op.is_compute() && core::glob_match(pattern, op.name)) ops.push_back(op.id);
      if (ops.empty())
        fail("allocation_ops", static_cast<long>(i), pattern,
             "matches no loop-nest op of the decoder (op names as `monet-sim describe` prints "
             "them, e.g. lm_head)");
      std::vector<int> ok;
      for (size_t k = 0; k < core_classes_.size(); ++k) {
        const int c = core_classes_[k][0];
        bool all = true;
        for (const auto& v : graphs)
          for (int id : ops)
            all = all &&
                  acc.cores[static_cast<size_t>(c)].supports(
                      std::string(workloads::op_kind_name(v.op(id).kind))) &&
                  costs.evaluate(v, v.op(id), c).feasible;
        if (all) ok.push_back(static_cast<int>(k));
      }
      if (ok.empty())
        fail("allocation_ops", static_cast<long>(i), pattern,
             "no core class of '" + acc.name +
                 "' can run every op it matches at the experiment's precision and every "
                 "candidate");
      alloc_classes_.push_back(std::move(ok));
    }
  }

  auto add = [&](ga::GeneGroup g, size_t& offset, size_t& count) {
    offset = ga::genome_length(gene_groups_);
    count = g.size();
    if (count) gene_groups_.push_back(std::move(g));
  };
  const int n_formats = static_cast<int>(config_.weight_formats.size());
  if (config_.weights && n_formats > 0) {
    ga::GeneGroup g;
    g.name = "weights";
    g.crossover = ga::GeneGroup::Crossover::kUniform;
    g.mutation = ga::GeneGroup::Mutation::kReset;
    g.lower.assign(groups_.size(), 0);
    g.upper.assign(groups_.size(), n_formats - 1);
    if (!config_.other_weight_bits.empty()) {
      g.lower.push_back(0);
      g.upper.push_back(static_cast<int>(config_.other_weight_bits.size()) - 1);
    }
    add(std::move(g), offset_weights_, n_weights_);
  }
  if (config_.kv_cache && !config_.kv_cache_bits.empty())
    add(ga::GeneGroup::uniform("kv_cache", groups_.size(), 0,
                               static_cast<int>(config_.kv_cache_bits.size()) - 1,
                               ga::GeneGroup::Crossover::kUniform, ga::GeneGroup::Mutation::kReset),
        offset_kv_, n_kv_);
  // 0: layer by layer; e + 1: one stack per decoder block with 2^e prefill tiles.
  if (config_.fusion)
    add(ga::GeneGroup::uniform("prefill_fusion", 1, 0, config_.max_tile_exponent + 1,
                               ga::GeneGroup::Crossover::kUniform, ga::GeneGroup::Mutation::kStep),
        offset_fusion_, n_fusion_);
  if (config_.allocation) {
    ga::GeneGroup g;
    g.name = "allocation";
    g.crossover = ga::GeneGroup::Crossover::kUniform;
    g.mutation = ga::GeneGroup::Mutation::kReset;
    for (const auto& ok : alloc_classes_) {
      g.lower.push_back(0);
      g.upper.push_back(static_cast<int>(ok.size()));  // k: the fastest of them
    }
    add(std::move(g), offset_alloc_, n_alloc_);
  }
  if (gene_groups_.empty()) throw core::Error("search: no gene group to search");
  ga::validate_genes(gene_groups_);
}

std::vector<ga::GeneGroup> GenerateProblem::genes() const {
  return gene_groups_;
}

std::vector<std::string> GenerateProblem::objective_names() const {
  return objective_column(objectives_, &ObjectiveInfo::output);
}

std::vector<std::string> GenerateProblem::objective_labels() const {
  return objective_column(objectives_, &ObjectiveInfo::label);
}

std::vector<std::string> GenerateProblem::objective_units() const {
  return objective_column(objectives_, &ObjectiveInfo::unit);
}

const workloads::WeightFormat& GenerateProblem::group_format(const ga::Genome& g,
                                                             size_t group) const {
  if (!n_weights_) return base_.layer_format(groups_[group].first);
  return config_.weight_formats[static_cast<size_t>(g[offset_weights_ + group])];
}

int GenerateProblem::other_bits(const ga::Genome& g) const {
  if (!n_weights_ || config_.other_weight_bits.empty()) return base_.other_weight_bits;
  return config_.other_weight_bits[static_cast<size_t>(g[offset_weights_ + groups_.size()])];
}

size_t GenerateProblem::group_of(int64_t layer) const {
  size_t k = 0;
  while (groups_[k].second < layer) ++k;
  return k;
}

int GenerateProblem::layer_kv_bits(const ga::Genome& g, int64_t layer) const {
  if (!n_kv_) return base_.layer_kv_cache_bits(layer);
  return config_.kv_cache_bits[static_cast<size_t>(g[offset_kv_ + group_of(layer)])];
}

fusion::Experiment GenerateProblem::experiment_for(const ga::Genome& g) const {
  fusion::Experiment x = experiment_;
  if (n_weights_ || n_kv_) {
    // Searched choices explicit per layer, the others as the experiment's own entries set them.
    x.precision.layer_weights = layer_entries(
        base_.config.num_hidden_layers,
        [&](int64_t l) {
          return n_weights_ ? group_format(g, group_of(l)) : own_weights(experiment_, l);
        },
        [&](int64_t l) { return n_kv_ ? layer_kv_bits(g, l) : own_kv(experiment_, l); });
    // Unchanged when not searched: the experiment's own rule for the other weights.
    if (n_weights_ && !config_.other_weight_bits.empty()) x.precision.other_weights = other_bits(g);
  }
  if (n_fusion_) {
    const int v = g[offset_fusion_];
    x.plan.starts.clear();
    x.plan.stack_tiles.clear();
    x.plan.rule = v == 0 ? fusion::StackRule::kLayerByLayer : fusion::StackRule::kBlocks;
    x.plan.tiles = v == 0 ? 1 : 1 << (v - 1);
    x.plan_name = v == 0 ? "layer-by-layer" : "blocks";
  }
  if (n_alloc_) {
    // The genes' rules first (the first matching rule wins), then the experiment's own.
    std::vector<fusion::AllocationRule> rules;
    for (size_t i = 0; i < alloc_classes_.size(); ++i) {
      fusion::AllocationRule rule;
      rule.name_pattern = config_.allocation_ops[i];
      rule.strict = false;  // a core the genome's precision rules out is a reported fall-back
      const auto& ok = alloc_classes_[i];
      const size_t k = static_cast<size_t>(g[offset_alloc_ + i]);
      for (size_t j = 0; j < ok.size(); ++j)
        if (j == k || k == ok.size())
          for (int c : core_classes_[static_cast<size_t>(ok[j])])
            rule.cores.push_back(core_names_[static_cast<size_t>(c)]);
      rules.push_back(std::move(rule));
    }
    rules.insert(rules.end(), x.plan.allocation.begin(), x.plan.allocation.end());
    x.plan.allocation = std::move(rules);
  }
  return x;
}

fusion::GenerationRun GenerateProblem::run(const ga::Genome& g) const {
  return fusion::run_generation(experiment_for(g));
}

double GenerateProblem::weight_bits_lost(const ga::Genome& g) const {
  if (!n_weights_ || total_params_ <= 0) return 0;
  double lost = 0;
  for (size_t k = 0; k < groups_.size(); ++k)
    lost += group_ref_bits_[k] - group_params_[k] * information_bits(group_format(g, k));
  lost += other_params_ * (base_.other_weight_bits - other_bits(g));
  return lost / total_params_;
}

double GenerateProblem::kv_cache_bits_lost(const ga::Genome& g) const {
  // Every layer's cache holds the same number of values: the mean over layers is the mean
  // over the cache's values.
  const int64_t layers = base_.config.num_hidden_layers;
  double lost = 0;
  for (int64_t l = 0; l < layers; ++l) lost += base_.layer_kv_cache_bits(l) - layer_kv_bits(g, l);
  return lost / static_cast<double>(layers);
}

ga::Evaluation GenerateProblem::evaluate(const ga::Genome& genome) const {
  const fusion::GenerationRun r = run(genome);
  ga::Evaluation e;
  for (auto o : objectives_) {
    switch (o) {
      case Objective::kTtft:
        e.objectives.push_back(r.ttft_s);
        break;
      case Objective::kTpot:
        e.objectives.push_back(r.tpot_s());
        break;
      case Objective::kEnergyPerToken:
        e.objectives.push_back(r.energy_per_token_j());
        break;
      case Objective::kPeakMemory:
        e.objectives.push_back(r.peak_memory_bytes);
        break;
      case Objective::kWeightBitsLost:
        e.objectives.push_back(weight_bits_lost(genome));
        break;
      case Objective::kKvCacheBitsLost:
        e.objectives.push_back(kv_cache_bits_lost(genome));
        break;
      case Objective::kAveragePower:
        e.objectives.push_back(r.power.average_w);
        break;
      default:
        throw core::Error("search: objective '" + std::string(objective_info(o).key) +
                          "' is not a generation objective");
    }
  }
  e.violation = r.capacity_violation_bytes;
  if (max_average_power_w_ > 0)
    e.violation = relative_violation(r.capacity_violation_bytes, dram_capacity_bytes_,
                                     {{r.power.average_w, max_average_power_w_}});
  return e;
}

std::vector<ga::Genome> GenerateProblem::seeds() const {
  std::vector<double> format_bits, other, kv;
  for (const auto& f : config_.weight_formats) format_bits.push_back(information_bits(f));
  for (int b : config_.other_weight_bits) other.push_back(b);
  for (int b : config_.kv_cache_bits) kv.push_back(b);
  // target < 0: the experiment's own bits; else the candidate nearest `target` bits.
  auto make = [&](double target) {
    ga::Genome g(ga::genome_length(gene_groups_), 0);
    if (n_weights_) {
      for (size_t k = 0; k < groups_.size(); ++k)
        g[offset_weights_ + k] = static_cast<int>(
            nearest(format_bits,
                    target < 0 ? information_bits(base_.layer_format(groups_[k].first)) : target));
      if (!other.empty())
        g[offset_weights_ + groups_.size()] =
            static_cast<int>(nearest(other, target < 0 ? base_.other_weight_bits : target));
    }
    for (size_t k = 0; k < n_kv_; ++k) {
      double own = 0;  // the experiment's mean bits over the group's layers
      for (int64_t l = groups_[k].first; l <= groups_[k].second; ++l)
        own += base_.layer_kv_cache_bits(l);
      own /= static_cast<double>(groups_[k].second - groups_[k].first + 1);
      g[offset_kv_ + k] = static_cast<int>(nearest(kv, target < 0 ? own : target));
    }
    if (n_fusion_) {
      int v = 0;
      if (experiment_.plan.rule == fusion::StackRule::kBlocks) {
        int e = 0;
        while ((2 << e) <= experiment_.plan.tiles) ++e;
        v = std::min(e, config_.max_tile_exponent) + 1;
      }
      g[offset_fusion_] = v;
    }
    for (size_t i = 0; i < n_alloc_; ++i)
      g[offset_alloc_ + i] = static_cast<int>(alloc_classes_[i].size());  // fastest
    return g;
  };
  std::vector<ga::Genome> out = {make(-1), make(1e9), make(0)};
  // The experiment's own precision fused per block with each tile count.
  for (int v = 0; n_fusion_ && v <= config_.max_tile_exponent + 1; ++v) {
    ga::Genome g = out[0];
    g[offset_fusion_] = v;
    out.push_back(g);
  }
  std::vector<ga::Genome> unique;
  for (auto& g : out)
    if (std::find(unique.begin(), unique.end(), g) == unique.end()) unique.push_back(std::move(g));
  return unique;
}

std::string GenerateProblem::describe(const ga::Genome& g) const {
  std::ostringstream o;
  o << "weights ";
  for (size_t k = 0; k < groups_.size(); ++k)
    o << (k ? "|" : "") << short_format(group_format(g, k));
  o << " other " << other_bits(g) << " | kv_cache ";
  for (size_t k = 0; k < groups_.size(); ++k)
    o << (k ? "|" : "") << layer_kv_bits(g, groups_[k].first);
  o << " | prefill ";
  const fusion::Experiment x = experiment_for(g);
  if (x.plan.rule == fusion::StackRule::kLayerByLayer)
    o << "layer-by-layer";
  else
    o << x.plan_name << " x" << x.plan.tiles;
  for (size_t i = 0; i < n_alloc_; ++i) {
    const auto& rule = x.plan.allocation[i];
    o << " | " << rule.name_pattern << ":"
      << (rule.cores.size() == 1 ? rule.cores[0]
                                 : "fastest of " + std::to_string(rule.cores.size()));
  }
  return o.str();
}

std::vector<fusion::Fallback> GenerateProblem::fallbacks(const ga::Genome& g) const {
  // The prefill's and the longest decode step's (one step: the others have the same ops).
  const fusion::GenerationRun r = run(g);
  std::vector<fusion::Fallback> out;
  for (const fusion::GenerationPart* p : {&r.parts.front(), &r.parts.back()})
    for (const auto& f : p->plan.fallbacks) {
      auto it = std::find_if(out.begin(), out.end(), [&](const fusion::Fallback& x) {
        return x.op_kind == f.op_kind && x.core == f.core && x.reason == f.reason;
      });
      if (it == out.end())
        out.push_back(f);
      else
        it->ops += f.ops;
    }
  return out;
}

std::string GenerateProblem::experiment_yaml(const ga::Genome& g, const std::string& name) const {
  fusion::Experiment x = experiment_for(g);
  x.name = name;
  return fusion::write_experiment_yaml(
      x, "Replays one member of a monet-sim generation search front (" + describe(g) + ").");
}

}  // namespace monet::codesign

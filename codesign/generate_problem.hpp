// The search problem of LLM generation (experiment `mode: generate`, fusion/generate.hpp):
// the block linear weights' format per group of decoder layers, the bits of the other weights
// (embedding table, LM head, norms), the KV cache's bits per group of layers, how the prefill is
// fused and which core class runs chosen ops (the LM head, by default). Every genome is an
// experiment (its `precision:`, `fusion:` and `allocation:` set from the genes) simulated by
// fusion::run_generation, so a front member's replay file gives the objectives it was scored
// with. Gene groups not searched stay as the experiment file sets them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "codesign/codesign_problem.hpp"
#include "core/yaml.hpp"
#include "fusion/experiment.hpp"
#include "fusion/generate.hpp"
#include "ga/genome.hpp"

namespace monet::codesign {

struct GenerateSearchConfig {
  bool weights = true;     // one gene per layer group (+ one for the other weights)
  bool kv_cache = true;    // one gene per layer group
  bool fusion = true;      // one gene: layer by layer, or per-block stacks of 1, 2, 4, ... tiles
  bool allocation = true;  // one gene per entry of allocation_ops
  // Decoder layers split into this many contiguous groups of (nearly) equal size, in order:
  // group k holds layers [k·L/G, (k+1)·L/G).
  int layer_groups = 4;
  std::vector<workloads::WeightFormat> weight_formats;  // candidates per layer group
  std::vector<int> other_weight_bits;  // candidates for the other weights (empty: not searched)
  std::vector<int> kv_cache_bits;      // candidates for the KV cache
  int max_tile_exponent = 3;           // prefill tiles per stack 1 .. 2^max
  std::vector<std::string> allocation_ops = {"lm_head"};  // op-name globs placed by a gene
  core::YamlNode node;  // the search section (errors about candidates point into it)
};

// The gene-group names of a generate search, once: weights, kv_cache, fusion, allocation.
std::vector<std::string> generate_gene_group_names(const GenerateSearchConfig& c);
std::string generate_gene_group_list();
// Searches exactly the named groups; throws core::Error naming the valid ones.
void set_generate_gene_groups(GenerateSearchConfig& c, const std::vector<std::string>& names);
// The objectives a generate search scores when the section names none.
std::vector<Objective> default_generate_objectives();

// Reads the generate-only fields of a search section (layer_groups, weight_formats,
// other_weight_bits, kv_cache_bits, allocation_ops); ConfigError at the value otherwise.
void parse_generate_fields(const core::YamlNode& search, GenerateSearchConfig& c);

// Effective bits of a weight format for the quality proxy: the code width (log2 3 ≈ 1.585
// for ternary); per-group scales are not counted as precision.
double information_bits(const workloads::WeightFormat& f);

class GenerateProblem : public ga::Problem {
 public:
  // Checks every candidate on the experiment's accelerator (a precision no core can run, a
  // tile count over the prompt, an allocation glob matching no op: ConfigError naming the
  // search field and value). With `max_average_power_w` (> 0, `search.constraints`) a member
  // whose generation averages more at the supply is infeasible; the violation is then the sum
  // of relative excesses (DRAM excess / capacity + power excess / limit), as a codesign
  // search's.
  GenerateProblem(const fusion::Experiment& experiment, GenerateSearchConfig config,
                  std::vector<Objective> objectives, double max_average_power_w = 0);

  std::vector<ga::GeneGroup> genes() const override;
  std::vector<std::string> objective_names() const override;
  std::vector<std::string> objective_labels() const;
  std::vector<std::string> objective_units() const;
  ga::Evaluation evaluate(const ga::Genome& genome) const override;

  // The experiment's own choices (nearest candidates), then all-highest and all-lowest bits.
  std::vector<ga::Genome> seeds() const;
  // The experiment a genome stands for, and its simulation.
  fusion::Experiment experiment_for(const ga::Genome& genome) const;
  fusion::GenerationRun run(const ga::Genome& genome) const;
  // "weights 8|8|4|4 other 8 | kv_cache 8|8|8|4 | prefill blocks x4 | lm_head:a53"
  std::string describe(const ga::Genome& genome) const;
  std::vector<fusion::Fallback> fallbacks(const ga::Genome& genome) const;
  std::string experiment_yaml(const ga::Genome& genome, const std::string& name) const;
  // The quality proxies: mean bits below the experiment's own precision, weighted by
  // parameters (weights), and the KV cache's mean bits over layers below the experiment's.
  double weight_bits_lost(const ga::Genome& genome) const;
  double kv_cache_bits_lost(const ga::Genome& genome) const;
  // Decoder layers of each group (first, last), in order.
  const std::vector<std::pair<int64_t, int64_t>>& layer_groups() const { return groups_; }

 private:
  const workloads::WeightFormat& group_format(const ga::Genome& g, size_t group) const;
  int other_bits(const ga::Genome& g) const;
  size_t group_of(int64_t layer) const;
  // The KV cache's bits of a decoder layer (its group's gene, or the experiment's own).
  int layer_kv_bits(const ga::Genome& g, int64_t layer) const;

  fusion::Experiment experiment_;
  GenerateSearchConfig config_;
  std::vector<Objective> objectives_;
  double max_average_power_w_ = 0;
  double dram_capacity_bytes_ = 0;
  fusion::GenerationRun base_;  // the experiment's resolved precision
  std::vector<std::pair<int64_t, int64_t>> groups_;
  std::vector<double> group_params_;    // block linear parameters per layer group
  std::vector<double> group_ref_bits_;  // the experiment's bits per group (parameter-weighted)
  double other_params_ = 0, total_params_ = 0;
  std::vector<std::string> core_names_;
  std::vector<std::vector<int>> core_classes_;   // identical cores form one class
  std::vector<std::vector<int>> alloc_classes_;  // per allocation op glob: classes that run it
  std::vector<ga::GeneGroup> gene_groups_;
  size_t offset_weights_ = 0, n_weights_ = 0, offset_kv_ = 0, n_kv_ = 0, offset_fusion_ = 0,
         n_fusion_ = 0, offset_alloc_ = 0, n_alloc_ = 0;
};

}  // namespace monet::codesign

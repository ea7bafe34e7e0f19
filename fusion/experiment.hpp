// Experiment files: workload + training options + accelerator + fusion plan + outputs, as
// documented in configs/experiments/README.md. Parsing validates every field (file, line,
// field, value, rule); `prepare` builds the graph and binds it to the accelerator.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/yaml.hpp"
#include "core/yaml_overrides.hpp"
#include "fusion/plan.hpp"
#include "fusion/simulation.hpp"
#include "training/episode.hpp"
#include "training/expand.hpp"
#include "training/options.hpp"
#include "training/report.hpp"
#include "workloads/fold_batchnorm.hpp"
#include "workloads/models.hpp"
#include "workloads/weight_format.hpp"

namespace monet::fusion {

struct WorkloadSpec {
  std::string model;  // built-in name
  std::string file;   // workload YAML (resolved against the experiment's folder)
  std::string onnx;   // ONNX model (resolved likewise)
  workloads::ModelParams params;
  // `fold_batchnorm: true` (inference): BatchNorms after a conv or linear layer are folded into
  // it, as deployment compilers do (workloads/fold_batchnorm.hpp).
  bool fold_batchnorm = false;
  core::Location where;
};

// mode: generate (fusion/generate.hpp).
struct GenerateSpec {
  int64_t prompt_tokens = 0;
  int64_t output_tokens = 0;
  core::YamlNode node;  // the generate map (errors found later point at it)
};

// Bits per tensor kind (`precision:`); 0 (unset) keeps the workload's element bits.
// `weights` is the format of the decoder blocks' linear-layer weights (plain, group-quantised
// or ternary); `other_weights` the bits of the other parameters (embedding table, LM head,
// norm gains, biases): 0 = the weights' bits when those are plain, else the activations'.
// `precision.layer_weights`: decoder layers first..last (0-based, inclusive) with their own
// block linear weight format and/or KV-cache bits instead of `weights` / `kv_cache` (a
// generation search writes one entry per run of layers with equal genes,
// codesign/generate_problem.hpp). An entry sets at least one of the two.
struct LayerWeights {
  int64_t first = 0, last = 0;
  workloads::WeightFormat weights;  // unset: `precision.weights`
  int kv_cache = 0;                 // 0: `precision.kv_cache`
  core::YamlNode node;              // the entry (errors found later point at it)
  bool operator==(const LayerWeights& o) const {
    return first == o.first && last == o.last && weights == o.weights && kv_cache == o.kv_cache;
  }
};

// The first of `entries` covering decoder layer `layer` that sets the value: its weight format
// (nullptr when none does) and its KV-cache bits (0 when none does). The one lookup behind a
// run's effective per-layer bits (fusion/generate.cpp) and the search's replay entries.
inline const workloads::WeightFormat* layer_weights_of(const std::vector<LayerWeights>& entries,
                                                       int64_t layer) {
  for (const auto& w : entries)
    if (layer >= w.first && layer <= w.last && w.weights.set()) return &w.weights;
  return nullptr;
}
inline int layer_kv_cache_of(const std::vector<LayerWeights>& entries, int64_t layer) {
  for (const auto& w : entries)
    if (layer >= w.first && layer <= w.last && w.kv_cache) return w.kv_cache;
  return 0;
}

struct Precision {
  workloads::WeightFormat weights;
  std::vector<LayerWeights> layer_weights;
  int other_weights = 0;
  int activations = 0;
  int kv_cache = 0;
  core::YamlNode node;
  bool any() const {
    return weights.set() || !layer_weights.empty() || other_weights || activations || kv_cache;
  }
};

struct Experiment {
  std::string name;
  std::string description;  // free text, for people; written back by the experiment writer
  std::string file;         // the experiment file ("" when built in code)
  WorkloadSpec workload;
  bool training = true;
  training::TrainingOptions training_options;
  std::string accelerator;  // preset name or resolved path
  core::Location accelerator_where;
  std::string plan_name;  // "layer-by-layer", "blocks", "fixed"
  PlanSpec plan;
  core::Location tiles_where;
  core::Location starts_where;
  mapping::CostOptions cost;
  std::string output_dir;              // "" = the CLI's -o or "out/<name>"
  core::YamlNode root;                 // the whole document (the search section is read by ga/)
  std::vector<std::string> overrides;  // command-line values set in it ("fusion.tiles=4")
  // mode: few-shot (training = false; fine-tuning steps use training_options).
  std::optional<training::FewShotSpec> few_shot;
  // distillation.teacher: a frozen teacher whose logits the student's loss reads
  // (training/distill.hpp); training mode only.
  std::optional<WorkloadSpec> teacher;
  std::optional<GenerateSpec> generate;
  Precision precision;
};

Experiment parse_experiment(const core::YamlNode& root);
Experiment load_experiment(const std::string& path);
// The file with command-line values set in it first (core/yaml_overrides.hpp), so they are
// checked like the file's own and errors name the option.
Experiment load_experiment(const std::string& path,
                           const std::vector<core::YamlOverride>& overrides);
Experiment parse_experiment_yaml(const std::string& text, const std::string& name);

// The forward graph of the workload (built-in, YAML file or ONNX).
workloads::Graph build_forward(const WorkloadSpec& w);

struct Prepared {
  std::unique_ptr<Simulation> sim;
  std::optional<training::MemoryReport> training_memory;  // training runs only
  std::optional<training::TrainingSummary> training;      // training runs only
  int forward_op_count = 0;
  workloads::FoldReport folded;  // `workload.fold_batchnorm`: the BatchNorms folded
};

// Builds the (training-step) graph, loads the accelerator and checks the plan against the
// graph (tile count vs. split axis). Throws ConfigError pointing into the experiment file.
Prepared prepare(const Experiment& e);
// The experiment's fusion plan on its prepared simulation. A rejection about the accelerator
// as a whole (no core can run an op) is reported at the experiment line naming the
// accelerator, with the accelerator's message.
FusionPlan experiment_plan(const Experiment& e, const Simulation& sim);

// The checks of `prepare` on a forward graph: tiles within its longest split axis, explicit
// stack starts naming its ops. ConfigError pointing into the experiment file.
void check_plan_fits(const Experiment& e, const workloads::Graph& forward);
// Inference BatchNorm: running statistics (2 ops per element) instead of batch statistics.
void use_running_statistics(workloads::Graph& g);

}  // namespace monet::fusion

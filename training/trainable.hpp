// Trainable sets: which parameters of a forward graph a training step updates. Frozen
// parameters get no weight gradient, no gradient buffer and no optimizer state; an input
// gradient is computed only where some upstream op trains (expand.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/names.hpp"
#include "core/yaml.hpp"
#include "workloads/graph.hpp"

namespace monet::training {

enum class TrainablePolicy {
  kDefault,     // kAll without adapters, kNone with adapters (only the adapters train)
  kAll,         // every parameter
  kNone,        // no backbone parameter (adapters only)
  kLastBlocks,  // the parameters of the last N block units (checkpoint.hpp's block_units)
  kBiasOnly,    // conv/linear biases and normalisation shifts (β): PyTorch's `*.bias`
  kNormOnly,    // BatchNorm/LayerNorm γ and β
  kPatterns,    // the union of the items: op-name globs, block:GLOB, bias-only, norm-only,
                // last:N
};

struct TrainableSpec {
  TrainablePolicy policy = TrainablePolicy::kDefault;
  int last_blocks = 0;  // N of kLastBlocks
  // kPatterns: globs on op names, or "block:GLOB" on op block names; and where each was
  // written (same length, or empty), so a pattern matching nothing is reported at its line.
  std::vector<std::string> patterns;
  std::vector<core::ConfigIssue> pattern_sources;

  std::string str() const;  // "default", "all", "none", "last:2", "bias-only", "layer4.*,fc"
};

// The policy names, once: "all", "none", "bias-only", "norm-only" ("default" and "last:N"
// and pattern lists are the other forms).
const core::NameTable<TrainablePolicy>& trainable_policy_names();
std::string_view trainable_policy_name(TrainablePolicy p);

// "all" | "none" | "last:N" | "bias-only" | "norm-only" | "ITEM[,ITEM...]" where an item is a
// glob or one of bias-only, norm-only, last:N ("bias-only,classifier.*" trains the biases and
// the classifier). Throws core::Error naming the accepted forms.
TrainableSpec parse_trainable(std::string_view text);
// A YAML value: one of the strings above, or a list of patterns.
TrainableSpec trainable_from_yaml(const core::YamlNode& node);

// Per tensor id of `forward`: 1 for the parameters that train. `adapters` (may be empty) are
// parameter ids that always train and decide what kDefault means. Throws core::Error
// (ConfigError when the pattern came from a file) when a pattern matches no op, last:N
// exceeds the block count, or a policy selects no parameter.
std::vector<char> resolve_trainable(const workloads::Graph& forward, const TrainableSpec& spec,
                                    const std::vector<int>& adapters = {});

// What kDefault resolves to, for reports: "all" or "none (adapters only)".
std::string resolved_trainable_str(const TrainableSpec& spec, bool has_adapters);

}  // namespace monet::training

// Checkpoint plans: which forward activations are not kept for the backward pass (and so are
// recomputed from the nearest kept tensor right before their first backward reader).
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/yaml.hpp"
#include "workloads/graph.hpp"

namespace monet::training {

enum class CheckpointKind {
  kNone,                  // keep every saved tensor
  kAllButInputsOfBlocks,  // keep only the inputs of blocks (per-block checkpointing)
  kSqrt,                  // Chen et al. 2016: ceil(sqrt(n)) segments of blocks
  kEvery,                 // keep the input of every K-th block
  kExplicit,              // drop the named tensors
};

struct CheckpointPlan {
  CheckpointKind kind = CheckpointKind::kNone;
  int every = 1;  // K of kEvery
  // kExplicit: names of forward activations to drop, and where each was written (same
  // length, or empty for programmatic plans), so a missing name is reported at its line.
  std::vector<std::string> names;
  std::vector<core::ConfigIssue> name_sources;

  std::string str() const;  // "none", "sqrt", "every:3", "drop:a,b"
};

// "none" | "all-but-inputs-of-blocks" | "sqrt" | "every:K" | "drop:NAME,NAME,...".
// Throws core::Error listing the accepted forms.
CheckpointPlan parse_checkpoint_plan(const std::string& text);
// A YAML value: one of the strings above, or a list of tensor names to drop.
CheckpointPlan checkpoint_plan_from_yaml(const core::YamlNode& node);
// A YAML file whose document is such a value, or a map with a `checkpoint` field.
CheckpointPlan load_checkpoint_plan(const std::string& path);

// The units plans segment: maximal runs of consecutive ops with the same non-empty block
// name; ops without a block are one unit each. Op ids in execution order.
std::vector<std::vector<int>> block_units(const workloads::Graph& g);
// Activations a unit reads that are produced outside it (or graph inputs).
std::vector<int> unit_inputs(const workloads::Graph& g, const std::vector<int>& unit);

// The forward activations the plan drops, as a mask over tensor ids of `forward` (which may
// carry extra forward outputs such as BatchNorm statistics and dropout masks, hence the
// explicit list of graph `outputs`, which are never dropped). Throws core::Error
// (ConfigError when the name came from a file) for names that are missing, graph inputs,
// parameters or graph outputs.
std::vector<char> resolve_checkpoint(const workloads::Graph& forward, const CheckpointPlan& plan,
                                     const std::vector<int>& outputs);

}  // namespace monet::training

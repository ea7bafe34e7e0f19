// Adapters: rewrites of a forward graph that add small trainable branches to a frozen
// network, applied before the training expansion so fusion, scheduling and search see the
// real ops. Sources and hand-checked counts: docs/references.md ("Adapters").
//
// - LoRA (Hu et al. 2021, arXiv 2106.09685): beside a projection y = x·Wᵀ (a matmul whose
//   second operand is a weight parameter [d_out, d_in]) two bias-free linears A [r, d_in] and
//   B [d_out, r]; y' = y + (α/r)·B·A·x. Adds r·(d_in + d_out) parameters and
//   tokens·r·(d_in + d_out) MACs; the scaling is one multiply per output element unless α = r.
// - DA3 additive attention adaptor (Yang, Rakin, Fan, arXiv 2012.01362): per block, in
//   parallel with it, from the block input x [B, Cin, H, W] to its output [B, Cout, Ho, Wo]:
//   max-pool p×p → conv 1×1 Cin→Cout with the block's stride → BatchNorm → sigmoid →
//   bilinear upsample to Ho×Wo (Builder::upsample) → added to the block output (additive, so its
//   gradient needs no backbone activation). Cin·Cout + 2·Cout parameters.
// - TinyTL lite residual module (Cai et al. 2020, arXiv 2007.11622; mit-han-lab/tinyml
//   tinytl/model/modules.py): per block: avg-pool r×r → group conv k×k (g groups, the
//   block's stride) Cin→mid → norm → ReLU → conv 1×1 mid→Cout → norm → bilinear upsample →
//   added to the block output; mid = make_divisible(Cin·expand, 8). A pooled map of 1×1 uses
//   global pooling and k = 1, and k shrinks (by 2) to fit the pooled map, as in TinyTL.
//   TinyTL normalises with GroupNorm; the graph uses BatchNorm ops (same parameter count and
//   the same saved input).
// Bias-only training is a trainable policy (trainable.hpp), not a rewrite.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/names.hpp"
#include "core/yaml.hpp"
#include "workloads/graph.hpp"

namespace monet::training {

enum class AdapterKind { kLora, kDa3, kLiteResidual };
const core::NameTable<AdapterKind>& adapter_kind_names();
std::string_view adapter_kind_name(AdapterKind k);  // "lora", "da3", "lite-residual"
AdapterKind parse_adapter_kind(std::string_view name);

struct AdapterSpec {
  AdapterKind kind = AdapterKind::kLora;
  // LoRA: globs on op names (each match must be a projection); DA3 and lite residual: globs on
  // block names. Each glob must match something.
  std::vector<std::string> targets;
  std::vector<core::ConfigIssue> target_sources;  // where each target was written, or empty
  core::ConfigIssue where;                        // the adapter entry (field path, line)
  int rank = 8;                                   // LoRA r
  double alpha = 0;                               // LoRA α; 0 means α = r (scaling 1)
  int pool = 2;                                   // DA3 max-pool window on the adaptor input
  int downsample = 2;  // lite residual avg-pool window (TinyTL --lite_residual_downsample)
  int kernel = 5;      // lite residual max kernel (--lite_residual_ks)
  int groups = 2;      // lite residual conv groups (--lite_residual_groups)
  double expand = 1;   // lite residual width factor (--lite_residual_expand)

  std::string str() const;   // "lora(rank 8, alpha 16: h*.attn.qkv)"
  std::string yaml() const;  // a YAML flow map adapters_from_yaml reads back
};

struct AdaptedGraph {
  workloads::Graph graph;
  std::vector<int> adapter_params;  // parameter tensors the adapters added (ids in graph)
};

// Rewrites `forward`: tensor ids of `forward` are kept, adapter ops follow their target op
// (LoRA) or the block's last op (DA3, lite residual) and take the target's block, and readers
// of the target output read the adapted sum. Throws core::Error (ConfigError when the spec came
// from a file) naming the field: a target matching nothing, a LoRA target that is not a
// projection, rank <= 0, a block that is not a single 4-D input → 4-D output unit, an op
// adapted twice.
AdaptedGraph apply_adapters(const workloads::Graph& forward,
                            const std::vector<AdapterSpec>& adapters);

// A YAML list of adapter maps: {kind: lora, rank, alpha, targets}, {kind: da3, pool, targets},
// {kind: lite-residual, downsample, kernel, groups, expand, targets}. Unknown keys are errors.
std::vector<AdapterSpec> adapters_from_yaml(const core::YamlNode& node);
// The same from text: a path ending in .yaml/.yml, or YAML (JSON) text such as
// '[{kind: lora, rank: 8, targets: ["*.qkv"]}]'. `name` stands in for the file in messages.
std::vector<AdapterSpec> parse_adapters(const std::string& text, const std::string& name);

}  // namespace monet::training

// A chain-structured view of a forward graph for activation checkpointing, and the one
// memory / recompute model that every checkpointing method is scored with: the exact
// front (checkpoint_dp.hpp), the store-all and √n baselines and the GA checkpointing problem.
//
// THE MODEL. A chain has elements e_0..e_{n-1} (blocks) and boundaries a_0..a_n: a_j is the
// input of e_j and the output of e_{j-1}; a_0 is the chain input (graph inputs) and a_n the
// chain output (read by the loss). Element i has saved tensors s_i (what its backward reads
// that it produces itself, other than a_{i+1}) and two costs: f_i, its whole forward, and
// g_i <= f_i, the part of it that its saved tensors depend on.
//
// A plan keeps or drops each boundary a_1..a_{n-1} and each saved tensor (block
// granularity: all saved tensors of an element together). a_0 is always kept. An element is
// recomputed (at most once) iff one of its tensors is dropped: for f_i when its output a_{i+1}
// is dropped, else for g_i when one of its saved tensors is. Recompute cost = Σ of those.
//
// Memory counts the boundaries and saved tensors live at each step, each tensor once:
//   forward step F_i: a_i, s_i and a_{i+1} are live (the element's working set), plus what
//     earlier elements kept; after F_i, dropped tensors of e_i and a dropped a_i are freed.
//   a kept tensor of e_i stays live until the end of B_i, the backward of e_i (a boundary
//     a_{i+1} also serves B_{i+1} as its input, and B_i as the place of its output gradient).
//   backward, i = n-1..0, before B_i: if a_i is not live, the elements from the nearest live
//     boundary up to e_{i-1} are recomputed, then e_i if a saved tensor of it is missing.
//     A recomputed element's tensors (all of them) are live from its recompute to the end of
//     B_i; at B_i, a_i, s_i and a_{i+1} are live. After B_i, s_i and a_{i+1} are freed.
// Peak = max over the 2n steps F_0..F_{n-1}, B_{n-1}..B_0 of the live bytes.
//
// Consequence used by the exact DP: kept boundaries cut the chain into segments; a segment
// e_c..e_{d-1} is recomputed as a whole at B_{d-1} (its last element only if its saved
// tensors are dropped, for g_{d-1}), and the step peak is
//   max over segments of  R_c + Σ_{i=c}^{d-1} s_i + Σ_{j=c+1}^{d} a_j,
// R_c = a_0 + kept boundaries up to a_c + kept saved tensors of e_0..e_{c-1}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "training/checkpoint.hpp"
#include "training/options.hpp"
#include "workloads/graph.hpp"

namespace monet::training {

struct ChainTensor {
  std::string name;
  int64_t bytes = 0;
};

struct ChainElement {
  std::string name;         // block name ("layer2.0", "h3")
  int64_t cost = 0;         // f_i: forward cost in Chain::cost_unit
  int64_t saved_cost = 0;   // g_i: cost of the ops its saved tensors depend on (<= cost)
  std::string output_name;  // a_{i+1}
  int64_t output_bytes = 0;
  std::vector<ChainTensor> saved;  // s_i, one entry per tensor
  std::vector<int> ops;            // forward op ids (empty for synthetic chains)

  int64_t saved_bytes() const;
};

struct Chain {
  std::string name;
  std::string cost_unit = "MACs";
  std::string input_name;   // a_0 (graph inputs, comma separated)
  int64_t input_bytes = 0;  // a_0: resident for the whole step
  std::vector<ChainElement> elements;

  int size() const { return static_cast<int>(elements.size()); }
  int64_t total_cost() const;  // one forward pass
};

// Elements are training::block_units of `forward` (runs of ops with one block name), merged
// where more than one activation crosses between them, so that exactly one tensor (the
// boundary) links consecutive elements: ResNet basic blocks and GPT-2 layers stay one element
// each; a MobileViT block absorbs its transformer layers. Graph inputs are a_0. Sizes are
// those of the training step expand(forward, options) builds (activation_bits apply; the
// checkpoint plan of `options` is ignored); saved tensors are those it keeps for backward,
// including BatchNorm/LayerNorm statistics, dropout masks and max-pool indices. Costs are MACs,
// or `op_costs[op id]` (e.g. cycles) when given for every forward op; g_i sums the ops of the
// element that its saved tensors depend on (the LM head's matmul is not among those of ln_f).
// With options.adapters the chain is that of the adapted graph (op_costs then index its ops).
Chain extract_chain(const workloads::Graph& forward, const TrainingOptions& options = {},
                    const std::vector<int64_t>& op_costs = {},
                    const std::string& cost_unit = "MACs");

// A synthetic chain (tests, custom cost models): element i saves one tensor of saved_bytes[i]
// (none when 0) and regenerating it costs the whole forward (g_i = f_i). All vectors have the same
// length >= 1; sizes >= 0, boundaries > 0.
Chain make_chain(int64_t input_bytes, const std::vector<int64_t>& cost,
                 const std::vector<int64_t>& output_bytes, const std::vector<int64_t>& saved_bytes);

enum class Granularity {
  kBlock,       // one bit per element for all its saved tensors
  kActivation,  // one bit per saved tensor
};
const core::NameTable<Granularity>& granularity_names();  // "block", "activation"
std::string_view granularity_name(Granularity g);
Granularity parse_granularity(std::string_view name);  // throws listing the names

struct ChainPlan {
  Granularity granularity = Granularity::kBlock;
  std::vector<char> keep_boundary;  // n-1 bits: keep a_{i+1}, the output of e_i, i < n-1
  // Per element: one bit (block granularity; no effect when the element saves nothing) or
  // one bit per saved tensor (activation granularity).
  std::vector<std::vector<char>> keep_saved;
};

// Every tensor kept (keep = true: store-all) or every tensor dropped.
ChainPlan uniform_plan(const Chain& c, Granularity g, bool keep);
// Genome form for the GA: the n-1 boundary bits, then the saved bits element by element.
int plan_gene_count(const Chain& c, Granularity g);
ChainPlan plan_from_genes(const Chain& c, Granularity g, const std::vector<int>& genes);
std::vector<int> plan_genes(const ChainPlan& p);
// One letter per element, K (saved tensors kept), D (dropped), P (partly), - (saves nothing),
// and '|' after an element whose output boundary is kept: "K|K|DDD|DD".
std::string plan_str(const Chain& c, const ChainPlan& p);
// The same plan for training::expand: the names of the dropped tensors (extracted chains
// only; throws core::Error for synthetic chains whose tensors are not graph tensors).
CheckpointPlan to_checkpoint_plan(const Chain& c, const ChainPlan& p);

struct ChainEvaluation {
  int64_t recompute_cost = 0;     // Σ f_i of recomputed elements
  int64_t peak_bytes = 0;         // max live bytes over all steps
  int peak_element = -1;          // element whose step reaches the peak (first such step)
  bool peak_in_backward = false;  // that step is B_i (true) or F_i (false)
  int64_t kept_bytes = 0;         // live at the end of the forward pass
  std::vector<char> recomputed;   // per element
};

// Simulates the plan step by step under the model above. Throws core::Error when the plan's
// bit counts do not match the chain.
ChainEvaluation evaluate_chain_plan(const Chain& c, const ChainPlan& p);

}  // namespace monet::training

// Fusion plans: which ops form a stack, how many tiles each stack is cut into, and which
// core runs each op. Backward stacks mirror forward ones unless a plan says otherwise.
#pragma once

#include <string>
#include <vector>

#include "core/glob.hpp"
#include "fusion/fallback.hpp"
#include "mapping/cost.hpp"
#include "workloads/graph.hpp"

namespace monet::fusion {

struct Stack {
  std::string name;
  std::vector<int> ops;  // op ids, in graph (execution) order
  int tiles = 1;         // requested; each op uses min(tiles, its split rows)
};

struct FusionPlan {
  std::vector<Stack> stacks;
  std::vector<int> stack_of_op;  // per op id
  std::vector<int> core_of_op;   // per op id
  // Per op id: cores that run it equally fast (identical cores, e.g. GPU SMs); each tile
  // goes to whichever of them is free first. Empty = only core_of_op.
  std::vector<std::vector<int>> core_choices;
  // Ops that a core declaring their kind could not run, so they went to another core.
  std::vector<Fallback> fallbacks;
};

// How forward ops are grouped; backward and recompute ops follow their forward op's group.
enum class StackRule {
  kLayerByLayer,  // one op per stack
  kBlocks,        // one stack per model block ("layer1.0", "h3", ...)
  kFixed,         // consecutive runs of `ops_per_stack` forward ops
  kExplicit,      // a new stack at each forward op named in PlanSpec::starts
};

// Allocation rule: ops matching every given filter may run on the listed cores.
struct AllocationRule {
  std::string name_pattern;        // glob on the op name ('*' and '?'), empty = any
  std::string kind;                // op kind name, empty = any
  std::string pass;                // "forward", "backward", "optimizer", ... empty = any
  std::vector<std::string> cores;  // allowed cores (the cheapest one is used)
  int line = 0;                    // source line in the experiment file
  std::string file;
  // A user's rule (experiment file, Python) is strict: every core it names must be able to
  // run every op it matches, or allocate() throws. Rules written by a search are not: an
  // allowed core that cannot run the op is a fall-back, reported like the default's.
  bool strict = true;
};

// How ops that no allocation rule matches are placed.
enum class AllocationDefault {
  kFastest,  // the fastest core that can run the op
  // Forward element-wise ops go with the latest forward loop-nest op before them, derived
  // ops (backward, recompute) with their forward op — where that core can run them.
  kFollow,
};

struct PlanSpec {
  StackRule rule = StackRule::kLayerByLayer;
  int ops_per_stack = 4;                   // kFixed
  int tiles = 1;                           // tiles for every stack
  std::vector<std::string> starts;         // kExplicit: first forward op of each stack
  std::vector<int> stack_tiles;            // kExplicit: tiles per stack (empty: `tiles` for all)
  bool mirror_backward = true;             // false: backward/recompute ops layer by layer
  std::vector<AllocationRule> allocation;  // first matching rule wins
  AllocationDefault allocation_default = AllocationDefault::kFastest;
};

// Rows the op can be split into along its fusion axis (conv rows, tokens); 1 = unsplittable.
int64_t split_rows(const workloads::Graph& g, const workloads::Op& op);

// The group of forward op each op belongs to: forward ops are their own; derived ops take
// their forward op's (op.forward_op), recursively; ops with no forward origin get -1.
std::vector<int> forward_origin(const workloads::Graph& g);

// Builds stacks from a per-forward-op group id (contiguous ids in forward order) and a tile
// count per group; derived ops are mirrored into "<group> bwd" / "<group> rec" stacks.
// With mirror_backward false, backward and recompute ops run layer by layer (one op per
// stack, one tile) whatever the forward stacks are.
FusionPlan plan_from_groups(const workloads::Graph& g, const std::vector<int>& group_of_op,
                            const std::vector<int>& tiles_of_group, bool mirror_backward = true);

// Forward-op groups for a rule (index = op id; -1 for non-forward ops). kExplicit starts a
// group at each op named in `starts` (and at the first forward op).
std::vector<int> group_forward_ops(const workloads::Graph& g, StackRule rule, int ops_per_stack,
                                   const std::vector<std::string>& starts = {});

// A rule a plan spec breaks: the field under `fusion:` ("tiles", "starts", "ops_per_stack"),
// its value and the rule.
struct PlanRuleBreak {
  std::string field;
  std::string value;
  std::string rule;
};
// The rules on a plan spec alone, defined once: tiles and ops_per_stack at least 1;
// layer-by-layer runs one tile per op; explicit stacks need `starts`, and only they take
// `starts` or a list of tiles. The experiment parser reports each at its line; plans built in
// code (Python) are refused with them.
std::vector<PlanRuleBreak> plan_rule_breaks(const PlanSpec& spec);
// The rules that need the forward graph: tiles within its longest split axis; explicit starts
// naming its forward ops in order, and one tile count per stack.
std::vector<PlanRuleBreak> plan_fit_breaks(const PlanSpec& spec, const workloads::Graph& forward);

struct Allocation {
  std::vector<int> core;                  // per op: the fastest allowed core
  std::vector<std::vector<int>> choices;  // per op: every allowed core as fast as it
  std::vector<Fallback> fallbacks;        // allowed cores that declare the op kind but failed
};

// Resolves allocation: each op goes to the cheapest (latency) core allowed by the first
// matching rule, or by all cores when none matches. Throws core::ConfigError naming the
// rule when a rule names an unknown core, or a strict rule names a core that cannot run an
// op it matches (with the cost model's reason). Cores passed over because they cannot run
// an op of a kind they declare (precision, memory fit, dW on CIM) are tallied as fall-backs;
// so is the core an op would follow under kFollow.
Allocation allocate(const workloads::Graph& g, const mapping::CostModel& costs,
                    const std::vector<AllocationRule>& rules,
                    AllocationDefault fallback = AllocationDefault::kFastest);

FusionPlan make_plan(const workloads::Graph& g, const mapping::CostModel& costs,
                     const PlanSpec& spec);

using core::glob_match;  // core/glob.hpp

}  // namespace monet::fusion

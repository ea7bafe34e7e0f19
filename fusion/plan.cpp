#include "fusion/plan.hpp"

#include <limits>
#include <unordered_map>

#include "core/error.hpp"

namespace monet::fusion {

using workloads::Dim;
using workloads::Graph;
using workloads::Op;
using workloads::Pass;

int64_t split_rows(const Graph& g, const Op& op) {
  if (op.nest) {
    const auto& n = *op.nest;
    if (n[Dim::kOY] > 1) return n[Dim::kOY];
    return n[Dim::kOX];
  }
  if (op.kind == workloads::OpKind::kOptimizer || op.kind == workloads::OpKind::kLoss ||
      op.outputs.empty())
    return 1;
  const auto& shape = g.tensor(op.outputs[0]).shape;
  if (shape.size() == 4) return shape[2];  // [B, C, H, W] rows; [B, heads, T, T] queries
  if (shape.size() == 3) return shape[1];  // [B, T, D] tokens
  return 1;
}

std::vector<int> forward_origin(const Graph& g) {
  std::vector<int> origin(g.ops().size(), -1);
  for (const Op& op : g.ops()) {
    if (op.pass == Pass::kForward) {
      origin[op.id] = op.id;
      continue;
    }
    int f = op.forward_op;
    // Derived ops point at a forward op (possibly via a recompute copy).
    for (int guard = 0; f >= 0 && g.op(f).pass != Pass::kForward && guard < 8; ++guard)
      f = g.op(f).forward_op;
    origin[op.id] = (f >= 0 && g.op(f).pass == Pass::kForward) ? f : -1;
  }
  return origin;
}

std::vector<int> group_forward_ops(const Graph& g, StackRule rule, int ops_per_stack,
                                   const std::vector<std::string>& starts) {
  std::vector<int> group(g.ops().size(), -1);
  std::vector<char> starts_here(g.ops().size(), 0);
  for (const auto& name : starts) {
    int id = g.find_op(name);
    if (id < 0 || g.op(id).pass != Pass::kForward)
      throw core::Error("fusion.starts names '" + name + "', which is not a forward op");
    starts_here[id] = 1;
  }
  int current = -1, in_group = 0;
  std::string block;
  for (const Op& op : g.ops()) {
    if (op.pass != Pass::kForward) continue;
    bool start = current < 0;
    switch (rule) {
      case StackRule::kLayerByLayer:
        start = true;
        break;
      case StackRule::kBlocks:
        start = start || op.block != block;
        break;
      case StackRule::kFixed:
        start = start || in_group >= ops_per_stack;
        break;
      case StackRule::kExplicit:
        start = start || starts_here[op.id];
        break;
    }
    if (start) ++current, in_group = 0;
    group[op.id] = current;
    block = op.block;
    ++in_group;
  }
  return group;
}

namespace {
char phase_class(Pass p) {
  switch (p) {
    case Pass::kForward:
      return 'F';
    case Pass::kRecompute:
      return 'R';
    case Pass::kBackwardData:
    case Pass::kBackwardWeight:
      return 'B';
    case Pass::kLoss:
      return 'L';
    case Pass::kOptimizer:
      return 'O';
  }
  return '?';
}
}  // namespace

FusionPlan plan_from_groups(const Graph& g, const std::vector<int>& group_of_op,
                            const std::vector<int>& tiles_of_group, bool mirror_backward) {
  FusionPlan plan;
  plan.stack_of_op.assign(g.ops().size(), -1);
  plan.core_of_op.assign(g.ops().size(), 0);
  std::vector<int> origin = forward_origin(g);
  int prev_group = std::numeric_limits<int>::min();
  char prev_phase = 0;
  for (const Op& op : g.ops()) {
    int f = origin[op.id];
    int group = f >= 0 ? group_of_op.at(f) : -1;
    char phase = phase_class(op.pass);
    const bool alone = !mirror_backward && (phase == 'B' || phase == 'R');
    if (group != prev_group || phase != prev_phase || plan.stacks.empty() || alone) {
      Stack s;
      const char* suffix = phase == 'F'   ? " fwd"
                           : phase == 'R' ? " rec"
                           : phase == 'B' ? " bwd"
                                          : "";
      s.name = (group >= 0 ? (g.op(f).block.empty() ? g.op(f).name : g.op(f).block)
                           : std::string(workloads::pass_name(op.pass))) +
               suffix;
      s.tiles = group >= 0 && group < static_cast<int>(tiles_of_group.size()) && !alone
                    ? std::max(1, tiles_of_group[group])
                    : 1;
      plan.stacks.push_back(std::move(s));
      prev_group = group;
      prev_phase = phase;
    }
    plan.stacks.back().ops.push_back(op.id);
    plan.stack_of_op[op.id] = static_cast<int>(plan.stacks.size()) - 1;
  }
  return plan;
}

namespace {
bool pass_matches(const std::string& filter, Pass p) {
  if (filter.empty()) return true;
  if (filter == "backward") return p == Pass::kBackwardData || p == Pass::kBackwardWeight;
  return filter == workloads::pass_name(p);
}
}  // namespace

Allocation allocate(const Graph& g, const mapping::CostModel& costs,
                    const std::vector<AllocationRule>& rules, AllocationDefault fallback) {
  const auto& acc = costs.accelerator();
  std::vector<std::vector<int>> rule_cores(rules.size());
  core::IssueList issues;
  for (size_t r = 0; r < rules.size(); ++r)
    for (const auto& name : rules[r].cores) {
      int c = acc.find_core(name);
      if (c < 0) {
        std::string known;
        for (auto& core : acc.cores) known += (known.empty() ? "" : ", ") + core.name;
        issues.add({rules[r].file, rules[r].line}, "allocation.cores", name,
                   "unknown core (accelerator '" + acc.name + "' has: " + known + ")");
      }
      rule_cores[r].push_back(c);
    }
  issues.throw_if_any();
  // Rules that name one op exactly (as searches write them) are looked up by name.
  std::unordered_map<std::string, size_t> exact;
  std::vector<size_t> general;
  for (size_t r = 0; r < rules.size(); ++r) {
    const auto& p = rules[r].name_pattern;
    bool plain = !p.empty() && p.find_first_of("*?") == std::string::npos &&
                 rules[r].kind.empty() && rules[r].pass.empty();
    if (plain)
      exact.emplace(p, r);
    else
      general.push_back(r);
  }
  std::vector<int> all(acc.cores.size());
  for (size_t c = 0; c < all.size(); ++c) all[c] = static_cast<int>(c);
  std::vector<int> origin =
      fallback == AllocationDefault::kFollow ? forward_origin(g) : std::vector<int>{};

  Allocation out;
  out.core.assign(g.ops().size(), -1);
  out.choices.resize(g.ops().size());
  std::vector<double> seconds_on(acc.cores.size());
  int last_forward_nest = -1;
  for (const Op& op : g.ops()) {
    const std::string kind(workloads::op_kind_name(op.kind));
    int followed_core = -1;  // kFollow's core when it could not run the op (already tallied)
    int matched = -1;
    if (auto it = exact.find(op.name); it != exact.end()) matched = static_cast<int>(it->second);
    for (size_t r : general) {
      if (matched >= 0 && static_cast<int>(r) > matched) break;
      const auto& rule = rules[r];
      if (!rule.name_pattern.empty() && !glob_match(rule.name_pattern, op.name)) continue;
      if (!rule.kind.empty() && rule.kind != workloads::op_kind_name(op.kind)) continue;
      if (!pass_matches(rule.pass, op.pass)) continue;
      matched = static_cast<int>(r);
      break;
    }
    if (matched < 0 && fallback == AllocationDefault::kFollow) {
      int leader = -1;
      if (op.pass == Pass::kForward)
        leader = op.is_compute() ? -1 : last_forward_nest;
      else if (origin[op.id] >= 0 && origin[op.id] != op.id)
        leader = origin[op.id];
      if (leader >= 0 && out.core[leader] >= 0) {
        const int lc = out.core[leader];
        mapping::OpCost cost = costs.evaluate(g, op, lc);
        if (cost.feasible) {
          out.core[op.id] = lc;
          out.choices[op.id] = out.choices[leader];
          if (op.pass == Pass::kForward && op.is_compute()) last_forward_nest = op.id;
          continue;
        }
        if (acc.cores[lc].supports(kind)) {
          add_fallback(out.fallbacks, kind, acc.cores[lc].name, cost.reason);
          followed_core = lc;
        }
      }
    }
    if (op.pass == Pass::kForward && op.is_compute()) last_forward_nest = op.id;
    const std::vector<int>& allowed = matched >= 0 ? rule_cores[matched] : all;
    double best = std::numeric_limits<double>::infinity();
    std::string reasons;
    std::vector<std::pair<int, std::string>> failed;  // cores declaring the kind that failed
    for (int c : allowed) {
      mapping::OpCost cost = costs.evaluate(g, op, c);
      seconds_on[c] = std::numeric_limits<double>::infinity();
      if (!cost.feasible) {
        reasons += "\n    " + acc.cores[c].name + ": " + cost.reason;
        if (acc.cores[c].supports(kind) && c != followed_core) failed.emplace_back(c, cost.reason);
        continue;
      }
      seconds_on[c] = cost.cycles / acc.cores[c].clock_hz;
      if (seconds_on[c] < best) best = seconds_on[c], out.core[op.id] = c;
    }
    const std::string what =
        "op '" + op.name + "' (" + kind + ", " + std::string(workloads::pass_name(op.pass)) + ")";
    const bool strict = matched >= 0 && rules[matched].strict;
    if (out.core[op.id] < 0 || (strict && !reasons.empty())) {
      if (matched >= 0)
        throw core::ConfigError(
            {rules[matched].file, rules[matched].line}, "allocation.cores", "",
            what + " is allocated by this rule to cores that cannot run it:" + reasons);
      throw core::ConfigError(
          core::Location{acc.source_file, 0}, "", "",
          "no core of accelerator '" + acc.name + "' can run " + what + ":" + reasons);
    }
    for (const auto& [c, reason] : failed)
      add_fallback(out.fallbacks, kind, acc.cores[c].name, reason);
    for (int c : allowed)
      if (seconds_on[c] <= best * (1 + 1e-12)) out.choices[op.id].push_back(c);
  }
  return out;
}

std::vector<PlanRuleBreak> plan_rule_breaks(const PlanSpec& spec) {
  std::vector<PlanRuleBreak> out;
  if (spec.tiles < 1) out.push_back({"tiles", std::to_string(spec.tiles), "must be at least 1"});
  for (int t : spec.stack_tiles)
    if (t < 1) out.push_back({"tiles", std::to_string(t), "every tile count must be at least 1"});
  if (spec.ops_per_stack < 1)
    out.push_back({"ops_per_stack", std::to_string(spec.ops_per_stack), "must be at least 1"});
  if (spec.rule == StackRule::kLayerByLayer && spec.tiles != 1)
    out.push_back(
        {"tiles", std::to_string(spec.tiles),
         "layer-by-layer runs every op as one tile; use stacks: blocks or fixed to tile"});
  if (spec.rule == StackRule::kExplicit && spec.starts.empty())
    out.push_back(
        {"starts", "", "stacks: explicit needs `starts`, the first forward op of each stack"});
  if (spec.rule != StackRule::kExplicit && !spec.starts.empty())
    out.push_back({"starts", "", "`starts` and a list of tiles need stacks: explicit"});
  if (spec.rule != StackRule::kExplicit && !spec.stack_tiles.empty())
    out.push_back({"tiles", "", "`starts` and a list of tiles need stacks: explicit"});
  return out;
}

std::vector<PlanRuleBreak> plan_fit_breaks(const PlanSpec& spec, const Graph& forward) {
  std::vector<PlanRuleBreak> out;
  int64_t max_rows = 1;
  for (const auto& op : forward.ops()) max_rows = std::max(max_rows, split_rows(forward, op));
  if (spec.tiles > max_rows)
    out.push_back({"tiles", std::to_string(spec.tiles),
                   "larger than the longest split axis of the workload (" +
                       std::to_string(max_rows) + " rows/tokens)"});
  if (spec.rule == StackRule::kExplicit && !spec.starts.empty()) {
    try {
      std::vector<int> groups =
          group_forward_ops(forward, spec.rule, spec.ops_per_stack, spec.starts);
      int n_groups = 0;
      for (int x : groups) n_groups = std::max(n_groups, x + 1);
      if (!spec.stack_tiles.empty() && static_cast<int>(spec.stack_tiles.size()) != n_groups)
        out.push_back({"tiles", std::to_string(spec.stack_tiles.size()) + " tile counts",
                       "one tile count per stack (" + std::to_string(n_groups) + " stacks)"});
    } catch (const core::Error& err) {
      out.push_back({"starts", "", err.what()});
    }
  }
  return out;
}

FusionPlan make_plan(const Graph& g, const mapping::CostModel& costs, const PlanSpec& spec) {
  std::vector<int> groups = group_forward_ops(g, spec.rule, spec.ops_per_stack, spec.starts);
  int n_groups = 0;
  for (int x : groups) n_groups = std::max(n_groups, x + 1);
  std::vector<int> tiles(n_groups, spec.rule == StackRule::kLayerByLayer ? 1 : spec.tiles);
  if (spec.rule == StackRule::kExplicit && !spec.stack_tiles.empty()) {
    if (static_cast<int>(spec.stack_tiles.size()) != n_groups)
      throw core::Error("fusion.tiles lists " + std::to_string(spec.stack_tiles.size()) +
                        " tile counts for " + std::to_string(n_groups) + " stacks");
    tiles = spec.stack_tiles;
  }
  FusionPlan plan = plan_from_groups(g, groups, tiles, spec.mirror_backward);
  Allocation a = allocate(g, costs, spec.allocation, spec.allocation_default);
  plan.core_of_op = std::move(a.core);
  plan.core_choices = std::move(a.choices);
  plan.fallbacks = std::move(a.fallbacks);
  return plan;
}

}  // namespace monet::fusion

#include "training/checkpoint.hpp"

#include <algorithm>
#include <unordered_set>

#include "training/text_forms.hpp"

namespace monet::training {

using workloads::Graph;
using workloads::TensorKind;

namespace {
const char* kValidPlans =
    "valid: none, all-but-inputs-of-blocks, sqrt, every:K (K >= 1), drop:NAME[,NAME...], "
    "or a YAML file holding one of these or a list of tensor names";

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string name = s.substr(start, comma - start);
    if (!name.empty()) out.push_back(name);
    start = comma + 1;
  }
  return out;
}
}  // namespace

std::string CheckpointPlan::str() const {
  switch (kind) {
    case CheckpointKind::kNone:
      return "none";
    case CheckpointKind::kAllButInputsOfBlocks:
      return "all-but-inputs-of-blocks";
    case CheckpointKind::kSqrt:
      return "sqrt";
    case CheckpointKind::kEvery:
      return "every:" + std::to_string(every);
    case CheckpointKind::kExplicit: {
      std::string s = "drop:";
      for (size_t i = 0; i < names.size(); ++i) s += (i ? "," : "") + names[i];
      return s;
    }
  }
  return "?";
}

CheckpointPlan parse_checkpoint_plan(const std::string& text) {
  CheckpointPlan p;
  if (text == "none") return p;
  if (text == "all-but-inputs-of-blocks") {
    p.kind = CheckpointKind::kAllButInputsOfBlocks;
    return p;
  }
  if (text == "sqrt") {
    p.kind = CheckpointKind::kSqrt;
    return p;
  }
  if (text.rfind("every:", 0) == 0) {
    auto k = positive_suffix(text, "every:");
    if (!k)
      throw core::Error("checkpoint plan '" + text + "': K must be an integer >= 1 (" +
                        kValidPlans + ")");
    p.kind = CheckpointKind::kEvery;
    p.every = *k;
    return p;
  }
  if (text.rfind("drop:", 0) == 0) {
    p.kind = CheckpointKind::kExplicit;
    p.names = split_names(text.substr(5));
    if (p.names.empty())
      throw core::Error("checkpoint plan '" + text + "' names no tensor (" + kValidPlans + ")");
    return p;
  }
  throw core::Error("unknown checkpoint plan '" + text + "' (" + kValidPlans + ")");
}

CheckpointPlan checkpoint_plan_from_yaml(const core::YamlNode& node) {
  if (node.is_scalar()) {
    try {
      return parse_checkpoint_plan(node.as_string());
    } catch (const core::ConfigError&) {
      throw;
    } catch (const core::Error& e) {
      node.fail(e.what());
    }
  }
  if (!node.is_seq())
    node.fail(std::string("must be a plan name or a list of tensor names; ") + kValidPlans);
  CheckpointPlan p;
  p.kind = CheckpointKind::kExplicit;
  for (size_t i = 0; i < node.size(); ++i) {
    core::YamlNode item = node.at(i);
    p.names.push_back(item.as_string());
    p.name_sources.push_back(item.issue(""));
  }
  return p;
}

CheckpointPlan load_checkpoint_plan(const std::string& path) {
  core::YamlNode root = core::load_yaml_file(path);
  if (root.is_map()) {
    root.reject_unknown_keys({"checkpoint"});
    return checkpoint_plan_from_yaml(root.required("checkpoint"));
  }
  return checkpoint_plan_from_yaml(root);
}

std::vector<std::vector<int>> block_units(const Graph& g) {
  std::vector<std::vector<int>> units;
  std::string current;
  for (const auto& op : g.ops()) {
    if (op.pass != workloads::Pass::kForward) continue;
    if (units.empty() || op.block.empty() || op.block != current) units.emplace_back();
    units.back().push_back(op.id);
    current = op.block;
  }
  return units;
}

std::vector<int> unit_inputs(const Graph& g, const std::vector<int>& unit) {
  std::unordered_set<int> inside(unit.begin(), unit.end());
  std::vector<int> out;
  for (int id : unit)
    for (int t : g.op(id).inputs) {
      const auto& ten = g.tensor(t);
      bool data = ten.kind == TensorKind::kActivation || ten.kind == TensorKind::kInput;
      if (data && !inside.count(ten.producer) && std::find(out.begin(), out.end(), t) == out.end())
        out.push_back(t);
    }
  return out;
}

namespace {
bool droppable(const workloads::Tensor& t) {
  return t.kind == TensorKind::kActivation && t.producer >= 0;
}

std::vector<char> resolve_explicit(const Graph& g, const CheckpointPlan& plan,
                                   const std::vector<int>& outputs) {
  std::vector<char> drop(g.tensors().size(), 0);
  std::vector<core::ConfigIssue> issues;
  for (size_t i = 0; i < plan.names.size(); ++i) {
    const std::string& name = plan.names[i];
    int id = g.find_tensor(name);
    std::string rule;
    if (id < 0) {
      rule = "no tensor of that name in graph '" + g.name() + "'";
    } else if (!droppable(g.tensor(id))) {
      rule =
          "is not an activation produced by a forward op (graph inputs and parameters "
          "cannot be recomputed)";
    } else if (std::find(outputs.begin(), outputs.end(), id) != outputs.end()) {
      rule = "a graph output (read by the loss) cannot be dropped";
    } else {
      drop[id] = 1;
      continue;
    }
    core::ConfigIssue issue;
    if (i < plan.name_sources.size())
      issue = plan.name_sources[i];
    else
      issue.field = "checkpoint";
    issue.value = name;
    issue.rule = "checkpoint plan: " + rule;
    issues.push_back(std::move(issue));
  }
  if (!issues.empty()) {
    if (!plan.name_sources.empty()) throw core::ConfigError(std::move(issues));
    std::string msg;
    for (auto& is : issues)
      msg += (msg.empty() ? "" : "\n") + ("checkpoint plan drops '" + is.value + "': ") +
             is.rule.substr(std::string("checkpoint plan: ").size());
    throw core::Error(msg);
  }
  return drop;
}
}  // namespace

std::vector<char> resolve_checkpoint(const Graph& g, const CheckpointPlan& plan,
                                     const std::vector<int>& outputs) {
  if (plan.kind == CheckpointKind::kNone) return std::vector<char>(g.tensors().size(), 0);
  if (plan.kind == CheckpointKind::kExplicit) return resolve_explicit(g, plan, outputs);
  auto units = block_units(g);
  const int n = static_cast<int>(units.size());
  int k = 1;
  if (plan.kind == CheckpointKind::kEvery) {
    if (plan.every < 1) throw core::Error("checkpoint plan every:K needs K >= 1");
    k = plan.every;
  } else if (plan.kind == CheckpointKind::kSqrt) {
    while (k * k < n) ++k;  // ceil(sqrt(n)) blocks per segment → about sqrt(n) segments
  }
  std::vector<char> keep(g.tensors().size(), 0);
  for (int i = 0; i < n; i += k)
    for (int t : unit_inputs(g, units[i])) keep[t] = 1;
  for (int t : outputs) keep[t] = 1;
  std::vector<char> drop(g.tensors().size(), 0);
  for (const auto& t : g.tensors())
    if (droppable(t) && g.op(t.producer).pass == workloads::Pass::kForward && !keep[t.id])
      drop[t.id] = 1;
  return drop;
}

}  // namespace monet::training

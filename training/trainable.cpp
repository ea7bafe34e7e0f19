#include "training/trainable.hpp"

#include <algorithm>
#include <utility>

#include "core/glob.hpp"
#include "core/names.hpp"
#include "training/checkpoint.hpp"
#include "training/text_forms.hpp"

namespace monet::training {

const core::NameTable<TrainablePolicy>& trainable_policy_names() {
  static const core::NameTable<TrainablePolicy> table("trainable policy",
                                                      {
                                                          {TrainablePolicy::kDefault, "default"},
                                                          {TrainablePolicy::kAll, "all"},
                                                          {TrainablePolicy::kNone, "none"},
                                                          {TrainablePolicy::kBiasOnly, "bias-only"},
                                                          {TrainablePolicy::kNormOnly, "norm-only"},
                                                      });
  return table;
}

using workloads::Graph;
using workloads::Op;
using workloads::OpKind;
using workloads::TensorKind;

namespace {
const char* kValidForms =
    "valid: all, none, last:N (N >= 1), bias-only, norm-only, or a list (commas) of op-name "
    "globs (block:GLOB matches block names), bias-only, norm-only and last:N, trained together";
constexpr std::string_view kBlockPrefix = "block:";

std::vector<std::string> split_patterns(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string p(s.substr(start, comma - start));
    // Trim blanks around each pattern ("layer4.*, fc").
    p.erase(0, p.find_first_not_of(' '));
    p.erase(p.find_last_not_of(' ') + 1);
    if (!p.empty()) out.push_back(p);
    start = comma + 1;
  }
  return out;
}

bool is_norm(OpKind k) {
  return k == OpKind::kBatchNorm || k == OpKind::kLayerNorm;
}

// The shift of a layer, PyTorch's `bias`: conv/linear third input, normalisation β.
bool is_bias_slot(const Op& op, size_t slot) {
  if (slot != 2) return false;
  return op.kind == OpKind::kConv || op.kind == OpKind::kMatmul || is_norm(op.kind);
}

bool matches(const std::string& pattern, const Op& op) {
  if (pattern.rfind(kBlockPrefix, 0) == 0)
    return core::glob_match(pattern.substr(kBlockPrefix.size()), op.block);
  return core::glob_match(pattern, op.name);
}

void select_params(const Graph& g, const Op& op, std::vector<char>& out) {
  for (int t : op.inputs)
    if (g.tensor(t).kind == TensorKind::kParameter) out[t] = 1;
}

[[noreturn]] void fail(const TrainableSpec& spec, size_t pattern, const std::string& rule) {
  if (pattern < spec.pattern_sources.size()) {
    core::ConfigIssue issue = spec.pattern_sources[pattern];
    issue.value = spec.patterns[pattern];
    issue.rule = "trainable: " + rule;
    throw core::ConfigError({issue});
  }
  throw core::Error("trainable '" + spec.str() + "': " + rule);
}
// A list item is a glob or one of bias-only, norm-only, last:N (all, none and default make no
// sense next to anything else).
void check_item(const std::string& item) {
  if (item == "all" || item == "none" || item == "default")
    throw core::Error("trainable item '" + item + "' cannot be combined with other items (" +
                      kValidForms + ")");
  if (item.rfind("last:", 0) == 0 && !positive_suffix(item, "last:"))
    throw core::Error("trainable item '" + item + "': N must be an integer >= 1");
}
}  // namespace

std::string_view trainable_policy_name(TrainablePolicy p) {
  if (p == TrainablePolicy::kLastBlocks) return "last";
  if (p == TrainablePolicy::kPatterns) return "patterns";
  return trainable_policy_names().name(p);
}

std::string TrainableSpec::str() const {
  if (policy == TrainablePolicy::kLastBlocks) return "last:" + std::to_string(last_blocks);
  if (policy != TrainablePolicy::kPatterns) return std::string(trainable_policy_name(policy));
  std::string s;
  for (size_t i = 0; i < patterns.size(); ++i) s += (i ? "," : "") + patterns[i];
  return s;
}

TrainableSpec parse_trainable(std::string_view text) {
  TrainableSpec s;
  if (auto p = trainable_policy_names().find(text)) {
    s.policy = *p;
    return s;
  }
  if (text.rfind("last:", 0) == 0 && text.find(',') == std::string_view::npos) {
    auto n = positive_suffix(text, "last:");
    if (!n)
      throw core::Error("trainable '" + std::string(text) + "': N must be an integer >= 1 (" +
                        kValidForms + ")");
    s.policy = TrainablePolicy::kLastBlocks;
    s.last_blocks = *n;
    return s;
  }
  s.policy = TrainablePolicy::kPatterns;
  s.patterns = split_patterns(text);
  if (s.patterns.empty())
    throw core::Error("trainable '" + std::string(text) + "' names nothing (" + kValidForms + ")");
  if (s.patterns.size() > 1)
    for (const auto& item : s.patterns) check_item(item);
  return s;
}

TrainableSpec trainable_from_yaml(const core::YamlNode& node) {
  if (node.is_scalar()) {
    try {
      TrainableSpec s = parse_trainable(node.as_string());
      if (s.policy == TrainablePolicy::kPatterns)
        s.pattern_sources.assign(s.patterns.size(), node.issue(""));
      return s;
    } catch (const core::ConfigError&) {
      throw;
    } catch (const core::Error& e) {
      node.fail(e.what());
    }
  }
  if (!node.is_seq() || node.size() == 0)
    node.fail(std::string("must be a policy or a non-empty list of op-name globs; ") + kValidForms);
  if (node.size() == 1 && node.at(0).is_scalar()) return trainable_from_yaml(node.at(0));
  TrainableSpec s;
  s.policy = TrainablePolicy::kPatterns;
  for (size_t i = 0; i < node.size(); ++i) {
    core::YamlNode item = node.at(i);
    std::string p = item.as_string();
    if (p.empty()) item.fail("an empty pattern matches no op");
    try {
      check_item(p);
    } catch (const core::Error& e) {
      item.fail(e.what());
    }
    s.patterns.push_back(p);
    s.pattern_sources.push_back(item.issue(""));
  }
  return s;
}

namespace {
// Selects the parameters of one policy (kAll, kLastBlocks, kBiasOnly, kNormOnly); false when
// it selects nothing. `item` locates errors (a list item, or past the end for the whole spec).
bool select_policy(const Graph& g, TrainablePolicy policy, int last_blocks,
                   const TrainableSpec& spec, size_t item, std::vector<char>& out) {
  const std::vector<char> before = out;
  switch (policy) {
    case TrainablePolicy::kAll:
      for (const auto& op : g.ops()) select_params(g, op, out);
      break;
    case TrainablePolicy::kLastBlocks: {
      auto units = block_units(g);
      if (last_blocks > static_cast<int>(units.size()))
        fail(spec, item,
             "last:" + std::to_string(last_blocks) + " asks for more blocks than graph '" +
                 g.name() + "' has (" + std::to_string(units.size()) + ")");
      for (size_t u = units.size() - static_cast<size_t>(last_blocks); u < units.size(); ++u)
        for (int id : units[u]) select_params(g, g.op(id), out);
      break;
    }
    case TrainablePolicy::kBiasOnly:
    case TrainablePolicy::kNormOnly:
      for (const auto& op : g.ops())
        for (size_t k = 0; k < op.inputs.size(); ++k) {
          int t = op.inputs[k];
          if (g.tensor(t).kind != TensorKind::kParameter) continue;
          bool pick = policy == TrainablePolicy::kBiasOnly ? is_bias_slot(op, k)
                                                           : is_norm(op.kind) && k >= 1;
          if (pick) out[t] = 1;
        }
      break;
    default:
      break;
  }
  return out != before;
}

std::string nothing_selected(TrainablePolicy p) {
  return p == TrainablePolicy::kBiasOnly   ? "has no bias parameter"
         : p == TrainablePolicy::kNormOnly ? "has no normalisation parameter"
         : p == TrainablePolicy::kAll      ? "has no parameter"
                                           : "leaves no parameter to train";
}
}  // namespace

std::vector<char> resolve_trainable(const Graph& g, const TrainableSpec& spec,
                                    const std::vector<int>& adapters) {
  std::vector<char> out(g.tensors().size(), 0);
  TrainablePolicy policy = spec.policy;
  if (policy == TrainablePolicy::kDefault)
    policy = adapters.empty() ? TrainablePolicy::kAll : TrainablePolicy::kNone;
  bool selected = false;
  if (policy == TrainablePolicy::kPatterns) {
    // Items are globs, or the policies bias-only, norm-only and last:N (a union of all).
    for (size_t i = 0; i < spec.patterns.size(); ++i) {
      const std::string& item = spec.patterns[i];
      TrainableSpec one = parse_trainable(item);
      if (one.policy != TrainablePolicy::kPatterns) {
        if (!select_policy(g, one.policy, one.last_blocks, spec, i, out))
          fail(spec, i, "graph '" + g.name() + "' " + nothing_selected(one.policy));
        continue;
      }
      bool any = false;
      for (const auto& op : g.ops()) {
        if (!matches(item, op)) continue;
        any = true;
        select_params(g, op, out);
      }
      if (!any) fail(spec, i, "matches no op of graph '" + g.name() + "'");
    }
    selected = true;
  } else {
    selected = select_policy(g, policy, spec.last_blocks, spec, spec.patterns.size(), out);
  }
  // A policy that selects nothing is almost certainly a mistake, unless adapters train.
  if (!selected && adapters.empty())
    fail(spec, spec.patterns.size(), "graph '" + g.name() + "' " + nothing_selected(policy));
  for (int t : adapters) out[t] = 1;
  return out;
}

std::string resolved_trainable_str(const TrainableSpec& spec, bool has_adapters) {
  if (spec.policy != TrainablePolicy::kDefault) return spec.str();
  return has_adapters ? "none (adapters only)" : "all";
}

}  // namespace monet::training

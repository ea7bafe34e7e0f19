#include "training/trainable.hpp"

#include <algorithm>
#include <utility>

#include "core/glob.hpp"
#include "core/name_table.hpp"
#include "training/checkpoint.hpp"
#include "training/text_forms.hpp"

namespace monet::training {

using workloads::Graph;
using workloads::Op;
using workloads::OpKind;
using workloads::TensorKind;

namespace {
constexpr std::pair<TrainablePolicy, std::string_view> kPolicyNames[] = {
    {TrainablePolicy::kDefault, "default"},    {TrainablePolicy::kAll, "all"},
    {TrainablePolicy::kNone, "none"},          {TrainablePolicy::kBiasOnly, "bias-only"},
    {TrainablePolicy::kNormOnly, "norm-only"},
};
const char* kValidForms =
    "valid: all, none, last:N (N >= 1), bias-only, norm-only, or op-name globs separated by "
    "commas (block:GLOB matches block names)";
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
}  // namespace

std::string_view trainable_policy_name(TrainablePolicy p) {
  if (p == TrainablePolicy::kLastBlocks) return "last";
  if (p == TrainablePolicy::kPatterns) return "patterns";
  return core::name_in(kPolicyNames, p);
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
  if (auto p = core::value_in(kPolicyNames, text)) {
    s.policy = *p;
    return s;
  }
  if (text.rfind("last:", 0) == 0) {
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
  TrainableSpec s;
  s.policy = TrainablePolicy::kPatterns;
  for (size_t i = 0; i < node.size(); ++i) {
    core::YamlNode item = node.at(i);
    std::string p = item.as_string();
    if (p.empty()) item.fail("an empty pattern matches no op");
    s.patterns.push_back(p);
    s.pattern_sources.push_back(item.issue(""));
  }
  return s;
}

std::vector<char> resolve_trainable(const Graph& g, const TrainableSpec& spec,
                                    const std::vector<int>& adapters) {
  std::vector<char> out(g.tensors().size(), 0);
  TrainablePolicy policy = spec.policy;
  if (policy == TrainablePolicy::kDefault)
    policy = adapters.empty() ? TrainablePolicy::kAll : TrainablePolicy::kNone;
  switch (policy) {
    case TrainablePolicy::kDefault:
    case TrainablePolicy::kAll:
      for (const auto& op : g.ops()) select_params(g, op, out);
      break;
    case TrainablePolicy::kNone:
      break;
    case TrainablePolicy::kLastBlocks: {
      auto units = block_units(g);
      if (spec.last_blocks > static_cast<int>(units.size()))
        fail(spec, spec.patterns.size(),
             "last:" + std::to_string(spec.last_blocks) + " asks for more blocks than graph '" +
                 g.name() + "' has (" + std::to_string(units.size()) + ")");
      for (size_t u = units.size() - static_cast<size_t>(spec.last_blocks); u < units.size(); ++u)
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
    case TrainablePolicy::kPatterns:
      for (size_t i = 0; i < spec.patterns.size(); ++i) {
        bool any = false;
        for (const auto& op : g.ops()) {
          if (!matches(spec.patterns[i], op)) continue;
          any = true;
          select_params(g, op, out);
        }
        if (!any) fail(spec, i, "matches no op of graph '" + g.name() + "'");
      }
      break;
  }
  // A policy that selects nothing is almost certainly a mistake, unless adapters train.
  bool selected = std::find(out.begin(), out.end(), 1) != out.end();
  if (!selected && adapters.empty()) {
    std::string what = policy == TrainablePolicy::kBiasOnly   ? "has no bias parameter"
                       : policy == TrainablePolicy::kNormOnly ? "has no normalisation parameter"
                       : policy == TrainablePolicy::kAll      ? "has no parameter"
                                                              : "leaves no parameter to train";
    fail(spec, spec.patterns.size(), "graph '" + g.name() + "' " + what);
  }
  for (int t : adapters) out[t] = 1;
  return out;
}

std::string resolved_trainable_str(const TrainableSpec& spec, bool has_adapters) {
  if (spec.policy != TrainablePolicy::kDefault) return spec.str();
  return has_adapters ? "none (adapters only)" : "all";
}

}  // namespace monet::training

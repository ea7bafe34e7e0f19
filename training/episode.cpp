#include "training/episode.hpp"

#include <utility>
#include <vector>

#include "core/names.hpp"
#include "workloads/builder.hpp"

namespace monet::training {

const core::NameTable<FinetuneTarget>& finetune_target_names() {
  static const core::NameTable<FinetuneTarget> table("fine-tuning target",
                                                     {
                                                         {FinetuneTarget::kHead, "head"},
                                                         {FinetuneTarget::kBackbone, "backbone"},
                                                     });
  return table;
}

using workloads::Builder;
using workloads::Graph;
using workloads::Op;
using workloads::OpKind;
using workloads::Shape;
using workloads::TensorKind;

namespace {
constexpr const char* kHeadName = "episode.head";
// Class probabilities from scores s = q·p and prototype norms n = ‖p‖²: softmax over the
// classes of 2s − n (−‖q − p‖² up to the per-query ‖q‖², which softmax ignores): 2 ops for
// the distance, 5 for the softmax (max, subtract, exp, sum, divide).
constexpr double kProbabilityOps = 7;

[[noreturn]] void fail(const FewShotSpec& spec, const std::string& field, const std::string& value,
                       const std::string& rule) {
  if (!spec.where.field.empty() || !spec.where.where.file.empty()) {
    core::ConfigIssue issue = spec.where;
    issue.field = (issue.field.empty() ? "few_shot" : issue.field) + "." + field;
    issue.value = value;
    issue.rule = rule;
    throw core::ConfigError({issue});
  }
  throw core::Error("few_shot." + field + " = '" + value + "': " + rule);
}

int bits_of(const Graph& g, int tensor) {
  return g.tensor(tensor).elem_bits;
}

// The ops `tensor` depends on, with only the tensors they use (a classifier after the
// features and its weights are dropped).
Graph cut_after(const Graph& g, int tensor) {
  std::vector<char> keep_op(g.ops().size(), 0), keep_tensor(g.tensors().size(), 0);
  keep_tensor[static_cast<size_t>(tensor)] = 1;
  for (int i = static_cast<int>(g.ops().size()) - 1; i >= 0; --i) {
    const Op& op = g.op(i);
    bool needed = false;
    for (int t : op.outputs) needed = needed || keep_tensor[static_cast<size_t>(t)];
    if (!needed) continue;
    keep_op[static_cast<size_t>(i)] = 1;
    for (int t : op.inputs) keep_tensor[static_cast<size_t>(t)] = 1;
    for (int t : op.outputs) keep_tensor[static_cast<size_t>(t)] = 1;
  }
  Graph out(g.name());
  std::vector<int> id(g.tensors().size(), -1);
  for (const auto& t : g.tensors())
    if (keep_tensor[static_cast<size_t>(t.id)])
      id[static_cast<size_t>(t.id)] = out.add_tensor(t.name, t.shape, t.elem_bits, t.kind);
  for (const Op& op : g.ops()) {
    if (!keep_op[static_cast<size_t>(op.id)]) continue;
    Op copy = op;
    copy.id = -1;
    for (int& t : copy.inputs) t = id[static_cast<size_t>(t)];
    for (int& t : copy.outputs) t = id[static_cast<size_t>(t)];
    for (int& t : copy.operand_tensor)
      if (t >= 0) t = id[static_cast<size_t>(t)];
    out.add_op(std::move(copy));
  }
  return out;
}

// The head: a linear layer dim → ways with bias, named episode.head.
int add_head(Builder& b, int features, int ways) {
  b.set_block("episode.head");
  return b.linear(kHeadName, features, ways, true);
}
}  // namespace

std::string_view finetune_target_name(FinetuneTarget t) {
  return finetune_target_names().name(t);
}

FinetuneTarget parse_finetune_target(std::string_view name) {
  if (auto t = finetune_target_names().find(name)) return *t;
  throw core::Error("unknown fine-tuning target '" + std::string(name) +
                    "' (valid: " + finetune_target_names().list() + ")");
}

FewShotSpec few_shot_from_yaml(const core::YamlNode& node) {
  if (!node.is_map()) node.fail("must be a map {ways, shots, queries, features, finetune}");
  node.reject_unknown_keys({"ways", "shots", "queries", "features", "finetune"});
  FewShotSpec s;
  s.where = node.issue("");
  core::IssueList issues;
  auto guarded = [&](auto&& f) {
    try {
      f();
    } catch (const core::ConfigError& e) {
      issues.append(e);
    }
  };
  guarded([&] { s.ways = static_cast<int>(node.required("ways").as_int(2, 1 << 16)); });
  guarded([&] { s.shots = static_cast<int>(node.required("shots").as_int(1, 1 << 16)); });
  guarded([&] { s.queries = static_cast<int>(node.required("queries").as_int(1, 1 << 16)); });
  if (node.has("features")) guarded([&] { s.features = node["features"].as_string(); });
  if (node.has("finetune"))
    guarded([&] {
      core::YamlNode f = node["finetune"];
      if (!f.is_map()) f.fail("must be a map {steps, trains}");
      f.reject_unknown_keys({"steps", "trains"});
      s.finetune_steps = static_cast<int>(f.required("steps").as_int(0, 1 << 20));
      if (f.has("trains")) {
        try {
          s.finetune = parse_finetune_target(f["trains"].as_string());
        } catch (const core::ConfigError&) {
          throw;
        } catch (const core::Error& e) {
          f["trains"].fail(e.what());
        }
      }
    });
  issues.throw_if_any();
  return s;
}

int feature_tensor(const Graph& g, const FewShotSpec& spec) {
  int t = -1;
  if (!spec.features.empty()) {
    t = g.find_tensor(spec.features);
    if (t < 0)
      fail(spec, "features", spec.features, "no tensor of that name in graph '" + g.name() + "'");
  } else {
    for (const Op& op : g.ops())
      if (op.kind == OpKind::kGlobalAvgPool) t = op.outputs.at(0);
    if (t < 0)
      fail(spec, "features", "",
           "workload '" + g.name() +
               "' has no feature output (no global average pooling); name its feature tensor "
               "in few_shot.features");
  }
  const auto& ten = g.tensor(t);
  if (ten.kind != TensorKind::kActivation || ten.shape.size() != 2)
    fail(spec, "features", ten.name,
         "the feature output must be an activation of shape [batch, dim], not " +
             std::to_string(ten.shape.size()) + "-D");
  return t;
}

Graph episode_graph(const Graph& backbone, const FewShotSpec& spec) {
  const int f = feature_tensor(backbone, spec);
  const Shape fs = backbone.tensor(f).shape;
  if (fs[0] != spec.images())
    throw core::Error("few-shot episode: backbone built for batch " + std::to_string(fs[0]) +
                      ", the episode has " + std::to_string(spec.images()) + " images");
  const int bits = bits_of(backbone, f);
  const std::string feature_name = backbone.tensor(f).name;
  Builder b(cut_after(backbone, f), bits);
  const int features = b.graph().find_tensor(feature_name);
  const int64_t d = fs[1], w = spec.ways, s = spec.shots, q = spec.query_images();
  b.set_block("episode");
  auto parts = b.split("episode.split", features, {{w * s, d}, {q, d}});
  // Support rows are grouped by class; the mean over each class's shots is the prototype.
  int by_class = b.reshape("episode.support_by_class", parts[0], {w, d, s, 1});
  int prototypes = b.global_avgpool("episode.prototypes", by_class);
  int squares = b.mul("episode.prototype_squares", prototypes, prototypes);
  int rows = b.reshape("episode.prototype_rows", squares, {w, 1, d, 1});
  int norms = b.global_avgpool("episode.prototype_norms", rows);
  int scores = b.matmul("episode.scores", parts[1], prototypes, /*b_transposed=*/true);
  Graph& g = b.graph();
  Op probs;
  probs.name = "episode.probabilities";
  probs.kind = OpKind::kSoftmax;
  probs.inputs = {scores, norms};
  probs.outputs = {g.add_tensor(probs.name, {q, w}, bits, TensorKind::kActivation)};
  probs.block = "episode";
  probs.elements = q * w;
  probs.ops_per_element = kProbabilityOps;
  g.add_op(std::move(probs));
  return b.finish();
}

Graph finetune_graph(const Graph& backbone, const FewShotSpec& spec) {
  const int f = feature_tensor(backbone, spec);
  const Shape fs = backbone.tensor(f).shape;
  const int bits = bits_of(backbone, f);
  if (spec.finetune == FinetuneTarget::kHead) {
    Builder b(backbone.name() + "-head", bits);
    int x = b.input("support_features", {spec.support_images(), fs[1]});
    add_head(b, x, spec.ways);
    return b.finish();
  }
  if (fs[0] != spec.support_images())
    throw core::Error("few-shot fine-tuning: backbone built for batch " + std::to_string(fs[0]) +
                      ", the support set has " + std::to_string(spec.support_images()) + " images");
  const std::string feature_name = backbone.tensor(f).name;
  Builder b(cut_after(backbone, f), bits);
  add_head(b, b.graph().find_tensor(feature_name), spec.ways);
  return b.finish();
}

TrainingOptions finetune_options(TrainingOptions o, const FewShotSpec& spec) {
  if (spec.finetune == FinetuneTarget::kHead) {
    o.adapters.clear();  // the head graph has no backbone to adapt
    o.trainable = {};
    return o;
  }
  if (o.trainable.policy == TrainablePolicy::kDefault) {
    o.trainable.policy = TrainablePolicy::kPatterns;
    o.trainable.patterns = {kHeadName};
  }
  return o;
}

}  // namespace monet::training

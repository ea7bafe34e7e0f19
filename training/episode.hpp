// Few-shot episodes (prototypical / nearest-class-mean classification, as PEFSL and the
// MobileViT few-shot work run them): a frozen backbone embeds `ways·shots` support and
// `ways·queries` query images, the support features of each class are averaged into a
// prototype, and each query gets class probabilities from its distances to the prototypes
// (softmax of −‖q − p‖², Snell et al. 2017). Optional fine-tuning steps before the episode
// train a linear head on the support set, either on cached support features (`head`) or
// through the backbone with the experiment's adapters and trainable set (`backbone`).
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/names.hpp"
#include "core/yaml.hpp"
#include "training/options.hpp"
#include "workloads/graph.hpp"

namespace monet::training {

enum class FinetuneTarget {
  kHead,      // a linear head on cached support features (the backbone runs once)
  kBackbone,  // the backbone (training.adapters / training.trainable) and the head, per step
};
const core::NameTable<FinetuneTarget>& finetune_target_names();
std::string_view finetune_target_name(FinetuneTarget t);  // "head", "backbone"
FinetuneTarget parse_finetune_target(std::string_view name);

struct FewShotSpec {
  int ways = 5;
  int shots = 1;
  int queries = 15;
  // The feature tensor of the backbone; "" = the output of its last global average pool.
  std::string features;
  int finetune_steps = 0;
  FinetuneTarget finetune = FinetuneTarget::kHead;
  core::ConfigIssue where;  // the few_shot map (file, line, field path) for errors

  int64_t support_images() const { return int64_t{ways} * shots; }
  int64_t query_images() const { return int64_t{ways} * queries; }
  int64_t images() const { return support_images() + query_images(); }
};

// The `few_shot:` map: ways (>= 2), shots (>= 1), queries (>= 1), features, finetune
// {steps (>= 0), trains: head | backbone}. Unknown keys and bad values are ConfigErrors.
FewShotSpec few_shot_from_yaml(const core::YamlNode& node);

// The feature tensor of `backbone`: the named one (a 2-D [batch, dim] activation) or the output
// of the last global average pool. Throws (ConfigError when the spec came from a file) naming
// `few_shot.features` when there is none or it is not [batch, dim].
int feature_tensor(const workloads::Graph& backbone, const FewShotSpec& spec);

// The inference part of an episode: `backbone` built at batch spec.images() (support images
// first, class by class), cut after the feature tensor, then support/query split, prototypes
// (mean over shots), prototype norms, query·prototype scores and class probabilities.
workloads::Graph episode_graph(const workloads::Graph& backbone, const FewShotSpec& spec);

// One fine-tuning step's forward graph: a linear head dim → ways on `support_images` cached
// feature vectors (kHead), or `backbone` (built at batch spec.support_images()) cut after its
// features plus that head (kBackbone). The head is op `episode.head`.
workloads::Graph finetune_graph(const workloads::Graph& backbone, const FewShotSpec& spec);

// The options of a fine-tuning step: `base` (the experiment's training options) with the
// trainable set defaulting to the head (plus adapters) instead of everything.
TrainingOptions finetune_options(TrainingOptions base, const FewShotSpec& spec);

}  // namespace monet::training

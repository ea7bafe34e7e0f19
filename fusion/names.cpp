#include "fusion/names.hpp"

#include <algorithm>

#include "workloads/op.hpp"

namespace monet::fusion {

const core::NameTable<StackRule>& stack_rule_names() {
  static const core::NameTable<StackRule> table("stack rule",
                                                {{StackRule::kLayerByLayer, "layer-by-layer"},
                                                 {StackRule::kBlocks, "blocks"},
                                                 {StackRule::kFixed, "fixed"},
                                                 {StackRule::kExplicit, "explicit"}});
  return table;
}

const core::NameTable<AllocationDefault>& allocation_default_names() {
  static const core::NameTable<AllocationDefault> table(
      "allocation default",
      {{AllocationDefault::kFastest, "fastest"}, {AllocationDefault::kFollow, "follow"}});
  return table;
}

const core::NameTable<bool>& backward_stack_names() {
  static const core::NameTable<bool> table("backward stacking",
                                           {{true, "mirror"}, {false, "layer-by-layer"}});
  return table;
}

const core::NameTable<ExperimentMode>& experiment_mode_names() {
  static const core::NameTable<ExperimentMode> table("mode",
                                                     {{ExperimentMode::kTraining, "training"},
                                                      {ExperimentMode::kInference, "inference"},
                                                      {ExperimentMode::kFewShot, "few-shot"},
                                                      {ExperimentMode::kGenerate, "generate"}});
  return table;
}

const core::NameTable<TransferKind>& transfer_kind_names() {
  static const core::NameTable<TransferKind> table("transfer kind",
                                                   {{TransferKind::kDramRead, "dram-read"},
                                                    {TransferKind::kDramWrite, "dram-write"},
                                                    {TransferKind::kLink, "link"},
                                                    {TransferKind::kRefetch, "refetch"}});
  return table;
}

const std::vector<std::string>& allocation_pass_filters() {
  static const std::vector<std::string> filters = [] {
    std::vector<std::string> out = workloads::pass_names().names();
    out.insert(out.begin() + 2, "backward");  // after forward, loss
    return out;
  }();
  return filters;
}

bool is_allocation_pass_filter(const std::string& filter) {
  const auto& f = allocation_pass_filters();
  return std::find(f.begin(), f.end(), filter) != f.end();
}

}  // namespace monet::fusion

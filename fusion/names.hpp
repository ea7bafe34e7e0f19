// The name tables of fusion/'s enums: what experiment files, the CLI, the Python binding and
// the writers (summary.json, traces, replayable experiments) spell them as.
#pragma once

#include <string>
#include <vector>

#include "core/names.hpp"
#include "fusion/plan.hpp"
#include "fusion/schedule.hpp"

namespace monet::fusion {

// fusion.stacks: "layer-by-layer", "blocks", "fixed", "explicit".
const core::NameTable<StackRule>& stack_rule_names();
// allocation_default: "fastest", "follow".
const core::NameTable<AllocationDefault>& allocation_default_names();
// fusion.backward (PlanSpec::mirror_backward): "mirror" (true), "layer-by-layer" (false).
const core::NameTable<bool>& backward_stack_names();
// An experiment's `mode`: what one run simulates.
enum class ExperimentMode { kTraining, kInference, kFewShot, kGenerate };
// "training", "inference", "few-shot", "generate".
const core::NameTable<ExperimentMode>& experiment_mode_names();
// Transfer kinds in schedules, traces and tables: "dram-read", "dram-write", "link", "refetch".
const core::NameTable<TransferKind>& transfer_kind_names();
// The `pass` filter of an allocation rule: every pass name, plus "backward" (both backward
// passes).
const std::vector<std::string>& allocation_pass_filters();
bool is_allocation_pass_filter(const std::string& filter);

}  // namespace monet::fusion

// `describe --training`: options that turn a forward graph into a training step and the
// per-phase / memory report printed for it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "workloads/graph.hpp"

namespace monet::cli {

struct TrainingArgs {
  bool training = false;
  std::string optimizer = "sgd";
  std::string loss = "auto";
  std::string checkpoint = "none";
  int activation_bits = 32;
  int weight_bits = 32;
  int gradient_bits = 32;
  int optimizer_state_bits = 32;
};

// Adds --training and the options that need it to `cmd`.
void add_training_options(CLI::App* cmd, TrainingArgs& args);
// Expands `forward` and prints the report (text, or the monet.training/1 JSON document).
void print_training_report(const workloads::Graph& forward, const TrainingArgs& args, bool json);

}  // namespace monet::cli

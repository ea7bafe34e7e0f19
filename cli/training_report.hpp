// `describe --training`: options that turn a forward graph into a training step and the
// per-phase / memory report printed for it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "training/options.hpp"
#include "workloads/graph.hpp"

namespace monet::cli {

struct TrainingArgs {
  bool training = false;
  std::string optimizer = "sgd";
  std::string loss = "auto";
  std::string checkpoint = "none";
  int activation_bits = 0;  // 0: the workload's element size
  int weight_bits = 0;
  int gradient_bits = 0;
  int optimizer_state_bits = 0;
  std::string trainable = "default";
  int frozen_weight_bits = 0;
  std::string frozen_batchnorm = "batch-statistics";
  std::string relu_saves = "output";
  std::string adapters;  // YAML list text or a .yaml file
};

// Adds --trainable (which needs `needs`) to `cmd`.
void add_trainable_option(CLI::App* cmd, std::string& trainable, CLI::Option* needs);
// Adds --adapters (which needs `needs`) to `cmd`.
void add_adapters_option(CLI::App* cmd, std::string& adapters, CLI::Option* needs);
// Adds --training and the options that need it to `cmd`.
void add_training_options(CLI::App* cmd, TrainingArgs& args);
// The options `a` describes (names parsed; a bad name throws core::Error naming the option).
training::TrainingOptions to_training_options(const TrainingArgs& a);
// Expands `forward` and prints the report (text, or the monet.training/1 JSON document).
void print_training_report(const workloads::Graph& forward, const TrainingArgs& args, bool json);

}  // namespace monet::cli

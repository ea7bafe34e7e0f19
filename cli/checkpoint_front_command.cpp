// `checkpoint-front MODEL`: the chain of blocks of a model, the store-all and √n baselines and
// the exact Pareto front of (recompute cost, peak activation memory) of activation
// checkpointing (model in training/chain.hpp).
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/workload_source.hpp"
#include "core/json_text.hpp"
#include "core/units.hpp"
#include "training/checkpoint_dp.hpp"

namespace monet::cli {

namespace {
struct CheckpointFrontArgs {
  std::string model;
  int64_t batch = 1;
  int64_t seq = 0;
  std::string granularity = "block";
  int activation_bits = 0;  // 0: the workload's element size
  bool json = false;
};

std::string count(int64_t v) {
  return core::format_count(static_cast<double>(v));
}
std::string bytes(int64_t v) {
  return core::format_bytes(static_cast<double>(v));
}

void print_text(const training::Chain& c, training::Granularity g,
                const training::CheckpointFront& f,
                const std::vector<training::ChainBaseline>& base) {
  std::printf("%s: chain of %d blocks, forward cost %s %s, input '%s' (%s)\n", c.name.c_str(),
              c.size(), count(c.total_cost()).c_str(), c.cost_unit.c_str(), c.input_name.c_str(),
              bytes(c.input_bytes).c_str());
  std::printf("%-4s %-14s %22s %22s %12s %12s %8s\n", "#", "block", c.cost_unit.c_str(),
              "for saved only", "output", "saved", "tensors");
  for (int i = 0; i < c.size(); ++i) {
    const auto& e = c.elements[i];
    std::printf("%-4d %-14s %22s %22s %12s %12s %8zu\n", i, e.name.c_str(), count(e.cost).c_str(),
                count(e.saved_cost).c_str(), bytes(e.output_bytes).c_str(),
                bytes(e.saved_bytes()).c_str(), e.saved.size());
  }
  std::printf(
      "\nplans: one letter per block, K saved tensors kept, D dropped, P partly, - saves "
      "nothing; '|' after a block whose output is kept\n");
  std::printf("%-10s %22s %14s  %s\n", "baseline", "recompute", "peak", "plan");
  for (const auto& b : base)
    std::printf("%-10s %22s %14s  %s\n", b.name.c_str(), count(b.evaluation.recompute_cost).c_str(),
                bytes(b.evaluation.peak_bytes).c_str(), training::plan_str(c, b.plan).c_str());
  std::printf("\nexact front (%s granularity): %zu points\n",
              std::string(training::granularity_name(g)).c_str(), f.points.size());
  std::printf("%-10s %22s %14s  %s\n", "", "recompute", "peak", "plan");
  for (const auto& p : f.points)
    std::printf("%-10s %22s %14s  %s\n", "", count(p.recompute_cost).c_str(),
                bytes(p.peak_bytes).c_str(), training::plan_str(c, p.plan).c_str());
}
}  // namespace

void add_checkpoint_front_command(CLI::App& app) {
  auto args = std::make_shared<CheckpointFrontArgs>();
  auto* cmd = app.add_subcommand(
      "checkpoint-front",
      "Exact Pareto front of recompute cost vs peak activation memory of activation "
      "checkpointing on the model's chain of blocks, with the store-all and sqrt(n) baselines");
  cmd->add_option("model", args->model, "Built-in model name (see `list`) or a workload YAML file")
      ->required();
  auto* batch_opt =
      cmd->add_option("--batch", args->batch, "Batch size (replaces a workload file's batch)")
          ->check(CLI::PositiveNumber);
  cmd->add_option("--seq", args->seq, "Sequence length (GPT-2 only)")->check(CLI::PositiveNumber);
  cmd->add_option("--granularity", args->granularity,
                  "block (one keep bit per block) or activation (one per saved tensor)")
      ->check(CLI::IsMember(training::granularity_names().names()));
  cmd->add_option("--activation-bits", args->activation_bits,
                  "Bits per activation element (default: the workload's element size)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--json", args->json, "Print the monet.checkpoint_front/1 JSON document instead");
  cmd->callback([args, batch_opt] {
    workloads::Graph g = load_workload(
        args->model, {.batch = args->batch, .seq = args->seq, .batch_set = batch_opt->count() > 0});
    training::TrainingOptions options;
    options.activation_bits = args->activation_bits;
    const training::Chain chain = training::extract_chain(g, options);
    const auto gran = training::parse_granularity(args->granularity);
    const auto front = training::checkpoint_front(chain, gran);
    const auto base = training::checkpoint_baselines(chain, gran);
    if (args->json)
      std::cout << core::json_text(training::checkpoint_front_json(chain, gran, front, base), 2)
                << "\n";
    else
      print_text(chain, gran, front, base);
  });
}

}  // namespace monet::cli

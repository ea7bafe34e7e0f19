#include <cstdio>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/workload_source.hpp"
#include "core/units.hpp"
#include "workloads/describe.hpp"

namespace monet::cli {

namespace {
struct DescribeArgs {
  std::string model;
  int64_t batch = 1;
  int64_t seq = 0;
  bool json = false;
};

void print_table(const workloads::Graph& g) {
  auto rows = workloads::describe_ops(g);
  std::printf("%-36s %-14s %-18s %12s %16s %12s\n", "op", "kind", "output", "params", "MACs",
              "act bytes");
  for (auto& r : rows)
    std::printf("%-36s %-14s %-18s %12s %16s %12s\n", r.name.c_str(), r.kind.c_str(),
                workloads::shape_to_string(r.output_shape).c_str(),
                core::format_count(static_cast<double>(r.parameters)).c_str(),
                core::format_count(static_cast<double>(r.macs)).c_str(),
                core::format_count(static_cast<double>(r.activation_bytes)).c_str());
  auto t = g.totals();
  std::printf("\n%s: %lld ops (%lld loop nests)\n", g.name().c_str(),
              static_cast<long long>(t.op_count), static_cast<long long>(t.compute_op_count));
  std::printf("  parameters        %s (%s)\n", core::format_count(t.parameters).c_str(),
              core::format_bytes(static_cast<double>(t.parameter_bytes)).c_str());
  std::printf("  forward MACs      %s\n", core::format_count(static_cast<double>(t.macs)).c_str());
  std::printf("  element ops       %s\n", core::format_count(t.element_ops).c_str());
  std::printf("  activation bytes  %s (%s, every op output)\n",
              core::format_count(static_cast<double>(t.activation_bytes)).c_str(),
              core::format_bytes(static_cast<double>(t.activation_bytes)).c_str());
}
}  // namespace

void add_describe_command(CLI::App& app) {
  auto args = std::make_shared<DescribeArgs>();
  auto* cmd = app.add_subcommand(
      "describe", "Print one row per op (kind, output shape, parameters, MACs, activation bytes)");
  cmd->add_option("model", args->model, "Built-in model name (see `list`) or a workload YAML file")
      ->required();
  cmd->add_option("--batch", args->batch, "Batch size")->check(CLI::PositiveNumber);
  cmd->add_option("--seq", args->seq, "Sequence length (GPT-2 only)")->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print the monet.describe/1 JSON document instead");
  cmd->callback([args] {
    workloads::Graph g = load_workload(args->model, {.batch = args->batch, .seq = args->seq});
    if (args->json) std::cout << workloads::describe_json(g).dump(2) << "\n";
    else print_table(g);
  });
}

}  // namespace monet::cli

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/training_report.hpp"
#include "cli/workload_source.hpp"
#include "core/json_text.hpp"
#include "core/units.hpp"
#include "workloads/describe.hpp"
#include "workloads/onnx_import.hpp"

namespace monet::cli {

namespace {
struct DescribeArgs {
  std::string model;
  int64_t batch = 1;
  int64_t seq = 0;
  bool json = false;
  bool skip_unsupported = false;
  TrainingArgs training;
};

// ONNX models with --skip-unsupported need the importer's option; everything else goes
// through load_workload.
workloads::Graph load_model_arg(const DescribeArgs& a, bool batch_set) {
  if (!a.skip_unsupported || !workloads::is_onnx_file_name(a.model))
    return load_workload(a.model, {.batch = a.batch, .seq = a.seq, .batch_set = batch_set});
  auto r =
      workloads::import_onnx(a.model, {.batch = batch_set ? a.batch : 0, .skip_unsupported = true});
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  return std::move(r.graph);
}

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
  cmd->add_option("model", args->model,
                  "Built-in model name (see `list`), a workload YAML file or an ONNX model")
      ->required();
  auto* batch_opt =
      cmd->add_option("--batch", args->batch, "Batch size (replaces a workload file's batch)")
          ->check(CLI::PositiveNumber);
  cmd->add_option("--seq", args->seq, "Sequence length (GPT-2 only)")->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print the monet.describe/1 JSON document instead");
  cmd->add_flag("--skip-unsupported", args->skip_unsupported,
                "ONNX models: pass unsupported nodes through at no cost (with a warning)");
  add_training_options(cmd, args->training);
  cmd->callback([args, batch_opt] {
    workloads::Graph g = load_model_arg(*args, batch_opt->count() > 0);
    if (args->training.training)
      print_training_report(g, args->training, args->json);
    else if (args->json)
      std::cout << core::json_text(workloads::describe_json(g), 2) << "\n";
    else
      print_table(g);
  });
}

}  // namespace monet::cli

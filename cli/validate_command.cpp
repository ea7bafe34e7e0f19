#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>

#include "accelerators/loader.hpp"
#include "accelerators/summary.hpp"
#include "accelerators/zigzag_import.hpp"
#include "cli/commands.hpp"
#include "codesign/search.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "core/yaml.hpp"
#include "fusion/experiment.hpp"
#include "fusion/generate.hpp"
#include "workloads/yaml_workload.hpp"

namespace monet::cli {

namespace {

void print_search(const codesign::SearchSpec& spec);

// A generation run's checks (decoder, token counts, precision on the accelerator, plan), and
// its search section's.
void validate_generation(const std::string& path, const fusion::Experiment& e) {
  fusion::check_generation(e);
  std::optional<codesign::SearchSpec> spec;
  if (e.root.has("search")) spec = codesign::parse_search(e);
  // The generation problem checks its candidates on the accelerator.
  if (spec && spec->kind == codesign::SearchSpec::Kind::kGenerate)
    codesign::GenerateProblem(e, spec->generate, spec->codesign.objectives);
  const fusion::GenerationRun r = fusion::generation_setup(e);
  std::cout << path << ": experiment '" << e.name << "' is valid\n"
            << "  workload     " << r.config.name << " (generation): " << r.prompt_tokens
            << " prompt tokens, " << r.output_tokens << " output tokens, batch " << r.batch << "\n"
            << "  plan         " << e.plan_name << "\n";
  if (spec) print_search(*spec);
}

// Everything `run` (and, with a search section, `search`) checks before simulating: the
// file, the workload it builds, the accelerator, the plan and its allocation on that graph.
void validate_experiment(const std::string& path) {
  fusion::Experiment e = fusion::load_experiment(path);
  if (e.generate) return validate_generation(path, e);
  fusion::Prepared p = fusion::prepare(e);
  const auto& sim = *p.sim;
  fusion::FusionPlan plan = sim.plan(e.plan);
  fusion::CnGraph cns = sim.cns(plan);
  std::optional<codesign::SearchSpec> spec;
  if (e.root.has("search")) spec = codesign::parse_search(e);
  const auto totals = sim.graph().totals();
  std::cout << path << ": experiment '" << e.name << "' is valid\n"
            << "  workload     " << sim.graph().name() << " ("
            << (e.training ? "training step" : "inference") << "): " << totals.op_count << " ops, "
            << core::format_count(static_cast<double>(totals.macs)) << " MACs\n"
            << (p.folded.folded.empty()
                    ? std::string()
                    : "  folded       " + std::to_string(p.folded.folded.size()) +
                          " BatchNorms into the conv or linear layer before them\n")
            << "  accelerator  " << sim.accelerator().name << " (" << sim.accelerator().cores.size()
            << " cores)\n"
            << "  plan         " << e.plan_name << ", " << plan.stacks.size() << " stacks, "
            << cns.cns.size() << " CNs\n";
  if (spec) print_search(*spec);
}

void print_search(const codesign::SearchSpec& s) {
  const codesign::SearchSpec* spec = &s;
  {
    const auto& c = spec->codesign;
    std::cout << "  search       " << codesign::search_problem_name(spec->kind) << ", population "
              << spec->nsga.population;
    if (spec->kind == codesign::SearchSpec::Kind::kCodesign) {
      std::cout << ", genes";
      for (auto [on, name] : {std::pair{c.allocation, "allocation"},
                              {c.fusion, "fusion"},
                              {c.checkpoint, "checkpoint"},
                              {c.hardware, "hardware"}})
        if (on) std::cout << " " << name;
      std::cout << ", objectives";
      for (auto o : c.objectives) std::cout << " " << codesign::objective_info(o).key;
    }
    if (spec->kind == codesign::SearchSpec::Kind::kGenerate) {
      std::cout << ", genes";
      for (const auto& g : codesign::generate_gene_group_names(spec->generate))
        std::cout << " " << g;
      std::cout << ", objectives";
      for (auto o : c.objectives) std::cout << " " << codesign::objective_info(o).key;
    }
    std::cout << "\n";
  }
}

void validate_workload(const std::string& path) {
  workloads::Graph g = workloads::load_workload_file(path);
  const auto t = g.totals();
  std::cout << path << ": workload '" << g.name() << "' is valid: " << t.op_count << " ops ("
            << t.compute_op_count << " loop nests), "
            << core::format_count(static_cast<double>(t.macs)) << " MACs, "
            << core::format_count(static_cast<double>(t.parameters)) << " parameters ("
            << core::format_bytes(static_cast<double>(t.parameter_bytes)) << ")\n";
}

// Loads FILE (or a preset name) and tells which kind of config it is by its top-level keys.
void validate(const std::string& target) {
  std::string path = target;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && target.find('@') != std::string::npos) {
    // A preset or file in one of its power modes: the description as that mode makes it.
    accelerators::Accelerator acc = accelerators::load_accelerator(target);
    std::cout << target << ": accelerator '" << acc.name << "' is valid (" << acc.cores.size()
              << (acc.cores.size() == 1 ? " core" : " cores") << ")\n";
    for (const auto& line : accelerators::summary_lines(acc)) std::cout << "  " << line << "\n";
    return;
  }
  if (!std::filesystem::exists(path, ec)) {
    auto presets = accelerators::preset_names();
    if (std::find(presets.begin(), presets.end(), target) == presets.end())
      throw core::Error("cannot open '" + target + "' (not a file, not an accelerator preset)");
    path = accelerators::preset_path(target);
  }
  core::YamlNode root = core::load_yaml_file(path);
  auto format = accelerators::detect_accelerator_format(root);
  if (format == accelerators::AcceleratorFormat::kZigzag ||
      format == accelerators::AcceleratorFormat::kStream) {
    accelerators::Accelerator acc = accelerators::load_accelerator_any(path);
    std::cout << path << ": " << accelerators::format_name(format) << " accelerator '" << acc.name
              << "' is valid (" << acc.cores.size() << (acc.cores.size() == 1 ? " core" : " cores")
              << "; `monet-sim convert` writes it in monet-sim's format)\n";
    for (const auto& line : accelerators::summary_lines(acc)) std::cout << "  " << line << "\n";
    return;
  }
  if (root.is_map() && root.has("workload") && root.has("accelerator")) {
    validate_experiment(path);
    return;
  }
  if (root.is_map() && root.has("layers")) {
    validate_workload(path);
    return;
  }
  if (!accelerators::is_accelerator_document(root))
    throw core::ConfigError(root.loc(), "", "",
                            "not a config kind `validate` knows: accelerator descriptions have "
                            "a top-level `cores` list, experiments `workload` and `accelerator`, "
                            "workloads `inputs` and `layers`");
  accelerators::Accelerator acc;
  try {
    acc = accelerators::parse_accelerator(root);
  } catch (const core::ConfigError& e) {
    size_t n = e.issues().size();
    throw core::Error(path + ": " + std::to_string(n) + (n == 1 ? " error" : " errors") + "\n" +
                      e.what());
  }
  std::cout << path << ": accelerator '" << acc.name << "' is valid (" << acc.cores.size()
            << (acc.cores.size() == 1 ? " core" : " cores") << ")\n";
  for (const auto& line : accelerators::summary_lines(acc)) std::cout << "  " << line << "\n";
}

}  // namespace

void add_validate_command(CLI::App& app) {
  auto target = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "validate",
      "Check a config file and summarise it: an accelerator (or a ZigZag/Stream description), "
      "an experiment (with its workload, accelerator, plan and search section) or a workload");
  cmd->add_option("file", *target, "YAML file, or an accelerator preset name")->required();
  cmd->callback([target] { validate(*target); });
}

}  // namespace monet::cli

#include "cli/experiment_options.hpp"

#include <filesystem>

namespace monet::cli {

std::vector<core::YamlOverride> ExperimentOptions::overrides() const {
  std::vector<core::YamlOverride> out;
  for (const auto& s : set) out.push_back(core::parse_assignment(s, "--set"));
  if (!accelerator.empty()) {
    // A file named on the command line is relative to the working directory.
    std::error_code ec;
    std::string value = accelerator;
    if (std::filesystem::is_regular_file(accelerator, ec))
      value = std::filesystem::absolute(accelerator).string();
    out.push_back({"accelerator", value, "--accelerator " + accelerator});
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

void add_experiment_options(CLI::App* cmd, ExperimentOptions& options) {
  cmd->add_option("--set", options.set,
                  "Set a field of the experiment before it is read, checked like the file: "
                  "FIELD=VALUE, e.g. --set fusion.tiles=4 --set workload.batch=8 --set "
                  "'training.optimizer=adam' (repeatable; VALUE is YAML: 4, 16 GB/s, [a, b])")
      ->allow_extra_args(false)
      ->take_all();
  cmd->add_option("--accelerator", options.accelerator,
                  "Run on this accelerator instead (preset name or file; = --set accelerator=X)");
}

}  // namespace monet::cli

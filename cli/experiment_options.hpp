// Options shared by the commands that read an experiment (`run`, `search`): values set in the
// experiment before it is parsed, checked exactly like the file's own (core/yaml_overrides).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/yaml_overrides.hpp"

namespace monet::cli {

struct ExperimentOptions {
  std::vector<std::string> set;  // FIELD=VALUE
  std::string accelerator;       // preset name or file
  // Overrides added by a command's own options (search budget, seed, ...), applied last.
  std::vector<core::YamlOverride> extra;

  // In order: --set, --accelerator, then `extra` (fusion::Experiment::overrides lists them).
  std::vector<core::YamlOverride> overrides() const;
};

void add_experiment_options(CLI::App* cmd, ExperimentOptions& options);

}  // namespace monet::cli

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

  std::vector<core::YamlOverride> overrides() const;
  // "fusion.tiles=4, accelerator=jetson-orin-nano" (as applied), empty when none.
  std::vector<std::string> applied() const;
};

void add_experiment_options(CLI::App* cmd, ExperimentOptions& options);

}  // namespace monet::cli

// Accelerator descriptions from YAML (schema: configs/accelerators/README.md). Every broken
// rule in a file is collected and thrown together as one core::ConfigError, each issue naming
// file, line, field, value and rule.
#pragma once

#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"
#include "core/yaml.hpp"

namespace monet::accelerators {

// Parses and validates an accelerator document; `name` stands in for the file in messages.
Accelerator parse_accelerator_yaml(const std::string& text, const std::string& name);
Accelerator load_accelerator_file(const std::string& path);
Accelerator parse_accelerator(const core::YamlNode& root);

// A path to an existing file, or a preset name (see preset_path), either followed by
// "@<mode>" to select one of its power modes (accelerators/power_mode.hpp).
Accelerator load_accelerator(const std::string& spec);

// Preset names: the file stems in <folder>/accelerators/ over every folder of
// core::config_path() ($MONET_CONFIG_PATH, then the configs shipped with the binary), sorted.
std::vector<std::string> preset_names();
// The file a preset name resolves to (the first folder of core::config_path() that has it),
// or "" when no folder has it.
std::string preset_path(const std::string& name);

// True when a parsed YAML document is an accelerator description (it has `cores`).
bool is_accelerator_document(const core::YamlNode& root);

}  // namespace monet::accelerators

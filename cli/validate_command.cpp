#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>

#include "accelerators/loader.hpp"
#include "accelerators/summary.hpp"
#include "accelerators/zigzag_import.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/yaml.hpp"

namespace monet::cli {

namespace {

// Loads FILE (or a preset name) and tells which kind of config it is by its top-level keys.
void validate(const std::string& target) {
  std::string path = target;
  if (!std::filesystem::exists(path)) {
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
  if (!accelerators::is_accelerator_document(root))
    throw core::ConfigError(root.loc(), "", "",
                            "not a config kind `validate` knows: accelerator descriptions have "
                            "a top-level `cores` list");
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
      "validate", "Check a config file (accelerator descriptions so far) and summarise it");
  cmd->add_option("file", *target, "YAML file, or an accelerator preset name")->required();
  cmd->callback([target] { validate(*target); });
}

}  // namespace monet::cli

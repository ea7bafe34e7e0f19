#include "accelerators/loader.hpp"

#include "accelerators/power_mode.hpp"
#include "accelerators/zigzag_import.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/config_path.hpp"
#include "core/error.hpp"

namespace monet::accelerators {

namespace fs = std::filesystem;

Accelerator parse_accelerator_yaml(const std::string& text, const std::string& name) {
  return parse_accelerator(core::parse_yaml(text, name));
}

Accelerator load_accelerator_file(const std::string& path) {
  core::YamlNode root = core::load_yaml_file(path);
  // ZigZag and Stream descriptions are accepted wherever ours are.
  switch (detect_accelerator_format(root)) {
    case AcceleratorFormat::kZigzag:
      return import_zigzag(root);
    case AcceleratorFormat::kStream:
      return import_stream_file(path);
    default:
      return parse_accelerator(root);
  }
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& folder : core::config_path()) {
    fs::path dir = fs::path(folder) / "accelerators";
    if (!fs::is_directory(dir)) continue;
    for (auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".yaml")
        names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string preset_path(const std::string& name) {
  for (const auto& folder : core::config_path()) {
    fs::path path = fs::path(folder) / "accelerators" / (name + ".yaml");
    if (std::error_code ec; fs::is_regular_file(path, ec)) return path.string();
  }
  return "";
}

Accelerator load_accelerator(const std::string& spec) {
  if (std::error_code ec; fs::is_regular_file(spec, ec)) return load_accelerator_file(spec);
  const auto [base, mode] = split_mode(spec);
  if (base != spec) {
    if (mode.empty()) throw core::Error("accelerator '" + spec + "' names no power mode after '@'");
    return apply_power_mode(load_accelerator(base), mode);
  }
  const std::string& name_or_path = spec;
  bool looks_like_path = name_or_path.find('/') != std::string::npos ||
                         fs::path(name_or_path).extension() == ".yaml" ||
                         fs::path(name_or_path).extension() == ".yml";
  if (!looks_like_path) {
    std::string path = preset_path(name_or_path);
    if (!path.empty()) return load_accelerator_file(path);
    std::string list;
    for (auto& n : preset_names()) list += (list.empty() ? "" : ", ") + n;
    throw core::Error("unknown accelerator '" + name_or_path +
                      "': not a file and not a preset (presets: " + list + ")");
  }
  throw core::Error("cannot open accelerator file '" + name_or_path + "'");
}

}  // namespace monet::accelerators

#include "accelerators/loader.hpp"

#include "accelerators/zigzag_import.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

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

std::string config_dir() {
  // The environment wins so an installed binary can point at a copied configs/ tree.
  if (const char* env = std::getenv("MONET_CONFIG_DIR"); env && *env) {
    if (fs::is_directory(env)) return env;
    throw core::Error(std::string("MONET_CONFIG_DIR='") + env + "' is not a directory");
  }
#ifdef MONET_CONFIG_DIR
  if (fs::is_directory(MONET_CONFIG_DIR)) return MONET_CONFIG_DIR;
#endif
  throw core::Error("cannot find the configs directory: set MONET_CONFIG_DIR");
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  fs::path dir = fs::path(config_dir()) / "accelerators";
  if (!fs::is_directory(dir)) return names;
  for (auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".yaml")
      names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string preset_path(const std::string& name) {
  return (fs::path(config_dir()) / "accelerators" / (name + ".yaml")).string();
}

Accelerator load_accelerator(const std::string& name_or_path) {
  if (fs::is_regular_file(name_or_path)) return load_accelerator_file(name_or_path);
  bool looks_like_path = name_or_path.find('/') != std::string::npos ||
                         fs::path(name_or_path).extension() == ".yaml" ||
                         fs::path(name_or_path).extension() == ".yml";
  if (!looks_like_path) {
    std::string path = preset_path(name_or_path);
    if (fs::is_regular_file(path)) return load_accelerator_file(path);
    std::string list;
    for (auto& n : preset_names()) list += (list.empty() ? "" : ", ") + n;
    throw core::Error("unknown accelerator '" + name_or_path +
                      "': not a file and not a preset (presets: " + list + ")");
  }
  throw core::Error("cannot open accelerator file '" + name_or_path + "'");
}

}  // namespace monet::accelerators

// `list [workloads|accelerators|experiments]`: what can be run — built-in models and workload
// files, accelerator presets, experiment files (from the configs folder).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "accelerators/loader.hpp"
#include "cli/commands.hpp"
#include "core/config_path.hpp"
#include "core/file_io.hpp"
#include "core/yaml.hpp"
#include "workloads/models.hpp"

namespace monet::cli {

namespace {
namespace fs = std::filesystem;

// The first sentence of a file's leading comment block, at most ~100 characters.
std::string headline(const std::string& path) {
  std::istringstream in(core::read_file(path));
  std::string line, text;
  while (std::getline(in, line)) {
    if (line.rfind('#', 0) != 0) break;
    std::string body = line.substr(1);
    body.erase(0, body.find_first_not_of(' '));
    if (body.empty()) {
      if (!text.empty()) break;
      continue;
    }
    text += (text.empty() ? "" : " ") + body;
  }
  // The first sentence ends at ". " before a capital ("et al. 2016" goes on).
  for (size_t at = text.find(". "); at != std::string::npos; at = text.find(". ", at + 1))
    if (at + 2 < text.size() && std::isupper(static_cast<unsigned char>(text[at + 2]))) {
      text = text.substr(0, at);
      break;
    }
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (text.size() > 100) text = text.substr(0, 97) + "...";
  return text;
}

std::vector<std::string> yaml_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Rows of (name, text) with the texts aligned.
void rows(const std::vector<std::pair<std::string, std::string>>& items) {
  size_t width = 0;
  for (const auto& [name, text] : items) width = std::max(width, name.size());
  for (const auto& [name, text] : items)
    std::cout << "  " << name << std::string(width + 2 - name.size(), ' ') << text << "\n";
}

// A path the user can pass on from here: relative to the working folder when below it (links
// resolved, so the build tree's share/monet-sim/configs shows as configs/), else absolute.
std::string usable_path(const fs::path& f) {
  std::error_code ec;
  const fs::path rel = fs::relative(f, ec);
  if (!ec && !rel.empty() && *rel.begin() != "..") return rel.string();
  return fs::weakly_canonical(f, ec).string();
}

void list_workloads(const fs::path& configs) {
  std::cout << "Built-in workloads (experiments: `workload: NAME`; `monet-sim describe NAME`):\n";
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& m : workloads::builtin_models()) items.emplace_back(m.name, m.description);
  rows(items);
  items.clear();
  std::cout << "Workload files (experiments: `workload: {file: PATH}`):\n";
  for (const auto& f : yaml_files(configs / "workloads"))
    items.emplace_back(usable_path(f), headline(f));
  rows(items);
}

void list_accelerators() {
  std::cout
      << "Accelerator presets (experiments: `accelerator: NAME`; `monet-sim validate NAME`):\n";
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& name : accelerators::preset_names())
    items.emplace_back(name, headline(accelerators::preset_path(name)));
  rows(items);
}

void list_experiments(const fs::path& configs) {
  std::cout << "Experiment files (`monet-sim run FILE`; with a search section `monet-sim search "
               "FILE`):\n";
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& f : yaml_files(configs / "experiments")) {
    std::string kind = "run";
    try {
      if (core::load_yaml_file(f).has("search")) kind = "search";
    } catch (const core::Error&) {
      kind = "unreadable (monet-sim validate FILE)";
    }
    items.emplace_back(usable_path(f), "[" + kind + "] " + headline(f));
  }
  rows(items);
}
}  // namespace

void add_list_command(CLI::App& app) {
  auto what = std::make_shared<std::string>("all");
  auto* cmd = app.add_subcommand(
      "list",
      "Name what can be run: built-in workloads and workload files, accelerator presets, "
      "experiment files");
  cmd->add_option("what", *what, "workloads, accelerators, experiments or all (default)")
      ->check(CLI::IsMember({"workloads", "accelerators", "experiments", "all"}));
  cmd->callback([what] {
    const fs::path configs = core::config_dir();
    const bool all = *what == "all";
    if (all || *what == "workloads") list_workloads(configs);
    if (all || *what == "accelerators") list_accelerators();
    if (all || *what == "experiments") list_experiments(configs);
  });
}

}  // namespace monet::cli

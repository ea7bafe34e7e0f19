#include "codesign/search_context.hpp"

#include <yaml-cpp/yaml.h>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/loader.hpp"
#include "core/digest.hpp"
#include "core/file_io.hpp"

namespace monet::codesign {

namespace {
// A section as yaml-cpp writes it back: comments and layout do not count, values do.
std::string section_text(const core::YamlNode& n) {
  if (!n.defined()) return "<absent>";
  return YAML::Dump(n.raw());
}
}  // namespace

std::map<std::string, std::string> evaluation_context(const fusion::Experiment& e) {
  std::map<std::string, std::string> out;
  const core::YamlNode& root = e.root;
  // Sections named in the experiment file (name, description and outputs change nothing).
  for (const char* key : {"workload", "mode", "training", "fusion", "allocation",
                          "allocation_default", "cost", "generate", "precision"})
    out[std::string("experiment section '") + key + "'"] =
        core::digest_hex(section_text(root[key]));
  if (root["search"].is_map()) {
    std::string text;
    for (const auto& entry : root["search"].entries()) {
      // Stop limits and threads may change between sessions of one search.
      if (entry.key == "generations" || entry.key == "evaluations" || entry.key == "seconds" ||
          entry.key == "threads")
        continue;
      text += entry.key + ": " + section_text(entry.value) + "\n";
    }
    out["experiment section 'search'"] = core::digest_hex(text);
  }
  // The files the sections name: their content may change while the names stay.
  if (!e.workload.file.empty())
    out["workload file (content)"] = core::digest_hex(core::read_file(e.workload.file));
  if (!e.workload.onnx.empty())
    out["ONNX model (content)"] = core::digest_hex(core::read_file(e.workload.onnx));
  // The accelerator as loaded (a Stream file's core files included), written canonically.
  out["accelerator (as loaded)"] = core::digest_hex(
      accelerators::write_accelerator_yaml(accelerators::load_accelerator(e.accelerator), ""));
  return out;
}

}  // namespace monet::codesign

// The YAML form of the Llama family (configs/workloads/README.md, "Decoder families"): a
// workload file with `family: llama` and a `config:` map of config.json fields.
#pragma once

#include "core/yaml.hpp"
#include "workloads/llama.hpp"

namespace monet::workloads {

// Whether a workload document is a family form (has `family`).
bool is_family_document(const core::YamlNode& root);

struct LlamaFileSpec {
  LlamaConfig config;
  LlamaOptions options;
};
// Parses and checks the document; ConfigError naming the file, line and field.
LlamaFileSpec parse_llama_family(const core::YamlNode& root, const std::string& display_name);

}  // namespace monet::workloads

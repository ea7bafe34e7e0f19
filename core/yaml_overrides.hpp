// Command-line values set in a YAML document before it is parsed (`--set fusion.tiles=4`,
// `--accelerator X`), so the document's own checker validates them exactly like the file and
// its errors name the option instead of a line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/yaml.hpp"

namespace monet::core {

struct YamlOverride {
  std::string path;                  // "fusion.tiles", "workload.batch", "allocation[0].cores"
  std::optional<std::string> value;  // YAML text ("4", "16 GB/s", "[a, b]"); none: remove it
  std::string origin;                // the option as written, for messages
};

// "FIELD=VALUE" → an override whose origin is "<option> FIELD=VALUE". Throws core::Error
// naming the option when there is no '=' or FIELD is not a path of names and [index]es.
YamlOverride parse_assignment(const std::string& text, const std::string& option = "--set");

// A copy of `root` with the overrides applied in order: missing maps on the way are created;
// a value where a map is needed, or an index past a list's end, is a ConfigError naming the
// override. Nodes the overrides set report their option as location.
YamlNode apply_overrides(const YamlNode& root, const std::vector<YamlOverride>& overrides);

}  // namespace monet::core
